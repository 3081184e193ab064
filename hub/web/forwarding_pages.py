"""The officer's forwarding pages, in Dutch: the suggested and the other tables for a
dossier, a preview of exactly what one table receives (and what is withheld, and why),
the explicit confirmation, the deliveries with their state, and feedback.

Like every page: :func:`~hub.web.auth.page_actor` for who, a CSRF token on every form,
and the service (shared with the API in :mod:`hub.web.forwarding_api`) decides what
an officer may do — municipality-scoped, every refusal in the access log.
"""

from __future__ import annotations

import json
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from ..accountability import Actor
from ..dossier import Dossier
from ..forwarding.minimise import CLASS_LABELS
from ..forwarding.service import ForwardingService
from ..signal import FORM_LABELS, Form
from .auth import page_actor, verified_form, web_state
from .errors import ApiError
from .forwarding_api import (
    STATE_LABELS,
    TableView,
    forward_checked,
    forwarding,
    owned_delivery,
    record_feedback,
    requeue,
    state_label,
    table_label,
    table_views,
)
from .pages import render
from .views import subject_key_label

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
ActorDep = Annotated[Actor, Depends(page_actor)]
FormDep = Annotated[FormData, Depends(verified_form)]
Id = Annotated[str, Path(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._:@-]+$")]

_KINDS = {"person": "Persoon", "address": "Adres", "business": "Bedrijf"}
CONFIRM_FIELD = "bevestiging"


def _rows(fwd: ForwardingService, actor: Actor, **filters: Any) -> list[dict[str, Any]]:
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
        for row in fwd.deliveries(actor, **filters)
    ]


class _NoTable:
    transport = ""


def _withheld(dossier: Dossier, items: list[str]) -> list[dict[str, str]]:
    """``"bibob: geen wettelijke grondslag … (fact-id)"`` as gegeven / over / reden."""
    facts = {f.id: f for f in dossier.facts}
    out = []
    for item in items:
        reason, _, rest = item.rpartition(" (")
        fact = facts.get(rest.rstrip(")"))
        cls, _, why = reason.partition(": ")
        out.append(
            {
                "attribute": fact.attribute if fact else "?",
                "subject": subject_key_label(fact.subject) if fact else "",
                "kind": _KINDS.get(fact.subject.split(":", 1)[0], "") if fact else "",
                "class": CLASS_LABELS.get(cls, cls),
                "reason": why or reason,
                "bibob": cls == "bibob",
            }
        )
    return out


def _subjects(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "kind": _KINDS.get(s["kind"], s["kind"]),
            "label": subject_key_label(s["key"]),
            "facts": [f for f in data["facts"] if f["subject"] == s["key"]],
        }
        for s in data["subjects"]
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
    dossier = fwd.dossiers.view(actor, dossier_id, action="forward.preview")
    views = table_views(fwd, dossier)
    rows = _rows(fwd, actor, dossier_id=dossier.id)
    feedback = fwd.feedback_for(dossier.id)
    return render(
        request,
        "forward.html",
        {
            "d": dossier,
            "forms": _forms(dossier),
            "views": views,
            "rows": rows,
            "feedback": feedback,
            "labels": {r["r"].id: r["label"] for r in rows},
            "new": next((r for r in rows if r["r"].id == levering), None),
        },
    )


def _preview_page(
    request: Request,
    fwd: ForwardingService,
    dossier: Dossier,
    view: TableView,
    actor: Actor,
    *,
    error: str = "",
    problem: str = "",
    status: int = 200,
) -> HTMLResponse:
    payload = view.preview.payload if view.preview else None
    return render(
        request,
        "forward_preview.html",
        {
            "d": dossier,
            "t": view,
            "p": payload,
            "data": payload.data if payload else None,
            "subjects": _subjects(payload.data) if payload else [],
            "withheld": _withheld(dossier, payload.withheld) if payload else [],
            "payload_json": (
                json.dumps(payload.data, indent=2, ensure_ascii=False) if payload else ""
            ),
            "error": error,
            "problem": problem,
            "confirm_field": CONFIRM_FIELD,
            "earlier": [
                r
                for r in _rows(fwd, actor, dossier_id=dossier.id)
                if r["r"].table_name == view.name
            ],
        },
        status=status,
    )


