"""The officer's pages of the case around a signal: the signal list (search, filter,
sort, paging) and the case block's forms on the dossier page (status, note). Thin:
every rule is in :class:`hub.usecases.cases.Cases`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..usecases import Invalid
from ..usecases.cases import SORTS, STATUSES, Cases, SignalPage, SignalQuery
from .api import job_out
from .pages import ActorDep, FormDep, Id, dossier_page, render
from .state import web_state

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

#: the list's query parameters as the officer's address bar spells them
_PARAMS = {"search": "zoek", "status": "status", "municipality": "gemeente", "sort": "sorteer"}
_SORT_LABELS = {
    "nieuwste": "nieuwste eerst",
    "oudste": "oudste eerst",
    "status": "op status",
    "gemeente": "op gemeente",
}
_Text = Annotated[str, Query(max_length=300)]


def _query(zoek: str, status: str, gemeente: str, sorteer: str, pagina: str) -> SignalQuery:
    page = int(pagina) if pagina.isdigit() and len(pagina) < 7 else 0
    return SignalQuery(zoek.strip(), status or None, gemeente or None, sorteer or "nieuwste", page)


@router.get("/signalen", name="page_signals")
def page_signals(
    request: Request,
    actor: ActorDep,
    zoek: _Text = "",
    status: _Text = "",
    gemeente: _Text = "",
    sorteer: _Text = "",
    pagina: _Text = "1",
) -> Response:
    web = web_state(request)
    query = _query(zoek, status, gemeente, sorteer, pagina)
    errors: dict[str, str] = {}
    try:
        found = Cases(web.context).signals(actor, query)
    except Invalid as exc:
        errors = {_PARAMS.get(p.field or "", "pagina"): p.message for p in exc.problems}
        found = SignalPage((), 0, 1, 1, query)
    # what the list does not show yet: enrichments still running, or that failed
    jobs = [job_out(j) for j in web.jobs.for_owner(actor.id) if j.state != "done"]
    values = {"zoek": zoek, "status": status, "gemeente": gemeente, "sorteer": sorteer}
    return render(
        request,
        "signals.html",
        {
            "found": found,
            "jobs": jobs,
            "errors": errors,
            "values": values,
            "statuses": STATUSES,
            "sorts": [(s, _SORT_LABELS[s]) for s in SORTS],
            "choices": [(c, web.config.municipalities.get(c, c)) for c in actor.municipalities],
            "params": {k: v for k, v in values.items() if v},
        },
        status=422 if errors else 200,
    )


@router.post("/dossiers/{dossier_id}/zaak/status", name="page_case_status")
def page_case_status(request: Request, dossier_id: Id, actor: ActorDep, form: FormDep) -> Response:
    cases = Cases(web_state(request).context)
    try:
        cases.change_status(
            actor,
            dossier_id,
            str(form.get("status") or ""),
            reason=str(form.get("reason") or ""),
            assignee=str(form.get("assignee") or ""),
        )
    except Invalid as exc:
        return _refused(request, actor, dossier_id, form, exc)
    return RedirectResponse(f"/dossiers/{dossier_id}#zaak", status_code=303)


@router.post("/dossiers/{dossier_id}/zaak/notities", name="page_case_note")
def page_case_note(request: Request, dossier_id: Id, actor: ActorDep, form: FormDep) -> Response:
    cases = Cases(web_state(request).context)
    try:
        cases.add_note(
            actor, dossier_id, str(form.get("text") or ""), str(form.get("kind") or "notitie")
        )
    except Invalid as exc:
        return _refused(request, actor, dossier_id, form, exc)
    return RedirectResponse(f"/dossiers/{dossier_id}#notities", status_code=303)


def _refused(
    request: Request, actor: ActorDep, dossier_id: str, form: FormDep, exc: Invalid
) -> HTMLResponse:
    return dossier_page(request, actor, dossier_id, refused=(form, exc), status=422)
