"""The officer's forwarding pages, in Dutch: the suggested and the other tables for a
dossier, a preview of exactly what one table receives (and what is withheld, and why),
the explicit confirmation, the deliveries with their state, and feedback.

Like every page: :func:`~hub.web.auth.page_actor` for who, a CSRF token on every form,
and :mod:`hub.usecases.forwarding` (the same use cases as the API and the command
line) decides what an officer may do — municipality-scoped, every refusal in the
access log. A use-case error on a form is shown on the preview page, next to the field
or button it concerns (focus moved there); elsewhere it propagates to the app's one
handler.

Tailoring: the preview page's "Weglaten" form (a GET, so the preview is a link) names
subjects to leave out (``weglaten``) and why (``reden``); the confirmation carries the
same two fields and the previewed hash, so what is queued is exactly what was shown.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import partial
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from ..accountability import Actor
from ..dossier import Dossier
from ..forwarding.minimise import CLASS_LABELS, Withheld
from ..forwarding.outbox import DeliveryRow
from ..labels import Labels
from ..signal import FORM_LABELS, Form
from ..usecases import Invalid, Problem, UseCaseError
from ..usecases.forwarding import (
    STATE_LABELS,
    Forwarding,
    ForwardingOverview,
    TableView,
    state_label,
    table_label,
)
from .auth import page_actor, verified_form, web_state
from .errors import use_case_status
from .forwarding_api import forwarding, wake_worker
from .pages import render
from .views import subject_key_label

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
ActorDep = Annotated[Actor, Depends(page_actor)]
FormDep = Annotated[FormData, Depends(verified_form)]
Id = Annotated[str, Path(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._:@-]+$")]

_KINDS = {"person": "Persoon", "address": "Adres", "business": "Bedrijf"}
CONFIRM_FIELD = "bevestiging"
LEAVE_OUT_FIELD = "weglaten"
REASON_FIELD = "reden"
#: the use case's field names as this form calls them
_FORM_FIELDS = {"leave_out": LEAVE_OUT_FIELD, "reason": REASON_FIELD}


def _rows(fwd: Forwarding, rows: list[DeliveryRow]) -> list[dict[str, Any]]:
    """Deliveries as the pages show them."""
    return [
        {
            "r": row,
            "label": table_label(fwd.config, row.table_name),
            "state": "stuck" if row.stuck() else row.state,
            "state_label": state_label(row),
            "email": (fwd.config.tables.get(row.table_name) or _NoTable).transport == "email",
            "is_table": row.table_name in fwd.config.tables,
        }
        for row in rows
    ]


class _NoTable:
    transport = ""


def _withheld(dossier: Dossier, items: list[Withheld], labels: Labels) -> list[dict[str, Any]]:
    """What a table does not get, as gegeven / over / klasse / reden."""
    facts = {f.id: f for f in dossier.facts}
    out: list[dict[str, Any]] = []
    for item in items:
        fact = facts.get(item.fact_id)
        out.append(
            {
                "attribute": (
                    labels.field(fact.provenance.connector, fact.attribute) if fact else "?"
                ),
                "subject": subject_key_label(fact.subject) if fact else "",
                "kind": _KINDS.get(fact.subject.split(":", 1)[0], "") if fact else "",
                "class": CLASS_LABELS.get(item.classification, item.classification),
                "reason": item.reason,
                "bibob": item.bibob,
            }
        )
    return out


def _subjects(data: dict[str, Any], labels: Labels) -> list[dict[str, Any]]:
    """The payload's facts per subject, each with its Dutch label and value."""

    def shown(fact: dict[str, Any]) -> dict[str, Any]:
        source = fact["provenance"]["connector"]
        return {
            **fact,
            "label": labels.field(source, fact["attribute"]),
            "shown": labels.present(source, fact["attribute"], fact["value"]),
        }

    return [
        {
            "kind": _KINDS.get(s["kind"], s["kind"]),
            "label": subject_key_label(s["key"]),
            "facts": [shown(f) for f in data["facts"] if f["subject"] == s["key"]],
        }
        for s in data["subjects"]
    ]