def _view(fwd: ForwardingService, dossier: Dossier, table: str) -> TableView:
    for view in table_views(fwd, dossier):
        if view.name == table:
            return view
    raise ApiError(404, [("tafel", f"onbekende tafel {table}")])


@router.get("/dossiers/{dossier_id}/doorsturen/{table}", name="page_forward_preview")
def page_forward_preview(request: Request, dossier_id: Id, table: Id, actor: ActorDep) -> Response:
    fwd = forwarding(request)
    dossier = fwd.dossiers.view(actor, dossier_id, action="forward.preview")
    view = _view(fwd, dossier, table)
    return _preview_page(request, fwd, dossier, view, actor)


@router.post("/dossiers/{dossier_id}/doorsturen/{table}", name="page_forward_confirm")
def page_forward_confirm(
    request: Request, dossier_id: Id, table: Id, actor: ActorDep, form: FormDep
) -> Response:
    fwd = forwarding(request)
    dossier = fwd.dossiers.view(actor, dossier_id, action="forward.preview")
    view = _view(fwd, dossier, table)
    if view.preview is None:
        return _preview_page(
            request, fwd, dossier, view, actor, problem=view.refusal or "", status=403
        )
    if form.get(CONFIRM_FIELD) != "ja":
        return _preview_page(
            request,
            fwd,
            dossier,
            view,
            actor,
            error=f"Vink aan dat u dit als {actor.name} doorstuurt; zonder die bevestiging "
            "wordt er niets verstuurd.",
            status=422,
        )
    shown = str(form.get("payload_sha256") or "")[:64] or None
    try:
        row = forward_checked(fwd, dossier.id, table, actor, shown)
    except ApiError as exc:
        return _preview_page(
            request, fwd, dossier, view, actor, problem=exc.problems[0][1], status=exc.status
        )
    worker = web_state(request).delivery_worker
    if worker is not None:
        worker.wake()
    return RedirectResponse(
        f"/dossiers/{quote(dossier.id)}/doorsturen?levering={quote(row.id)}#leveringen",
        status_code=303,
    )


@router.get("/leveringen", name="page_deliveries")
def page_deliveries(request: Request, actor: ActorDep, status: str | None = None) -> Response:
    fwd = forwarding(request)
    chosen = status if status in STATE_LABELS else None
    rows = _rows(fwd, actor, state=chosen)
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
    fwd = forwarding(request)
    requeue(fwd, actor, delivery_id)
    worker = web_state(request).delivery_worker
    if worker is not None:
        worker.wake()
    return RedirectResponse(_back(form, "/leveringen"), status_code=303)


@router.post("/leveringen/{delivery_id}/terugkoppeling", name="page_feedback")
def page_feedback(request: Request, delivery_id: Id, actor: ActorDep, form: FormDep) -> Response:
    fwd = forwarding(request)
    row = owned_delivery(fwd, actor, delivery_id, "feedback")
    back = _back(form, f"/dossiers/{quote(row.dossier_id)}/doorsturen")
    text = str(form.get("tekst") or "")[:20_001]
    source = str(form.get("van") or "").strip()[:200]
    if not text.strip():
        return render(
            request,
            "error.html",
            {
                "title": "Terugkoppeling niet vastgelegd",
                "message": "Terugkoppeling (tekst): vul in wat de tafel terugmeldde. "
                "Er is niets vastgelegd.",
            },
            status=422,
        )
    label = table_label(fwd.config, row.table_name)
    record_feedback(fwd, row.id, text, source or f"{label} (vastgelegd door {actor.name})", actor)
    return RedirectResponse(back.split("#", 1)[0] + "#terugkoppeling", status_code=303)
