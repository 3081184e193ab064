"""The JSON API, version 1 (``/api/v1``), plus ``/healthz`` and ``/metrics``.

Every route names its request and response models, so ``/openapi.json`` describes the
API precisely; every error is ``{"detail": [{"field": ..., "message": ...}]}`` in
Dutch. Authentication is an API token (``Authorization: Bearer opp_…``) or a session
cookie with ``X-CSRF-Token`` on unsafe methods. Each route calls a use case
(:mod:`hub.usecases`) and only translates: its refusals and errors become HTTP
answers in one place (:mod:`.app`'s handler of :class:`~hub.usecases.UseCaseError`).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import PlainTextResponse, StreamingResponse
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from ..accountability import Actor
from ..audit import AuditError, LogEntry
from ..dossier import Dossier
from ..render import STATUS_LABELS
from ..signal import Signal, SignalError, parse_signal
from ..store import DossierSummary
from .approvals import MunicipalityChange
from .auth import api_actor, identify
from .errors import ApiError, ErrorOut, use_case_status
from .jobs import Job, TooManyJobs
from .metrics import CONTENT_TYPE
from .state import web_state
from .users import AccountError, ApiToken, User

__all__ = ["JOB_STATE_LABELS", "PROGRESS_LABELS", "job_out", "router", "service_router"]

PROGRESS_LABELS = {
    "running": "bezig",
    "waiting": "wacht op zijn beurt",
    "not_called": "niet bevraagd",
    "kept": "overgenomen uit de vorige versie",
    **{str(k): v for k, v in STATUS_LABELS.items()},
}
JOB_STATE_LABELS = {"running": "bezig", "done": "klaar", "failed": "mislukt"}


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("bevat een ongeldig teken")
    return value


Text = Annotated[str, AfterValidator(_no_nul)]
Id = Annotated[str, Path(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._:@-]+$")]

_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorOut, "description": text}
    for status, text in (
        (401, "Niet ingelogd, of een ongeldig API-token."),
        (403, "Geweigerd: deze rol of gemeente mag dit niet."),
        (413, "Het verzoek is te groot."),
        (422, "Een veld klopt niet; elk probleem noemt zijn veld."),
    )
}


def _errors(*extra: int) -> dict[int | str, dict[str, Any]]:
    texts = {
        404: "Niet gevonden.",
        409: "Bestaat al, of kan in deze toestand niet.",
        429: "Te veel tegelijk; probeer het later opnieuw.",
        503: "Een getuige van de logboeken is niet bereikbaar, of een logboek is gewijzigd.",
    }
    out = dict(_ERRORS)
    for status in extra:
        out[status] = {"model": ErrorOut, "description": texts[status]}
    return out


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- models --------------------------------------------------------------------------


class MeOut(BaseModel):
    login: str
    name: str
    roles: list[str]
    municipalities: list[str]
    via: Literal["session", "token"]


class JobAccepted(BaseModel):
    job_id: str
    signal_id: str
    status_url: str
    events_url: str
    page_url: str


class CallOut(BaseModel):
    connector: str
    subject: str
    round: int
    status: str
    label: str
    duration_ms: float
    attempts: int
    error: str | None


class ConnectorProgressOut(BaseModel):
    connector: str
    calls: int
    running: int
    finished: int
    status: str
    label: str
    errors: list[str]


class JobOut(BaseModel):
    id: str
    state: Literal["running", "done", "failed"]
    state_label: str
    signal_id: str
    municipality: str
    created_at: datetime
    finished_at: datetime | None
    rerun_of: str | None
    dossier_id: str | None
    dossier_url: str | None
    complete: bool | None
    error: str | None
    connectors: list[ConnectorProgressOut]
    calls: list[CallOut]


class DossierSummaryOut(BaseModel):
    id: str
    signal_id: str
    municipality: str
    municipality_name: str
    officer_id: str
    created_at: str


class SearchIn(_In):
    bsn: Annotated[Text | None, Field(max_length=20, description="never stored or logged")] = None
    officer: Annotated[Text | None, Field(max_length=200)] = None
    signal: Annotated[Text | None, Field(max_length=200)] = None
    connector: Annotated[Text | None, Field(max_length=100)] = None
    trace_id: Annotated[Text | None, Field(max_length=64)] = None
    since: Annotated[datetime | None, Field(description="from (inclusive); UTC if no zone")] = None
    until: Annotated[datetime | None, Field(description="until (exclusive)")] = None
    logs: Annotated[list[Literal["processing", "access", "brp", "store"]], Field(max_length=4)] = []
    limit: Annotated[int, Field(ge=1, le=10000)] = 1000


class LogEntryOut(BaseModel):
    log: str
    index: int
    recorded_at: str
    kind: str
    intact: bool
    payload: dict[str, Any] | None


class CheckpointOut(BaseModel):
    log: str
    size: int
    root_hash: str
    timestamp: str
    key_id: str
    signature: str


class VerifyFindingOut(BaseModel):
    problem: str
    index: int | None
    checkpoint_size: int | None
    detail: str


class VerifyReportOut(BaseModel):
    log: str
    ok: bool
    size: int
    root_hash: str
    checkpoints: int
    redacted: int
    seconds: float
    first_bad_index: int | None
    findings: list[VerifyFindingOut]
    more_findings: int


class VerifyOut(BaseModel):
    ok: bool
    where: str | None
    reports: list[VerifyReportOut]
    latest_checkpoints: dict[str, CheckpointOut | None]


class ProofOut(BaseModel):
    log: str
    index: int
    tree_size: int
    leaf_hash: str
    path: list[str]
    root_hash: str
    checkpoint: CheckpointOut
    leaf: str | None
    public_key: str


class SubjectReportIn(_In):
    bsn: Annotated[Text, Field(min_length=1, max_length=20)]


class ReportLineOut(BaseModel):
    time: str
    organisation: str
    source: str
    purpose: str
    purpose_id: str
    legal_ground: str
    fields: list[str]
    status: str | None = None
    recipient: str | None = None


class SubjectReportOut(BaseModel):
    generated_at: str
    processing: list[ReportLineOut]
    brp_supplies: list[ReportLineOut]
    disclosures: list[ReportLineOut]
    omitted_confidential: bool
    notice: str | None


class PublicKeyOut(BaseModel):
    public_key: str


class ConnectorHealthOut(BaseModel):
    name: str
    version: str
    registry: str
    ok: bool
    detail: str
    latency_ms: float | None


class PurposeOut(BaseModel):
    id: str
    name: str
    legal_ground: str
    retention_days: int
    confidentiality: str
    withhold_from_subject: bool
    fields: dict[str, list[str]]


class TableOut(BaseModel):
    name: str
    label: str
    transport: str
    classifications: list[str]
    attributes: list[str]
    description: bool
    bibob_legal_ground: str
    municipalities: list[str]
    max_attempts: int


class RoutingOut(BaseModel):
    table: str
    match: str
    always: bool
    forms: list[str]
    facts: list[str]
    aandachtspunten: list[str]
    min_aandachtspunten: int


class ConfigOut(BaseModel):
    source: str
    municipalities: dict[str, str]
    purposes: list[PurposeOut]
    connectors: dict[str, dict[str, Any]]
    tables: list[TableOut]
    routing: list[RoutingOut]
    fakes: str
    oidc: bool


class UserOut(BaseModel):
    login: str
    name: str
    roles: list[str]
    municipalities: list[str]
    source: str
    disabled: bool
    has_password: bool
    created_at: str


class UserIn(_In):
    login: Annotated[Text, Field(max_length=64)]
    name: Annotated[Text, Field(max_length=200)]
    roles: Annotated[list[Literal["officer", "auditor", "admin", "monitor"]], Field(max_length=4)]
    municipalities: Annotated[list[Annotated[Text, Field(max_length=4)]], Field(max_length=50)] = []
    system: Annotated[
        bool, Field(description="a system account: no password, it acts through API tokens")
    ] = False


class MunicipalitiesIn(_In):
    municipalities: Annotated[list[Annotated[Text, Field(max_length=4)]], Field(max_length=50)]


class MunicipalityChangeOut(BaseModel):
    id: str
    login: str
    before: list[str]
    after: list[str]
    requested_by: str
    requested_at: str
    state: Annotated[
        Literal["pending", "applied", "approved", "rejected", "superseded"],
        Field(description="pending: a widening that waits for a second administrator"),
    ]
    decided_by: str | None
    decided_at: str | None


class UserCreatedOut(BaseModel):
    user: UserOut
    password: Annotated[str | None, Field(description="shown once; null for a system account")]
    municipality_change: Annotated[
        MunicipalityChangeOut | None,
        Field(description="the municipalities asked for, pending a second administrator"),
    ] = None


class PasswordOut(BaseModel):
    login: str
    password: Annotated[str, Field(description="the new password, shown once")]


class TokenIn(_In):
    label: Annotated[Text, Field(max_length=100)]


class TokenOut(BaseModel):
    id: str
    login: str
    label: str
    created_by: str
    created_at: str
    last_used_at: str | None
    revoked_at: str | None


class TokenCreatedOut(BaseModel):
    token: TokenOut
    secret: Annotated[str, Field(description="the token to send as Bearer; shown once")]


class HealthzOut(BaseModel):
    status: Literal["ok"]


# -- conversions ---------------------------------------------------------------------


def job_out(job: Job) -> JobOut:
    return JobOut(
        id=job.id,
        state=job.state,
        state_label=JOB_STATE_LABELS[job.state],
        signal_id=job.signal_id,
        municipality=job.municipality,
        created_at=job.created_at,
        finished_at=job.finished_at,
        rerun_of=job.rerun_of,
        dossier_id=job.dossier_id,
        dossier_url=f"/dossiers/{job.dossier_id}" if job.dossier_id else None,
        complete=job.complete,
        error=job.error,
        connectors=[
            ConnectorProgressOut(
                **row,
                label=PROGRESS_LABELS.get(str(row["status"]), str(row["status"])),
            )
            for row in job.connector_rows()
        ],
        calls=[
            CallOut(
                connector=c.connector,
                subject=c.subject,
                round=c.round,
                status=c.status,
                label=PROGRESS_LABELS.get(c.status, c.status),
                duration_ms=c.duration_ms,
                attempts=c.attempts,
                error=c.error,
            )
            for c in job.calls.values()
        ],
    )


def _summary(s: DossierSummary, municipalities: dict[str, str]) -> DossierSummaryOut:
    return DossierSummaryOut(
        id=s.id,
        signal_id=s.signal_id,
        municipality=s.municipality,
        municipality_name=municipalities.get(s.municipality, ""),
        officer_id=s.officer_id,
        created_at=s.created_at,
    )


def _entry(e: LogEntry) -> LogEntryOut:
    return LogEntryOut(
        log=e.log,
        index=e.index,
        recorded_at=e.recorded_at,
        kind=e.kind,
        intact=e.intact,
        payload=e.payload,
    )


def user_out(u: User) -> UserOut:
    return UserOut(
        login=u.login,
        name=u.name,
        roles=list(u.roles),
        municipalities=list(u.municipalities),
        source=u.source,
        disabled=u.disabled,
        has_password=u.has_password,
        created_at=u.created_at,
    )


def change_out(c: MunicipalityChange) -> MunicipalityChangeOut:
    return MunicipalityChangeOut(
        id=c.id,
        login=c.login,
        before=list(c.before),
        after=list(c.after),
        requested_by=c.requested_by,
        requested_at=c.requested_at,
        state=c.state,
        decided_by=c.decided_by,
        decided_at=c.decided_at,
    )


def token_out(t: ApiToken) -> TokenOut:
    return TokenOut(
        id=t.id,
        login=t.login,
        label=t.label,
        created_by=t.created_by,
        created_at=t.created_at,
        last_used_at=t.last_used_at,
        revoked_at=t.revoked_at,
    )


def _utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _checkpoint_failed(exc: AuditError) -> ApiError:
    """A checkpoint that could not be signed or witnessed: the service's state, not the
    caller's request (503)."""
    return ApiError(503, [(None, f"checkpoint mislukt: {exc}")])


