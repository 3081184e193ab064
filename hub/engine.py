"""The enrichment engine: concurrent fan-out over connectors, in rounds.

Round 1 asks every connector about every subject of the signal it accepts. Identifiers
found in the answers (an address in a BRP verblijfplaats, a KvK vestiging) become new
subjects for the next round, deduplicated, up to ``engine.max_rounds``; a subject that a
registry refines (e.g. BAG adds the adresseerbaar object id) is offered again to the
connectors that could not take it before. Every call gets its own span, a timeout per
attempt, bounded retries on transient errors and the connector's circuit breaker; the
wall time is that of the slowest call per round, not the sum.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal, Protocol

import structlog

from plugins import (
    Connector,
    ConnectorError,
    ConnectorSettings,
    EnrichResult,
    Evidence,
    Fact,
    Officer,
    Query,
    QueryRejected,
    Refused,
    Subject,
    TraceContext,
)

from .config import Config, PurposeConfig
from .dossier import (
    Dossier,
    OfficerRecord,
    Outcome,
    OutcomeStatus,
    PurposeRecord,
    SubjectEntry,
)
from .indicators import derive_indicators
from .merge import find_conflicts, to_dossier_facts
from .resilience import CircuitBreaker, CircuitOpen, RetryReport, call_with_retries
from .signal import Signal

__all__ = [
    "CallRecorder",
    "ConnectorHandle",
    "Enricher",
    "EnrichmentRun",
    "ProgressEvent",
    "RecordedCall",
]

log = structlog.get_logger(__name__)


@dataclass
class ConnectorHandle:
    """A live connector with its settings and breaker."""

    name: str
    connector: Connector
    settings: ConnectorSettings
    breaker: CircuitBreaker


@dataclass(frozen=True)
class RecordedCall:
    """One connector call as it happened, for the processing log."""

    connector: str
    registry: str
    brp_supply: bool
    query: Query
    outcome: Outcome
    started_at: datetime
    ended_at: datetime
    evidence: tuple[Evidence, ...]
    facts: tuple[Fact, ...]


class CallRecorder(Protocol):
    """Receives the connector calls of each round as soon as the round ends (the
    processing log); called in a worker thread, so it may block on durable writes."""

    def record_calls(self, calls: Sequence[RecordedCall]) -> None: ...


@dataclass(frozen=True)
class ProgressEvent:
    """A connector call starting (``outcome`` None) or finished, for live progress."""

    connector: str
    subject: str
    round: int
    outcome: Outcome | None = None


ProgressCallback = Callable[[ProgressEvent], None]


@dataclass
class EnrichmentRun:
    """A finished enrichment: the dossier, and the raw responses behind its facts."""

    dossier: Dossier
    evidence: list[tuple[str, Evidence]] = field(default_factory=list)  # (trace_id, evidence)
    calls: list[RecordedCall] = field(default_factory=list)


def _identifiers(subject: Subject) -> dict[str, Any]:
    data = {k: getattr(subject, k) for k in subject.__dataclass_fields__ if k != "kind"}
    return {k: v for k, v in data.items() if v is not None}


def _merge_subject(old: Subject, new: Subject) -> Subject:
    """``old`` with any identifiers that ``new`` adds (same key, more knowledge)."""
    merged = dict(_identifiers(new))
    merged.update(_identifiers(old))
    if merged == _identifiers(old):
        return old
    return type(old)(**merged)


class Enricher:
    """Runs enrichments over a fixed set of connectors."""

    def __init__(
        self,
        config: Config,
        connectors: Sequence[ConnectorHandle],
        recorders: Sequence[CallRecorder] = (),
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.config = config
        self.connectors = list(connectors)
        self.recorders = list(recorders)
        #: how retries wait (see :func:`call_with_retries`)
        self.sleep = sleep

    def _fields(self, purpose: PurposeConfig, handle: ConnectorHandle) -> frozenset[str]:
        allowed = set(purpose.fields.get(handle.name, ()))
        return frozenset(allowed & set(handle.connector.info.fields))

    async def enrich(
        self,
        signal: Signal,
        officer: Officer,
        *,
        signal_id: str | None = None,
        trace: TraceContext | None = None,
        progress: ProgressCallback | None = None,
    ) -> EnrichmentRun:
        purpose = self.config.purpose(signal.purpose)
        if purpose is None:
            raise ValueError(f"unknown purpose {signal.purpose!r}")
        root = trace or TraceContext.new_trace()
        signal_id = signal_id or str(uuid.uuid4())
        created = datetime.now(UTC)
        t0 = time.perf_counter()
        run = EnrichmentRun(dossier=None)  # type: ignore[arg-type]
        state = _RunState(self.config.engine.max_subjects)
        for subject in signal.subjects():
            state.add(subject, origin="signal", round_no=1, by=None)

        facts: list[Fact] = []
        outcomes: list[Outcome] = []
        called: set[tuple[str, str]] = set()
        refused: set[tuple[str, str]] = set()
        semaphore = asyncio.Semaphore(self.config.engine.max_concurrency)
        frontier = list(state.subjects.values())
        max_rounds = self.config.engine.max_rounds

        for round_no in range(1, max_rounds + 1):
            jobs = []
            for subject in frontier:
                for handle in self.connectors:
                    info = handle.connector.info
                    pair = (handle.name, subject.key)
                    if subject.kind not in info.subject_kinds or pair in called or pair in refused:
                        continue
                    fields = self._fields(purpose, handle)
                    if not fields:
                        refused.add(pair)
                        outcomes.append(
                            Outcome(
                                connector=handle.name,
                                subject=subject.key,
                                round=round_no,
                                status=OutcomeStatus.REFUSED,
                                error=f"doelbinding {purpose.id} staat geen velden van "
                                f"{handle.name} toe; niet bevraagd",
                            )
                        )
                        continue
                    if not handle.connector.accepts(subject):
                        continue
                    called.add(pair)
                    query = Query(
                        subject=subject,
                        fields=fields,
                        purpose=purpose.as_purpose(),
                        officer=officer,
                        signal_id=signal_id,
                        trace=root.child(),
                        municipality=signal.municipality,
                    )
                    jobs.append((handle, query))
            if not jobs:
                break
            async with asyncio.TaskGroup() as group:
                tasks = [
                    group.create_task(self._call(handle, query, round_no, semaphore, progress))
                    for handle, query in jobs
                ]
            frontier = []
            round_calls = [task.result()[0] for task in tasks]
            for recorder in self.recorders:
                await asyncio.to_thread(recorder.record_calls, round_calls)
            for task in tasks:
                call, result = task.result()
                run.calls.append(call)
                outcomes.append(call.outcome)
                facts.extend(call.facts)
                run.evidence.extend((root.trace_id, ev) for ev in call.evidence)
                if result is None:
                    continue
                if result.refined is not None:
                    refined = state.refine(result.refined)
                    if refined is not None and refined not in frontier:
                        frontier.append(refined)
                for found in result.discovered:
                    added = state.add(
                        found, origin="discovered", round_no=round_no + 1, by=call.connector
                    )
                    if added is not None and added not in frontier:
                        frontier.append(added)
            if round_no == max_rounds:
                state.mark_unexplored(frontier, max_rounds)

        for subject in state.subjects.values():
            for handle in self.connectors:
                pair = (handle.name, subject.key)
                if (
                    subject.kind in handle.connector.info.subject_kinds
                    and pair not in called
                    and pair not in refused
                    and state.entries[subject.key].enriched
                ):
                    outcomes.append(
                        Outcome(
                            connector=handle.name,
                            subject=subject.key,
                            round=state.entries[subject.key].round,
                            status=OutcomeStatus.SKIPPED,
                            error="niet bevraagd: het subject mist een gegeven dat deze "
                            "bron nodig heeft",
                        )
                    )

        dossier_facts = to_dossier_facts(facts)
        derived, points = derive_indicators(
            dossier_facts, root, self.config.indicators, start=len(dossier_facts) + 1
        )
        dossier_facts.extend(derived)
        completed = datetime.now(UTC)
        run.dossier = Dossier(
            id=str(uuid.uuid4()),
            signal_id=signal_id,
            trace_id=root.trace_id,
            created_at=created,
            completed_at=completed,
            duration_ms=round((time.perf_counter() - t0) * 1000, 1),
            signal=signal.model_dump(mode="json"),
            purpose=PurposeRecord(
                id=purpose.id, name=purpose.name, legal_ground=purpose.legal_ground
            ),
            officer=OfficerRecord(
                id=officer.id, name=officer.name, municipality=officer.municipality
            ),
            subjects=[state.entries[k] for k in state.subjects],
            facts=dossier_facts,
            conflicts=find_conflicts(dossier_facts),
            outcomes=outcomes,
            aandachtspunten=points,
        )
        return run

    async def _call(
        self,
        handle: ConnectorHandle,
        query: Query,
        round_no: int,
        semaphore: asyncio.Semaphore,
        progress: ProgressCallback | None = None,
    ) -> tuple[RecordedCall, EnrichResult | None]:
        report = RetryReport()
        if progress:
            progress(ProgressEvent(handle.name, query.subject.key, round_no))
        result: EnrichResult | None = None
        error: str | None = None
        started = datetime.now(UTC)
        async with semaphore:
            t0 = time.perf_counter()
            try:
                handle.breaker.before_call(handle.name)
                result = await call_with_retries(
                    lambda: handle.connector.enrich(query),
                    handle.settings,
                    report,
                    name=handle.name,
                    sleep=self.sleep,
                )
            except CircuitOpen as exc:
                status = OutcomeStatus.FAILED
                error = str(exc)
            except ConnectorError as exc:
                status = OutcomeStatus(exc.status)
                error = f"{type(exc).__name__}: {exc}"
                if not isinstance(exc, QueryRejected | Refused):
                    handle.breaker.record_failure()
            except Exception as exc:  # a connector bug must not take the dossier down
                status = OutcomeStatus.FAILED
                error = f"connector error {type(exc).__name__}: {exc}"
                handle.breaker.record_failure()
                log.error("connector_crashed", connector=handle.name, error_type=type(exc).__name__)
            else:
                handle.breaker.record_success()
                status = OutcomeStatus.OK if result.facts else OutcomeStatus.EMPTY
            duration = (time.perf_counter() - t0) * 1000
        ended = datetime.now(UTC)
        outcome = Outcome(
            connector=handle.name,
            subject=query.subject.key,
            round=round_no,
            status=status,
            error=error,
            duration_ms=round(duration, 1),
            attempts=report.attempts,
            fields_requested=sorted(query.fields),
            span_id=query.trace.span_id,
            started_at=started,
        )
        if progress:
            progress(ProgressEvent(handle.name, query.subject.key, round_no, outcome))
        log.info(
            "connector_call",
            connector=handle.name,
            subject_kind=query.subject.kind,
            status=str(status),
            attempts=report.attempts,
            duration_ms=outcome.duration_ms,
            trace_id=query.trace.trace_id,
            span_id=query.trace.span_id,
        )
        call = RecordedCall(
            connector=handle.name,
            registry=handle.connector.info.registry,
            brp_supply=handle.connector.info.brp_supply,
            query=query,
            outcome=outcome,
            started_at=started,
            ended_at=ended,
            evidence=tuple(result.evidence) if result else (),
            facts=tuple(result.facts) if result else (),
        )
        return call, result


class _RunState:
    """The subjects of one enrichment, keyed by identity, with how each was found."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.subjects: dict[str, Subject] = {}
        self.entries: dict[str, SubjectEntry] = {}

    def add(
        self,
        subject: Subject,
        *,
        origin: Literal["signal", "discovered"],
        round_no: int,
        by: str | None,
    ) -> Subject | None:
        """Add a new subject; returns it when it is new (or newly refined), else None."""
        known = self.subjects.get(subject.key)
        if known is not None:
            if by and by not in self.entries[subject.key].discovered_by:
                self.entries[subject.key].discovered_by.append(by)
            return self.refine(subject)
        entry = SubjectEntry(
            key=subject.key,
            kind=subject.kind,
            identifiers=_identifiers(subject),
            origin=origin,
            round=round_no,
            discovered_by=[by] if by else [],
        )
        if len(self.subjects) >= self.limit:
            entry.enriched = False
            entry.note = f"niet bevraagd: maximum van {self.limit} subjecten bereikt"
            self.subjects[subject.key] = subject
            self.entries[subject.key] = entry
            return None
        self.subjects[subject.key] = subject
        self.entries[subject.key] = entry
        return subject

    def refine(self, subject: Subject) -> Subject | None:
        known = self.subjects.get(subject.key)
        if known is None:
            return None
        merged = _merge_subject(known, subject)
        if merged is known:
            return None
        self.subjects[subject.key] = merged
        self.entries[subject.key].identifiers = _identifiers(merged)
        return merged if self.entries[subject.key].enriched else None

    def mark_unexplored(self, frontier: list[Subject], max_rounds: int) -> None:
        for subject in frontier:
            entry = self.entries[subject.key]
            if entry.round > max_rounds:
                entry.enriched = False
                entry.note = f"niet bevraagd: maximale diepte van {max_rounds} rondes bereikt"