def _points(data: dict[str, Any]) -> list[dict[str, str]]:
    """The payload's aandachtspunten, each once with the subjects it was found at."""
    return [
        {
            "title": a["title"],
            "explanation": a["explanation"],
            "where": "; ".join(subject_key_label(key) for key in a["subjects"]),
        }
        for a in data["aandachtspunten"]
    ]


def _forms(dossier: Dossier) -> list[str]:
    return [
        FORM_LABELS.get(Form(f), f) if f in Form._value2member_map_ else f
        for f in dossier.signal.get("forms", [])
    ]


@router.get("/dossiers/{dossier_id}/doorsturen", name="page_forwarding")
def page_forwarding(
    request: Request, dossier_id: Id, actor: ActorDep, levering: str | None = None
) -> Response:
    fwd = forwarding(request)
    overview = fwd.overview(actor, dossier_id)
    rows = _rows(fwd, overview.deliveries)
    return render(
        request,
        "forward.html",
        {
            "d": overview.dossier,
            "forms": _forms(overview.dossier),
            "views": overview.tables,
            "rows": rows,
            "feedback": overview.feedback,
            "labels": {r["r"].id: r["label"] for r in rows},
            "new": next((r for r in rows if r["r"].id == levering), None),
        },
    )


@dataclass(frozen=True)
class _Tailored:
    """One table's preview as the officer tailors it (from a query string or a form):
    what to leave out and why, and the view, untailored when that input is wrong."""

    leave_out: list[str]
    reason: str
    view: TableView
    problems: list[Problem]


def _tailored(
    fwd: Forwarding, overview: ForwardingOverview, table: str, values: list[str], reason: str
) -> _Tailored:
    leave_out, reason = [str(v)[:200] for v in values[:100]], reason[:1000]
    try:
        view, problems = fwd.tailor(overview, table, leave_out, reason), []
    except Invalid as exc:
        view, problems = overview.table(table), list(exc.problems)
    return _Tailored(leave_out, reason, view, problems)


def _choices(dossier: Dossier, chosen: set[str], labels: Labels) -> list[dict[str, Any]]:
    """What the officer may leave out: each subject, and each personal fact about an
    address or business (e.g. its co-residents), in dossier order."""
    out = []
    for s in dossier.subjects:
        label = f"{_KINDS.get(s.kind, s.kind)} {subject_key_label(s.key)}"
        out.append({"key": s.key, "label": label, "chosen": s.key in chosen})
        for f in dossier.facts_for(s.key):
            key = f"{s.key}#{f.attribute}"
            if s.kind != "person" and f.classification == "personal":
                name = labels.field(f.provenance.connector, f.attribute)
                text = f"{name} bij {label[0].lower()}{label[1:]}"
                out.append({"key": key, "label": text, "chosen": key in chosen})
    return out


def _preview_page(
    request: Request,
    fwd: Forwarding,
    overview: ForwardingOverview,
    tailored: _Tailored,
    *,
    error: str = "",
    problem: str = "",
    status: int = 200,
) -> HTMLResponse:
    dossier, view = overview.dossier, tailored.view
    web = web_state(request)
    payload = view.preview.payload if view.preview else None
    chosen = set(tailored.leave_out)
    applied = payload is not None and not tailored.problems and bool(chosen)
    return render(
        request,
        "forward_preview.html",
        {
            "d": dossier,
            "t": view,
            "p": payload,
            "data": payload.data if payload else None,
            "subjects": _subjects(payload.data, web.labels) if payload else [],
            "points": _points(payload.data) if payload else [],
            "withheld": _withheld(dossier, payload.left_out, web.labels) if payload else [],
            "payload_json": (
                json.dumps(payload.data, indent=2, ensure_ascii=False) if payload else ""
            ),
            "error": error,
            "problem": problem,
            "confirm_field": CONFIRM_FIELD,
            "leave_out_field": LEAVE_OUT_FIELD,
            "reason_field": REASON_FIELD,
            "choices": _choices(dossier, chosen, web.labels),
            "reason": tailored.reason,
            "applied": sorted(chosen) if applied else [],
            "tailoring_problems": {
                _FORM_FIELDS.get(p.field or "", p.field): p.message for p in tailored.problems
            },
            "earlier": [
                r for r in _rows(fwd, overview.deliveries) if r["r"].table_name == view.name
            ],
        },
        status=status,
    )


