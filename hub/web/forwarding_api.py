"""Forwarding in the JSON API (``/api/v1``): suggestions and previews, the confirmed
forward, deliveries, requeue, and the table feedback endpoint — an adapter over
:mod:`hub.usecases.forwarding`, which decides who may do what and writes the access
log; errors it raises propagate to the app's one handler (``{"detail": [...]}``).

The feedback endpoint takes two kinds of caller:

* an officer (session cookie with ``X-CSRF-Token``, or an API token), for feedback that
  reached them outside opplus (e.g. by e-mail);
* the table itself, without an account: ``X-Opplus-Signature: t=<unix time>,v2=<hex>``
  where ``v2`` is HMAC-SHA256 over ``"<t>.POST.<path>." + raw body`` (the path, e.g.
  ``/api/v1/deliveries/<id>/feedback``, names the delivery) with the table's feedback
  secret, from the environment variable ``OPPLUS_FEEDBACK_SECRET_<TABLE>`` (the table
  name upper-cased, other characters ``_``); the timestamp must be within five minutes
  and each signature is accepted once (a second copy is refused: a replay). A ``v1``
  signature (body only) is refused here (401). A signature only vouches for deliveries
  to its own table, and the feedback's ``source`` is that table: a body ``source`` that
  names anyone else is refused (422).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool

from ..accountability import Actor
from ..config import Config
from ..forwarding.outbox import DeliveryRow
from ..forwarding.service import Feedback
from ..usecases import Refused
from ..usecases.forwarding import (
    FEEDBACK_PATH,
    SIGNATURE_HEADER,
    Forwarding,
    SignedBy,
    TableView,
    state_label,
    table_label,
)
from .api import Id, Text, _errors
from .auth import api_actor, client_address, web_state
from .errors import ApiError

__all__ = ["DeliveryOut", "delivery_out", "forwarding", "router", "wake_worker"]

DeliveryState = Literal["queued", "sending", "delivered", "acknowledged", "failed", "stuck"]


def forwarding(request: Request) -> Forwarding:
    """The forwarding use cases over this app's machinery and replay store."""
    web = web_state(request)
    return Forwarding(web.forwarding, web.replays)


def wake_worker(request: Request) -> None:
    """A delivery was queued: the app's worker (when it runs one) sends it now."""
    worker = web_state(request).delivery_worker
    if worker is not None:
        worker.wake()


@dataclass(frozen=True)
class FeedbackCaller:
    actor: Actor | None  # None: the table itself, by signature
    signed: SignedBy | None


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
    web = web_state(request)
    address = client_address(request)
    body = await request.body()
    try:
        signed = await run_in_threadpool(
            forwarding(request).verify_signature,
            str(request.path_params.get("delivery_id", "")),
            signature,
            body,
            method=request.method,
            path=request.url.path,
            # a caller without an account can send refusals at will: past a number per
            # address and minute they are counted and summarised instead
            admit=lambda: web.refusals.admit(address),
            origin={"address": address, "route": f"{request.method} {FEEDBACK_PATH}"},
        )
    except Refused as exc:
        # not a refusal of a known caller (403) but a failed authentication
        problems = [(p.field, p.message) for p in exc.problems]
        raise ApiError(401, problems, headers={"WWW-Authenticate": "Bearer"}) from None
    return FeedbackCaller(None, signed)


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
    leave_out: Annotated[
        list[Annotated[Text, Field(max_length=200)]],
        Field(
            max_length=100,
            description="subjects (their key) or single facts (<subject>#<attribute>) the "
            "officer leaves out of this table's payload; needs a reason",
        ),
    ] = []
    reason: Annotated[Text, Field(max_length=500, description="why they are left out (logged)")] = (
        ""
    )


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
        state=row.state,
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
                bibob_without_legal_ground=payload.bibob_withheld,
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
    overview = fwd.overview(actor, dossier_id)
    dossier = overview.dossier
    return ForwardingOut(
        dossier_id=dossier.id,
        suggestions=[
            SuggestionOut(table=v.name, label=v.label, reasons=v.reasons, explanation=v.explanation)
            for v in overview.tables
            if v.suggested
        ],
        tables=[_summary(v, dossier.id) for v in overview.tables],
        deliveries=[delivery_out(fwd.config, r) for r in overview.deliveries],
        feedback=[_feedback_out(f) for f in overview.feedback],
    )


@router.get(
    "/dossiers/{dossier_id}/forwarding/{table}",
    response_model=PayloadOut,
    responses=_errors(404),
)
def api_forwarding_payload(
    request: Request,
    dossier_id: Id,
    table: Id,
    actor: ActorDep,
    leave_out: Annotated[
        list[Annotated[Text, Field(max_length=200)]] | None,
        Query(max_length=100, description="as in forwarding: left out by the officer"),
    ] = None,
    reason: Annotated[Text, Query(max_length=500)] = "",
) -> PayloadOut:
    """Exactly the JSON that ``table`` would receive, and what is withheld (and why);
    with ``leave_out`` and ``reason``, as the officer tailors it."""
    _, preview = forwarding(request).preview(
        actor, dossier_id, table, leave_out=leave_out or (), reason=reason
    )
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
    row = fwd.forward(
        actor,
        dossier_id,
        body.table,
        body.payload_sha256,
        leave_out=body.leave_out,
        reason=body.reason,
    )
    wake_worker(request)
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
    row = fwd.requeue(actor, delivery_id)
    wake_worker(request)
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
    if caller.signed is not None:
        feedback = fwd.table_feedback(caller.signed, body.text, body.source)
    else:
        assert caller.actor is not None
        feedback = fwd.record_feedback(caller.actor, delivery_id, body.text, body.source)
    return _feedback_out(feedback)