def _account_error(exc: AccountError) -> ApiError:
    return ApiError(use_case_status(exc)[0], [(exc.field, exc.message)])


def config_out(config: Any) -> ConfigOut:
    return ConfigOut(
        source=config.source,
        municipalities=dict(config.municipalities),
        purposes=[
            PurposeOut(
                id=p.id,
                name=p.name,
                legal_ground=p.legal_ground,
                retention_days=p.retention_days,
                confidentiality=p.confidentiality,
                withhold_from_subject=p.withhold_from_subject,
                fields={k: list(v) for k, v in p.fields.items()},
            )
            for p in config.purposes
        ],
        connectors={name: dict(values) for name, values in config.connectors.items()},
        tables=[
            TableOut(
                name=name,
                label=t.label,
                transport=t.transport,
                classifications=list(t.allow.classifications),
                attributes=list(t.allow.attributes),
                description=t.allow.description,
                bibob_legal_ground=t.bibob_legal_ground,
                municipalities=list(t.municipalities),
                max_attempts=t.max_attempts,
            )
            for name, t in config.tables.items()
        ],
        routing=[
            RoutingOut(
                table=r.table,
                match=r.match,
                always=r.always,
                forms=list(r.forms),
                facts=[f.label for f in r.facts],
                aandachtspunten=list(r.aandachtspunten),
                min_aandachtspunten=r.min_aandachtspunten,
            )
            for r in config.routing
        ],
        fakes=str(config.fakes.mode.value),
        oidc=config.web.oidc is not None,
    )