@router.get("/dossiers/{dossier_id}/doorsturen/{table}", name="page_forward_preview")
def page_forward_preview(request: Request, dossier_id: Id, table: Id, actor: ActorDep) -> Response:
    fwd = forwarding(request)
    overview = fwd.overview(actor, dossier_id)
    query = request.query_params
    tailored = _tailored(
        fwd, overview, table, query.getlist(LEAVE_OUT_FIELD), query.get(REASON_FIELD, "")
    )
    status = 422 if tailored.problems else 200
    return _preview_page(request, fwd, overview, tailored, status=status)


@router.post("/dossiers/{dossier_id}/doorsturen/{table}", name="page_forward_confirm")
def page_forward_confirm(
    request: Request, dossier_id: Id, table: Id, actor: ActorDep, form: FormDep
) -> Response:
    fwd = forwarding(request)
    overview = fwd.overview(actor, dossier_id)
    tailored = _tailored(
        fwd,
        overview,
        table,
        [str(v) for v in form.getlist(LEAVE_OUT_FIELD)],
        str(form.get(REASON_FIELD) or ""),
    )
    again = partial(_preview_page, request, fwd, overview, tailored)
    if form.get(CONFIRM_FIELD) != "ja" and tailored.view.preview is not None:
        return again(
            error=f"Vink aan dat u dit als {actor.name} doorstuurt; zonder die bevestiging "
            "wordt er niets verstuurd.",
            status=422,
        )
    shown = str(form.get("payload_sha256") or "")[:64] or None
    try:
        row = fwd.forward(
            actor,
            overview.dossier.id,
            table,
            shown,
            leave_out=tailored.leave_out,
            reason=tailored.reason,
        )
    except UseCaseError as exc:
        return again(problem=exc.message, status=use_case_status(exc)[0])
    wake_worker(request)
    return RedirectResponse(
        f"/dossiers/{quote(overview.dossier.id)}/doorsturen?levering={quote(row.id)}#leveringen",
        status_code=303,
    )


@router.get("/leveringen", name="page_deliveries")
def page_deliveries(request: Request, actor: ActorDep, status: str | None = None) -> Response:
    fwd = forwarding(request)
    chosen = status if status in STATE_LABELS else None
    rows = _rows(fwd, fwd.deliveries(actor, state=chosen))
    return render(
        request,
        "deliveries.html",
        {
            "rows": rows,
            "chosen": chosen,
            "states": STATE_LABELS,
            "unknown_status": bool(status) and chosen is None,
        },
    )


def _back(form: FormData, fallback: str) -> str:
    target = str(form.get("terug") or "")
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target[:500]
    return fallback


@router.post("/leveringen/{delivery_id}/opnieuw", name="page_requeue")
def page_requeue(request: Request, delivery_id: Id, actor: ActorDep, form: FormDep) -> Response:
    forwarding(request).requeue(actor, delivery_id)
    wake_worker(request)
    return RedirectResponse(_back(form, "/leveringen"), status_code=303)


@router.post("/leveringen/{delivery_id}/terugkoppeling", name="page_feedback")
def page_feedback(request: Request, delivery_id: Id, actor: ActorDep, form: FormDep) -> Response:
    fwd = forwarding(request)
    text = str(form.get("tekst") or "")[:20_001]
    source = str(form.get("van") or "").strip()[:200]
    try:
        feedback = fwd.record_feedback(actor, delivery_id, text, source or None)
    except Invalid as exc:
        return render(
            request,
            "error.html",
            {
                "title": "Terugkoppeling niet vastgelegd",
                # the form's one text field is "tekst" (the use case calls it text)
                "message": f"Terugkoppeling (tekst): {exc.message}. Er is niets vastgelegd.",
            },
            status=422,
        )
    back = _back(form, f"/dossiers/{quote(feedback.dossier_id)}/doorsturen")
    return RedirectResponse(back.split("#", 1)[0] + "#terugkoppeling", status_code=303)
