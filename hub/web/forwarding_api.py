"""Forwarding in the JSON API (``/api/v1``): suggestions and previews, the confirmed
forward, deliveries, requeue, and the table feedback endpoint — plus the helpers the
forwarding pages share with it (one piece of code decides who may touch a delivery).

The feedback endpoint takes two kinds of caller:

* an officer (session cookie with ``X-CSRF-Token``, or an API token), for feedback that
  reached them outside opplus (e.g. by e-mail);
* the table itself, without an account: ``X-Opplus-Signature: t=<unix time>,v2=<hex>``
  where ``v2`` is HMAC-SHA256 over ``"<t>.POST.<path>." + raw body`` (the path, e.g.
  ``/api/v1/deliveries/<id>/feedback``, names the delivery) with the table's feedback
  secret, from the environment variable ``OPPLUS_FEEDBACK_SECRET_<TABLE>`` (the table
  name upper-cased, other characters ``_``); the timestamp must be within five minutes
  and each signature is accepted once (a second copy is refused: a replay). A ``v1``
  signature (body only) is refused here. A signature only vouches for deliveries to
  its own table, and the feedback's ``source`` is that table: a body ``source`` that
  names anyone else is refused (422).

Every refusal is written to the access log.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool

from plugins import SIGNATURE_HEADER, check_request_signature, sign_request

from ..accountability import Actor
from ..config import Config
from ..dossier import Dossier
from ..forwarding.outbox import DeliveryRow
from ..forwarding.service import NOTICE_TABLE, AlreadyForwarded, Feedback, ForwardingService
from ..usecases import Refused
from .api import Id, Text, _errors
from .auth import api_actor, record_refusal, web_state
from .errors import ApiError

__all__ = [
    "SIGNATURE_HEADER",
    "STATE_LABELS",
    "DeliveryOut",
    "TableView",
    "delivery_out",
    "feedback_secret_env",
    "forward_checked",
    "owned_delivery",
    "record_feedback",
    "requeue",
    "router",
    "sign",
    "table_views",
]

STATE_LABELS = {
    "queued": "in wachtrij",
    "sending": "wordt verstuurd",
    "delivered": "afgeleverd",
    "acknowledged": "bevestigd",
    "failed": "mislukt",
    "stuck": "vastgelopen",
}
DeliveryState = Literal["queued", "sending", "delivered", "acknowledged", "failed", "stuck"]


# -- shared with the pages ---------------------------------------------------------------


def forwarding(request: Request) -> ForwardingService:
    return web_state(request).forwarding


def table_label(config: Config, name: str) -> str:
    if name == NOTICE_TABLE:
        return "Melder (bericht dat het signaal is opgepakt)"
    table = config.tables.get(name)
    return table.label if table else name


def state_label(row: DeliveryRow) -> str:
    return STATE_LABELS["stuck"] if row.stuck() else STATE_LABELS.get(row.state, row.state)


@dataclass(frozen=True)
class TableView:
    """One configured table for one dossier: suggested or not, and what it would get."""

    name: str
    label: str
    transport: str
    reasons: list[str]
    refusal: str | None
    preview: Any  # hub.forwarding.service.Preview, or None when refused

    @property
    def suggested(self) -> bool:
        return bool(self.reasons)

    @property
    def bibob_withheld(self) -> bool:
        """Bibob facts left out because this table has no legal ground for them."""
        return self.preview is not None and any(
            w.startswith("bibob:") for w in self.preview.payload.withheld
        )

    @property
    def explanation(self) -> str:
        return f"{self.label}, omdat: {' en '.join(self.reasons)}" if self.reasons else ""


def table_views(fwd: ForwardingService, dossier: Dossier) -> list[TableView]:
    """Every configured table, the suggested ones first (in rule order)."""
    suggested = {s.table: s.reasons for s in fwd.suggestions(dossier)}
    order = list(suggested) + sorted(set(fwd.config.tables) - set(suggested))
    views = []
    for name in order:
        table = fwd.config.tables[name]
        try:
            preview, refusal = fwd.preview(dossier, name), None
        except Refused as exc:
            preview, refusal = None, exc.reason
        views.append(
            TableView(name, table.label, table.transport, suggested.get(name, []), refusal, preview)
        )
    return views


def check_table(fwd: ForwardingService, name: str) -> None:
    """An unknown table is bad input (422), not a refusal."""
    if name not in fwd.config.tables:
        known = ", ".join(sorted(fwd.config.tables)) or "geen"
        raise ApiError(422, [("table", f"onbekende tafel {name!r} (bekend: {known})")])


def forward_checked(
    fwd: ForwardingService,
    dossier_id: str,
    table: str,
    actor: Actor,
    expected_sha256: str | None,
) -> DeliveryRow:
    """Forward after the officer confirmed — refusing when the payload is no longer the
    one they previewed (the configuration changed in between)."""
    check_table(fwd, table)
    if expected_sha256:
        dossier = fwd.dossiers.view(actor, dossier_id, action="forward.preview")
        current = fwd.preview(dossier, table).payload.sha256
        if current != expected_sha256:
            raise ApiError(
                409,
                [
                    (
                        "payload_sha256",
                        "wat deze tafel zou ontvangen is veranderd sinds het voorbeeld; "
                        "bekijk het voorbeeld opnieuw",
                    )
                ],
            )
    try:
        return fwd.forward(dossier_id, table, actor)
    except AlreadyForwarded as exc:
        row = exc.row
        raise ApiError(
            409,
            [
                (
                    "table",
                    f"dit dossier is al doorgestuurd naar {table_label(fwd.config, table)} "
                    f"(levering {row.id}, {state_label(row)}); precies dezelfde gegevens "
                    "gaan niet twee keer",
                )
            ],
        ) from None


def owned_delivery(
    fwd: ForwardingService, actor: Actor, delivery_id: str, action: str
) -> DeliveryRow:
    """The delivery, for an officer of its municipality (refusals logged)."""
    fwd.context.require_role(actor, "officer", action)
    unknown = ApiError(404, [("delivery_id", f"geen levering met id {delivery_id}")])
    try:
        row = fwd.outbox.get(delivery_id)
    except KeyError:
        fwd.storage.record_access(actor, action, result="failed", reason="onbekende levering")
        raise unknown from None
    if not actor.may_see(row.municipality):
        # the same answer as an unknown id: whose it is goes to the access log only
        fwd.storage.record_access(
            actor,
            action,
            result="refused",
            reason=f"levering hoort bij gemeente {row.municipality}",
            dossier_id=row.dossier_id,
            municipality=row.municipality,
        )
        raise unknown
    return row


def requeue(fwd: ForwardingService, actor: Actor, delivery_id: str) -> DeliveryRow:
    """A failed delivery gets a fresh attempt budget (an officer's decision, logged)."""
    row = owned_delivery(fwd, actor, delivery_id, "deliveries.requeue")
    if row.state != "failed":
        raise ApiError(
            409,
            [
                (
                    "delivery",
                    f"levering {row.id} is {state_label(row)}; alleen een mislukte levering "
                    "kan opnieuw worden geprobeerd",
                )
            ],
        )
    done = fwd.outbox.requeue(row.id)
    fwd.storage.record_access(
        actor,
        "deliveries.requeue",
        role="officer",
        municipality=row.municipality,
        dossier_id=row.dossier_id,
        signal_id=row.signal_id,
        detail={"delivery_id": row.id, "table": row.table_name},
    )
    return done


def record_feedback(
    fwd: ForwardingService, delivery_id: str, text: str, source: str, actor: Actor | None
) -> Feedback:
    """Feedback on a delivery; the service's ``field: message`` errors as API errors."""
    if actor is not None:
        row = owned_delivery(fwd, actor, delivery_id, "feedback")
    else:
        row = fwd.outbox.get(delivery_id)
    if row.table_name == NOTICE_TABLE:
        raise ApiError(
            409, [("delivery", "dit is het bericht aan de melder, geen levering aan een tafel")]
        )
    try:
        return fwd.record_feedback(row.id, text, source=source, actor=actor)
    except ValueError as exc:
        field, _, message = str(exc).partition(": ")
        status = 409 if field == "delivery" else 422
        raise ApiError(status, [(field, message)]) from None


def feedback_secret_env(table: str) -> str:
    """The environment variable holding table ``table``'s feedback secret."""
    return "OPPLUS_FEEDBACK_SECRET_" + re.sub(r"[^A-Z0-9]", "_", table.upper())


FEEDBACK_PATH = "/api/v1/deliveries/{delivery_id}/feedback"


def sign(secret: str, timestamp: int, delivery_id: str, body: bytes) -> str:
    """The ``X-Opplus-Signature`` value a table sends with feedback ``body`` on
    delivery ``delivery_id`` (``v2``: over t, method, path and body)."""
    path = FEEDBACK_PATH.format(delivery_id=delivery_id)
    return sign_request(secret, timestamp, "POST", path, body)


_REASONS = {
    "missing": "handtekening ontbreekt",
    "malformed": "handtekening zonder t of v2",
    "v1-only": "alleen een v2-handtekening (over t, methode, pad en body) wordt aanvaard",
    "expired": "tijdstip van de handtekening ligt meer dan vijf minuten van nu",
    "mismatch": "handtekening klopt niet",
}
_REPLAYED = "deze handtekening is al gebruikt; elke handtekening geldt één keer"


def _signature_problem(request: Request, secret: str, header: str, body: bytes) -> str | None:
    check = check_request_signature(secret, header, request.method, request.url.path, body)
    if check.problem is not None:
        return _REASONS[check.problem]
    assert check.signature is not None and check.timestamp is not None
    if not web_state(request).replays.first_use(check.signature, check.timestamp):
        return _REPLAYED
    return None


@dataclass(frozen=True)
class FeedbackCaller:
    actor: Actor | None  # None: the table itself, by signature
    table: str | None


async def feedback_caller(
    request: Request,
    signature: Annotated[
        str | None,
        Header(
            alias=SIGNATURE_HEADER,
            max_length=1000,
            description="For a table without an account: `t=<unix time>,v2=<HMAC-SHA256 "
            "hex of '<t>.POST.<path>.' + body>` with the secret in "
            "`OPPLUS_FEEDBACK_SECRET_<TABLE>`; each signature is accepted once.",
        ),
    ] = None,
) -> FeedbackCaller:
    """An officer (session or API token), or the delivery's table by its signature."""
    if signature is None:
        return FeedbackCaller(api_actor(request), None)
    fwd = forwarding(request)
    delivery_id = str(request.path_params.get("delivery_id", ""))
    body = await request.body()
    who = Actor("tafel (handtekening)", "tafel", (), (), client="table")
    try:
        row = await run_in_threadpool(fwd.outbox.get, delivery_id)
    except KeyError:
        row = None
    problem: str | None
    if row is None or row.table_name == NOTICE_TABLE:
        problem = "handtekening klopt niet of de levering is onbekend"
    else:
        who = Actor(f"table:{row.table_name}", row.table_name, (), (), client="table")
        secret = os.environ.get(feedback_secret_env(row.table_name))
        if not secret:
            problem = (
                f"tafel {row.table_name} heeft geen terugkoppelgeheim "
                f"({feedback_secret_env(row.table_name)} is niet gezet)"
            )
        else:
            problem = await run_in_threadpool(_signature_problem, request, secret, signature, body)
    if problem is not None:
        await run_in_threadpool(record_refusal, request, who, problem, action="feedback")
        raise ApiError(401, [(SIGNATURE_HEADER, problem)], headers={"WWW-Authenticate": "Bearer"})
    assert row is not None
    return FeedbackCaller(None, row.table_name)


# -- models ------------------------------------------------------------------------------


def _literally_true(value: bool) -> bool:
    if value is not True:
        raise ValueError("moet true zijn: bevestig dat u dit dossier als uzelf doorstuurt")
    return value


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ForwardIn(_In):
    table: Annotated[Text, Field(min_length=1, max_length=100, description="a table's name")]
    confirm: Annotated[
        StrictBool,
        AfterValidator(_literally_true),
        Field(
            description="must be literally true: the caller confirms, as the named officer",
            json_schema_extra={"const": True},
        ),
    ]
    payload_sha256: Annotated[
        str | None,
        Field(
            pattern=r"^[0-9a-f]{64}$",
            description="optional: the sha256 of the previewed payload; when it no longer "
            "matches, nothing is sent (409)",
        ),
    ] = None


class FeedbackIn(_In):
    text: Annotated[Text, Field(min_length=1, max_length=20_000)]
    source: Annotated[
        Text | None,
        Field(max_length=200, description="who gave it; default: the table's name"),
    ] = None


class SuggestionOut(BaseModel):
    table: str
    label: str
    reasons: list[str]
    explanation: str


class WithheldOut(BaseModel):
    count: int
    by_class: dict[str, int]
    bibob_without_legal_ground: bool


class TableSummaryOut(BaseModel):
    table: str
    label: str
    transport: str
    suggested: bool
    reasons: list[str]
    available: bool
    refusal: str | None
    payload_sha256: str | None
    subjects: int
    facts: int
    aandachtspunten: int
    withheld: WithheldOut | None
    preview_url: str


class DeliveryOut(BaseModel):
    id: str
    dossier_id: str
    signal_id: str
    municipality: str
    table: str
    table_label: str
    state: Literal["queued", "sending", "delivered", "acknowledged", "failed"]
    state_label: str
    stuck: bool
    attempts: int
    max_attempts: int
    next_attempt_at: str
    last_error: str | None
    receipt_reference: str | None
    payload_sha256: str
    confirmed_by: str
    created_at: str
    updated_at: str
    delivered_at: str | None


class FeedbackOut(BaseModel):
    id: str
    delivery_id: str
    dossier_id: str
    source: str
    received_at: str
    text: str


class ForwardingOut(BaseModel):
    dossier_id: str
    suggestions: list[SuggestionOut]
    tables: list[TableSummaryOut]
    deliveries: list[DeliveryOut]
    feedback: list[FeedbackOut]


class PayloadOut(BaseModel):
    table: str
    label: str
    payload_sha256: str
    payload: dict[str, Any]
    fields_sent: list[str]
    withheld: list[str]
    withheld_counts: dict[str, int]


def delivery_out(config: Config, row: DeliveryRow) -> DeliveryOut:
    return DeliveryOut(
        id=row.id,
        dossier_id=row.dossier_id,
        signal_id=row.signal_id,
        municipality=row.municipality,
        table=row.table_name,
        table_label=table_label(config, row.table_name),
        state=row.state,  # type: ignore[arg-type]
        state_label=state_label(row),
        stuck=row.stuck(),
        attempts=row.attempts,
        max_attempts=row.max_attempts,
        next_attempt_at=row.next_attempt_at,
        last_error=row.last_error,
        receipt_reference=row.receipt_reference,
        payload_sha256=row.payload_sha256,
        confirmed_by=row.confirmed_by,
        created_at=row.created_at,
        updated_at=row.updated_at,
        delivered_at=row.delivered_at,
    )


def _feedback_out(f: Feedback) -> FeedbackOut:
    return FeedbackOut(
        id=f.id,
        delivery_id=f.delivery_id,
        dossier_id=f.dossier_id,
        source=f.source,
        received_at=f.received_at,
        text=f.text,
    )


def _summary(view: TableView, dossier_id: str) -> TableSummaryOut:
    payload = view.preview.payload if view.preview else None
    return TableSummaryOut(
        table=view.name,
        label=view.label,
        transport=view.transport,
        suggested=view.suggested,
        reasons=view.reasons,
        available=payload is not None,
        refusal=view.refusal,
        payload_sha256=payload.sha256 if payload else None,
        subjects=len(payload.data["subjects"]) if payload else 0,
        facts=len(payload.data["facts"]) if payload else 0,
        aandachtspunten=len(payload.data["aandachtspunten"]) if payload else 0,
        withheld=(
            WithheldOut(
                count=len(payload.withheld),
                by_class=dict(payload.withheld_counts),
                bibob_without_legal_ground=any(w.startswith("bibob:") for w in payload.withheld),
            )
            if payload
            else None
        ),
        preview_url=f"/api/v1/dossiers/{dossier_id}/forwarding/{view.name}",
    )


# -- routes ------------------------------------------------------------------------------

router = APIRouter(prefix="/api/v1", tags=["forwarding"])
ActorDep = Annotated[Actor, Depends(api_actor)]


@router.get(
    "/dossiers/{dossier_id}/forwarding",
    response_model=ForwardingOut,
    responses=_errors(404),
)
def api_forwarding(request: Request, dossier_id: Id, actor: ActorDep) -> ForwardingOut:
    """The suggested tables with their reasons, every table's preview summary (what is
    sent, what is withheld, the payload's sha256), the deliveries and the feedback."""
    fwd = forwarding(request)
    dossier = fwd.dossiers.view(actor, dossier_id, action="forward.preview")
    views = table_views(fwd, dossier)
    return ForwardingOut(
        dossier_id=dossier.id,
        suggestions=[
            SuggestionOut(table=v.name, label=v.label, reasons=v.reasons, explanation=v.explanation)
            for v in views
            if v.suggested
        ],
        tables=[_summary(v, dossier.id) for v in views],
        deliveries=[
            delivery_out(fwd.config, r) for r in fwd.deliveries(actor, dossier_id=dossier.id)
        ],
        feedback=[_feedback_out(f) for f in fwd.feedback_for(dossier.id)],
    )


@router.get(
    "/dossiers/{dossier_id}/forwarding/{table}",
    response_model=PayloadOut,
    responses=_errors(404),
)
def api_forwarding_payload(
    request: Request, dossier_id: Id, table: Id, actor: ActorDep
) -> PayloadOut:
    """Exactly the JSON that ``table`` would receive, and what is withheld (and why)."""
    fwd = forwarding(request)
    dossier = fwd.dossiers.view(actor, dossier_id, action="forward.preview")
    if table not in fwd.config.tables:
        raise ApiError(404, [("table", f"onbekende tafel {table!r}")])
    preview = fwd.preview(dossier, table)
    payload = preview.payload
    return PayloadOut(
        table=table,
        label=preview.label,
        payload_sha256=payload.sha256,
        payload=payload.data,
        fields_sent=payload.fields_sent,
        withheld=payload.withheld,
        withheld_counts=dict(payload.withheld_counts),
    )


@router.post(
    "/dossiers/{dossier_id}/forward",
    status_code=201,
    response_model=DeliveryOut,
    responses=_errors(404, 409),
)
def api_forward(request: Request, dossier_id: Id, body: ForwardIn, actor: ActorDep) -> DeliveryOut:
    """Forward the dossier to a table, as the calling officer (``confirm`` must be true).
    The delivery is queued and sent by the worker; follow it at ``/deliveries``."""
    fwd = forwarding(request)
    row = forward_checked(fwd, dossier_id, body.table, actor, body.payload_sha256)
    worker = web_state(request).delivery_worker
    if worker is not None:
        worker.wake()
    return delivery_out(fwd.config, row)


@router.get("/deliveries", response_model=list[DeliveryOut], responses=_errors())
def api_deliveries(
    request: Request,
    actor: ActorDep,
    state: Annotated[
        DeliveryState | None, Query(description="stuck: sending, lease run out")
    ] = None,
    dossier_id: Annotated[str | None, Query(max_length=100, pattern=r"^[A-Za-z0-9._:@-]+$")] = None,
) -> list[DeliveryOut]:
    """Deliveries of the caller's municipalities, newest first."""
    fwd = forwarding(request)
    rows = fwd.deliveries(actor, state=state, dossier_id=dossier_id)
    return [delivery_out(fwd.config, r) for r in rows]


@router.post(
    "/deliveries/{delivery_id}/requeue",
    response_model=DeliveryOut,
    responses=_errors(404, 409),
)
def api_requeue(request: Request, delivery_id: Id, actor: ActorDep) -> DeliveryOut:
    """Try a failed delivery again, with a fresh attempt budget."""
    fwd = forwarding(request)
    row = requeue(fwd, actor, delivery_id)
    worker = web_state(request).delivery_worker
    if worker is not None:
        worker.wake()
    return delivery_out(fwd.config, row)


@router.post(
    "/deliveries/{delivery_id}/feedback",
    status_code=201,
    response_model=FeedbackOut,
    responses=_errors(404, 409),
)
def api_feedback(
    request: Request,
    delivery_id: Id,
    body: FeedbackIn,
    caller: Annotated[FeedbackCaller, Depends(feedback_caller)],
) -> FeedbackOut:
    """Feedback on a delivery: from the table itself (``X-Opplus-Signature``), or
    recorded by an officer (session or API token). Acknowledges the delivery."""
    fwd = forwarding(request)
    if caller.table is not None:
        # The key says which table speaks; the body cannot say otherwise.
        source = table_label(fwd.config, caller.table)
        if body.source is not None and body.source not in (source, caller.table):
            reason = f"de afzender is de tafel van de sleutel ({source}); laat source weg"
            who = Actor(f"table:{caller.table}", caller.table, (), (), client="table")
            record_refusal(request, who, reason, action="feedback")
            raise ApiError(422, [("source", reason)])
    else:
        source = body.source or f"doorgegeven aan {caller.actor.name if caller.actor else 'opplus'}"
    feedback = record_feedback(fwd, delivery_id, body.text, source, caller.actor)
    return _feedback_out(feedback)