# -- routes --------------------------------------------------------------------------

router = APIRouter(prefix="/api/v1", responses=_ERRORS)
ActorDep = Annotated[Actor, Depends(api_actor)]


@router.get("/me", response_model=MeOut, tags=["account"])
def api_me(request: Request, actor: ActorDep) -> MeOut:
    """Who the request acts as."""
    caller = identify(request)
    return MeOut(
        login=actor.id,
        name=actor.name,
        roles=list(actor.roles),
        municipalities=list(actor.municipalities),
        via=caller.via or "session",
    )


def _accepted(job: Job) -> JobAccepted:
    return JobAccepted(
        job_id=job.id,
        signal_id=job.signal_id,
        status_url=f"/api/v1/jobs/{job.id}",
        events_url=f"/api/v1/jobs/{job.id}/events",
        page_url=f"/taken/{job.id}",
    )


def _start(request: Request, signal: Signal, actor: Actor, **options: Any) -> Job:
    try:
        return web_state(request).jobs.start(signal, actor, **options)
    except TooManyJobs:
        raise ApiError(
            429,
            [
                (
                    None,
                    "u heeft al het maximale aantal verrijkingen lopen; wacht tot er één klaar is",
                )
            ],
            headers={"Retry-After": "5"},
        ) from None


@router.post(
    "/signals",
    status_code=202,
    response_model=JobAccepted,
    responses=_errors(429),
    tags=["officer"],
)
async def api_submit_signal(request: Request, signal: Signal, actor: ActorDep) -> JobAccepted:
    """Submit a signal: it is checked, then enriched as a job (follow it at
    ``status_url`` or ``events_url``); the dossier is stored when the job is done."""
    try:
        checked = parse_signal(signal.model_dump(mode="json", exclude_none=True))
    except SignalError as exc:
        raise ApiError(422, list(exc.problems)) from None
    return _accepted(_start(request, checked, actor))


