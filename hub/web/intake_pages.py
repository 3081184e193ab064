"""The pages of steps 1 and 2: a colleague's report form with their own reports
(``/melden``), the officer's inbox of reports (``/meldingen``), one report with its
feedback form, and the officer's notifications (``/notificaties``). Thin: every rule
is in :class:`hub.usecases.intake.Intake` and
:class:`hub.usecases.notifications.Notifications`."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..signal import FORM_LABELS
from ..usecases import Invalid
from ..usecases.intake import FEEDBACK, FIELDS, Intake
from ..usecases.notifications import Notifications
from .pages import ActorDep, FormDep, Id, render
from .state import web_state

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def _intake(request: Request) -> Intake:
    return Intake(web_state(request).context)


def _report_form(
    request: Request,
    actor: ActorDep,
    values: dict[str, str] | None = None,
    problems: Invalid | None = None,
) -> HTMLResponse:
    errors = {p.field or "": p.message for p in problems.problems} if problems else {}
    web = web_state(request)
    return render(
        request,
        "report_form.html",
        {
            "fields": FIELDS,
            "form_labels": {str(k): v for k, v in FORM_LABELS.items()},
            "values": values or {},
            "errors": errors,
            "choices": [(c, web.config.municipalities.get(c, c)) for c in actor.municipalities],
            "reports": _intake(request).mine(actor),
        },
        status=422 if errors else 200,
    )


@router.get("/melden", name="page_report_form")
def page_report_form(request: Request, actor: ActorDep) -> Response:
    return _report_form(request, actor)


@router.post("/melden", name="page_report_submit")
def page_report_submit(request: Request, actor: ActorDep, form: FormDep) -> Response:
    values = {name: str(form.get(name) or "") for name in (*FIELDS, "gemeente")}
    try:
        _intake(request).submit(actor, values)
    except Invalid as exc:
        return _report_form(request, actor, values, exc)
    return RedirectResponse("/melden?verstuurd=1#mijn-meldingen", status_code=303)


@router.get("/meldingen", name="page_reports")
def page_reports(request: Request, actor: ActorDep) -> Response:
    reports = _intake(request).inbox(actor)
    return render(request, "reports.html", {"reports": reports, "fields": FIELDS})


@router.get("/meldingen/{report_id}", name="page_report")
def page_report(request: Request, report_id: Id, actor: ActorDep) -> Response:
    report = _intake(request).read(actor, report_id)
    return _report_page(request, report_id, report)


def _report_page(
    request: Request, report_id: str, report: object, errors: dict[str, str] | None = None
) -> HTMLResponse:
    return render(
        request,
        "report.html",
        {"report": report, "fields": FIELDS, "feedback": FEEDBACK, "errors": errors or {}},
        status=422 if errors else 200,
    )


@router.post("/meldingen/{report_id}/terugkoppeling", name="page_report_feedback")
def page_report_feedback(
    request: Request, report_id: Id, actor: ActorDep, form: FormDep
) -> Response:
    intake = _intake(request)
    try:
        intake.answer(
            actor,
            report_id,
            str(form.get("status") or ""),
            str(form.get("text") or ""),
            str(form.get("dossier_id") or ""),
        )
    except Invalid as exc:
        errors = {p.field or "": p.message for p in exc.problems}
        return _report_page(request, report_id, intake.read(actor, report_id), errors)
    return RedirectResponse(f"/meldingen/{report_id}#terugkoppeling", status_code=303)


@router.get("/notificaties", name="page_notifications")
def page_notifications(request: Request, actor: ActorDep) -> Response:
    notices = Notifications(web_state(request).context).recent(actor)
    # the badge on this page already counts them as read
    return render(request, "notifications.html", {"notices": notices, "unread": 0})