@router.get("/signals", response_model=list[DossierSummaryOut], tags=["officer"])
def api_my_signals(request: Request, actor: ActorDep) -> list[DossierSummaryOut]:
    """The dossiers of the signals the caller enriched, newest first."""
    web = web_state(request)
    found = web.dossiers.newest(actor, mine=True)
    return [_summary(s, web.config.municipalities) for s in found]


@router.get("/jobs/{job_id}", response_model=JobOut, responses=_errors(404), tags=["officer"])
def api_job(request: Request, job_id: Id, actor: ActorDep) -> JobOut:
    """An enrichment job with each connector's progress."""
    return job_out(web_state(request).jobs.get(job_id, actor))


def _sse(event: str, data: dict[str, Any], event_id: int | None = None) -> bytes:
    lines = [f"event: {event}"]
    if event_id is not None:
        lines.append(f"id: {event_id}")
    lines.append("data: " + json.dumps(data, ensure_ascii=False, default=str))
    return ("\n".join(lines) + "\n\n").encode()


@router.get(
    "/jobs/{job_id}/events",
    response_class=StreamingResponse,
    responses={
        **_errors(404),
        200: {
            "description": "Server-sent events: `progress` (a JobOut) on every change, "
            "then `end` when the job is done or failed.",
            "content": {"text/event-stream": {"schema": {"type": "string"}}},
        },
    },
    tags=["officer"],
)
def api_job_events(request: Request, job_id: Id, actor: ActorDep) -> StreamingResponse:
    """Follow a job live (server-sent events)."""
    job = web_state(request).jobs.get(job_id, actor)

    async def stream() -> AsyncIterator[bytes]:
        version = -1
        while True:
            if job.version != version:
                version = job.version
                data = job_out(job).model_dump(mode="json")
                yield _sse("progress", data, version)
                if job.state != "running":
                    yield _sse("end", {"state": job.state, "dossier_url": data["dossier_url"]})
                    return
            else:
                yield b": nog bezig\n\n"  # keeps proxies from closing an idle stream
            if await request.is_disconnected():
                return
            await job.wait(version, 15.0)

    return StreamingResponse(
        stream(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


@router.get("/dossiers", response_model=list[DossierSummaryOut], tags=["officer"])
def api_dossiers(request: Request, actor: ActorDep) -> list[DossierSummaryOut]:
    """The newest dossiers of the caller's municipalities."""
    web = web_state(request)
    return [_summary(s, web.config.municipalities) for s in web.dossiers.newest(actor)]


@router.get(
    "/dossiers/{dossier_id}",
    response_model=Dossier,
    responses=_errors(404, 409),
    tags=["officer"],
)
def api_dossier(request: Request, dossier_id: Id, actor: ActorDep) -> Dossier:
    """A stored dossier, for an officer of its municipality (the view is logged); 409
    when it was changed outside the hub (nothing of it is shown)."""
    return web_state(request).dossiers.view(actor, dossier_id)


@router.post(
    "/dossiers/{dossier_id}/rerun",
    status_code=202,
    response_model=JobAccepted,
    responses=_errors(404, 409, 429),
    tags=["officer"],
)
async def api_rerun(request: Request, dossier_id: Id, actor: ActorDep) -> JobAccepted:
    """Ask again what failed or timed out in the dossier: a new dossier of the same
    signal, with the earlier one's answers and the new ones; the earlier one stays as
    it was."""
    dossiers = web_state(request).dossiers
    signal, previous = await run_in_threadpool(dossiers.for_rerun, actor, dossier_id)
    return _accepted(_start(request, signal, actor, previous=previous))


# -- auditor ---------------------------------------------------------------------------


@router.post("/audit/search", response_model=list[LogEntryOut], tags=["auditor"])
def api_audit_search(request: Request, query: SearchIn, actor: ActorDep) -> list[LogEntryOut]:
    """Search the processing log, access log and BRP protocol (a BSN is pseudonymised
    on the fly, never stored)."""
    entries = web_state(request).audit.search(
        actor,
        bsn=query.bsn or None,
        officer=query.officer or None,
        signal=query.signal or None,
        connector=query.connector or None,
        trace_id=query.trace_id or None,
        since=_utc(query.since),
        until=_utc(query.until),
        logs=query.logs,
        limit=query.limit,
    )
    return [_entry(e) for e in entries]


@router.post("/audit/verify", response_model=VerifyOut, tags=["auditor"])
def api_audit_verify(request: Request, actor: ActorDep) -> VerifyOut:
    """Recompute every log and check every checkpoint (``ok`` false names the first
    changed entry)."""
    outcome = web_state(request).audit.verify(actor)
    return VerifyOut(
        ok=outcome.ok,
        where=outcome.where,
        reports=[VerifyReportOut(**r.to_json()) for r in outcome.reports],
        latest_checkpoints={
            name: CheckpointOut(**cps[-1].to_json()) if cps else None
            for name, cps in outcome.checkpoints.items()
        },
    )


@router.post(
    "/audit/checkpoint",
    response_model=dict[str, CheckpointOut],
    responses=_errors(503),
    tags=["auditor"],
)
def api_audit_checkpoint(request: Request, actor: ActorDep) -> dict[str, CheckpointOut]:
    """Sign the current tree head of every log (and hand it to the witnesses)."""
    try:
        heads = web_state(request).audit.checkpoint(actor)
    except AuditError as exc:
        raise _checkpoint_failed(exc) from None
    return {name: CheckpointOut(**cp.to_json()) for name, cp in heads.items()}


@router.get(
    "/audit/logs/{log}/entries/{index}/proof",
    response_model=ProofOut,
    responses=_errors(404, 503),
    tags=["auditor"],
)
def api_audit_proof(
    request: Request,
    log: Literal["processing", "access", "brp", "store"],
    index: Annotated[int, Path(ge=0, le=2**62)],
    actor: ActorDep,
) -> ProofOut:
    """An inclusion proof of one entry, checkable by a third party with the public key."""
    try:
        proof, key = web_state(request).audit.prove(actor, log, index)
    except AuditError as exc:  # signing the checkpoint the proof needs failed
        raise _checkpoint_failed(exc) from None
    data = proof.to_json()
    return ProofOut(**data, public_key=key)


@router.post("/audit/subject-report", response_model=SubjectReportOut, tags=["auditor"])
def api_subject_report(
    request: Request, body: SubjectReportIn, actor: ActorDep
) -> SubjectReportOut:
    """The overview a citizen may ask for (art. 15 AVG, art. 3.22 Wet BRP)."""
    report = web_state(request).audit.subject_report(actor, body.bsn)
    return SubjectReportOut(**report.to_json())


@router.get(
    "/audit/dossiers/{dossier_id}/prov",
    response_model=dict[str, Any],
    responses=_errors(404),
    tags=["auditor"],
)
def api_dossier_prov(request: Request, dossier_id: Id, actor: ActorDep) -> dict[str, Any]:
    """A dossier's provenance as W3C PROV-JSON (values left out)."""
    return web_state(request).dossiers.provenance(actor, dossier_id)


@router.get("/audit/public-key", response_model=PublicKeyOut, tags=["auditor"])
def api_public_key(request: Request, actor: ActorDep) -> PublicKeyOut:
    """The log-signing public key (base64 Ed25519)."""
    return PublicKeyOut(public_key=web_state(request).audit.public_key(actor))


# -- administrator ---------------------------------------------------------------------


@router.get("/connectors", response_model=list[ConnectorHealthOut], tags=["admin"])
async def api_connectors(request: Request, actor: ActorDep) -> list[ConnectorHealthOut]:
    """Every connector, probed live with its credentials."""
    web = web_state(request)
    found = await web.registries.health(actor)
    out = []
    for c in found.connectors:
        web.metrics.connector_health(c.name, c.health.ok)
        out.append(
            ConnectorHealthOut(
                name=c.name,
                version=c.info.version,
                registry=c.info.registry,
                ok=c.health.ok,
                detail=c.health.detail,
                latency_ms=c.health.latency_ms,
            )
        )
    return out


@router.get("/config", response_model=ConfigOut, tags=["admin"])
def api_config(request: Request, actor: ActorDep) -> ConfigOut:
    """The configuration: municipalities, processing activities, connectors, tables
    and routing (no secrets: only the names of their environment variables)."""
    return config_out(web_state(request).registries.configuration(actor))


@router.get("/users", response_model=list[UserOut], tags=["admin"])
def api_users(request: Request, actor: ActorDep) -> list[UserOut]:
    """Every account."""
    users, _ = web_state(request).users.list_users(actor)
    return [user_out(u) for u in users]


@router.post(
    "/users",
    status_code=201,
    response_model=UserCreatedOut,
    responses=_errors(409),
    tags=["admin"],
)
def api_add_user(request: Request, body: UserIn, actor: ActorDep) -> UserCreatedOut:
    """Create an account; a person gets a generated password (shown once), a system
    account none (it acts through API tokens). It starts without municipalities: the
    ones asked for wait for a second administrator (``municipality_change``)."""
    try:
        user, password, change = web_state(request).users.add_user(
            actor, body.login, body.name, body.roles, body.municipalities, system=body.system
        )
    except AccountError as exc:
        raise _account_error(exc) from None
    return UserCreatedOut(
        user=user_out(user),
        password=password,
        municipality_change=change_out(change) if change else None,
    )


def _set_disabled(request: Request, login: str, actor: Actor, disabled: bool) -> UserOut:
    try:
        return user_out(web_state(request).users.set_disabled(actor, login, disabled))
    except AccountError as exc:
        raise _account_error(exc) from None


@router.post(
    "/users/{login}/disable", response_model=UserOut, responses=_errors(404), tags=["admin"]
)
def api_disable_user(request: Request, login: Id, actor: ActorDep) -> UserOut:
    """Disable an account: its sessions end, its tokens are revoked."""
    return _set_disabled(request, login, actor, True)


@router.post(
    "/users/{login}/enable", response_model=UserOut, responses=_errors(404), tags=["admin"]
)
def api_enable_user(request: Request, login: Id, actor: ActorDep) -> UserOut:
    """Enable a disabled account (its old sessions and tokens stay dead)."""
    return _set_disabled(request, login, actor, False)


@router.post(
    "/users/{login}/password",
    response_model=PasswordOut,
    responses=_errors(404),
    tags=["admin"],
)
def api_reset_password(request: Request, login: Id, actor: ActorDep) -> PasswordOut:
    """A new generated password (shown once); the user's sessions end."""
    try:
        password = web_state(request).users.reset_password(actor, login)
    except AccountError as exc:
        raise _account_error(exc) from None
    return PasswordOut(login=login, password=password)


@router.post(
    "/users/{login}/municipalities",
    response_model=MunicipalityChangeOut,
    responses=_errors(404),
    tags=["admin"],
)
def api_change_municipalities(
    request: Request, login: Id, body: MunicipalitiesIn, actor: ActorDep
) -> MunicipalityChangeOut:
    """New municipalities for an account: fewer take effect at once (``applied``); an
    added one waits for a second administrator (``pending``). Logged with before/after."""
    try:
        _, change = web_state(request).users.change_municipalities(
            actor, login, body.municipalities
        )
    except AccountError as exc:
        raise _account_error(exc) from None
    return change_out(change)


@router.get("/municipality-changes", response_model=list[MunicipalityChangeOut], tags=["admin"])
def api_municipality_changes(request: Request, actor: ActorDep) -> list[MunicipalityChangeOut]:
    """Changes of accounts' municipalities: pending first, then the newest."""
    return [change_out(c) for c in web_state(request).users.list_changes(actor)]


def _decide(request: Request, change_id: str, actor: Actor, approve: bool) -> MunicipalityChangeOut:
    try:
        return change_out(web_state(request).users.decide_change(actor, change_id, approve))
    except AccountError as exc:
        raise _account_error(exc) from None


@router.post(
    "/municipality-changes/{change_id}/approve",
    response_model=MunicipalityChangeOut,
    responses=_errors(404),
    tags=["admin"],
)
def api_approve_change(request: Request, change_id: Id, actor: ActorDep) -> MunicipalityChangeOut:
    """Approve a pending widening: by another administrator than the one who asked."""
    return _decide(request, change_id, actor, True)


@router.post(
    "/municipality-changes/{change_id}/reject",
    response_model=MunicipalityChangeOut,
    responses=_errors(404),
    tags=["admin"],
)
def api_reject_change(request: Request, change_id: Id, actor: ActorDep) -> MunicipalityChangeOut:
    """Reject (or, as its requester, withdraw) a pending widening."""
    return _decide(request, change_id, actor, False)


@router.get("/tokens", response_model=list[TokenOut], tags=["admin"])
def api_tokens(request: Request, actor: ActorDep) -> list[TokenOut]:
    """Every API token (never its secret)."""
    _, tokens = web_state(request).users.list_users(actor)
    return [token_out(t) for t in tokens]


@router.post(
    "/users/{login}/tokens",
    status_code=201,
    response_model=TokenCreatedOut,
    responses=_errors(404),
    tags=["admin"],
)
def api_create_token(
    request: Request, login: Id, body: TokenIn, actor: ActorDep
) -> TokenCreatedOut:
    """A new API token acting as ``login`` (the secret is shown once, stored hashed):
    a logged-in user's own (``login`` is the caller), or an administrator's for a
    system account. A token cannot make tokens."""
    try:
        token, secret = web_state(request).users.create_token(actor, login, body.label)
    except AccountError as exc:
        raise _account_error(exc) from None
    return TokenCreatedOut(token=token_out(token), secret=secret)


@router.delete(
    "/tokens/{token_id}", response_model=TokenOut, responses=_errors(404), tags=["admin"]
)
def api_revoke_token(request: Request, token_id: Id, actor: ActorDep) -> TokenOut:
    """Revoke an API token (an administrator any, a holder its own)."""
    try:
        return token_out(web_state(request).users.revoke_token(actor, token_id))
    except AccountError as exc:
        raise _account_error(exc) from None


# -- service ---------------------------------------------------------------------------

service_router = APIRouter()


@service_router.get(
    "/healthz",
    response_model=HealthzOut,
    responses={503: {"model": ErrorOut, "description": "De opslag is niet bereikbaar."}},
    tags=["service"],
)
async def healthz(request: Request) -> HealthzOut:
    """Liveness and readiness: the process answers and its database does."""
    db = web_state(request).context.storage.db
    try:
        await asyncio.to_thread(db.query, "SELECT 1")
    except Exception:
        raise ApiError(503, [(None, "de opslag is niet bereikbaar")]) from None
    return HealthzOut(status="ok")


@service_router.get(
    "/metrics",
    response_class=PlainTextResponse,
    responses={
        **_ERRORS,
        200: {
            "description": "Prometheus text format 0.0.4.",
            "content": {"text/plain": {"schema": {"type": "string"}}},
        },
    },
    tags=["service"],
)
def metrics(request: Request, actor: ActorDep) -> Response:
    """Prometheus metrics: per-connector calls, errors and latency, HTTP requests."""
    web = web_state(request)
    web.context.require_any_role(actor, ("admin", "monitor"), "metrics")
    return Response(web.metrics.render(), media_type=CONTENT_TYPE)
