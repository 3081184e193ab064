"""The enrichment engine: concurrent fan-out over connectors, in rounds.

Round 1 asks every connector about every subject of the signal it accepts. Identifiers
found in the answers (an address in a BRP verblijfplaats, a KvK vestiging) become new
subjects for the next round, deduplicated, up to ``engine.max_rounds``; a subject that a
registry refines (e.g. BAG adds the adresseerbaar object id) is offered again to the
connectors that could not take it before. Every call gets its own span, a timeout per
attempt, bounded retries on transient errors and the connector's circuit breaker; the
wall time is that of the slowest call per round, not the sum.

A *re-query* (``previous=``, "Opnieuw bevragen") starts from an earlier dossier of the
same signal: its subjects, and the outcomes and facts of every call that answered, are
taken over (:func:`hub.assemble.kept_from`); only the calls that failed or timed out are
made again, and what those answers discover is followed up in the next rounds as usual.

Two halves: :class:`_Plan` decides which connector is asked about which subject, round
after round, and :meth:`Enricher._fan_out` asks them; the dossier is then put together
by :func:`hub.assemble.assemble_dossier`, a pure function of what was found.
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
    AddressRef,
    BusinessRef,
    Connector,
    ConnectorError,
    ConnectorSettings,
    EnrichResult,
    Evidence,
    Fact,
    Officer,
    PersonRef,
    Query,
    QueryRejected,
    Refused,
    Subject,
    TraceContext,
)

from .assemble import Kept, Timing, assemble_dossier, kept_from
from .config import Config, PurposeConfig
from .dossier import Dossier, Outcome, OutcomeStatus, SubjectEntry
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


_SUBJECT_TYPES: dict[str, type[Subject]] = {
    "person": PersonRef,
    "address": AddressRef,
    "business": BusinessRef,
}


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

    async def enrich(
        self,
        signal: Signal,
        officer: Officer,
        *,
        signal_id: str | None = None,
        trace: TraceContext | None = None,
        progress: ProgressCallback | None = None,
        previous: Dossier | None = None,
    ) -> EnrichmentRun:
        """Enrich ``signal``; with ``previous`` (a dossier of the same signal), ask only
        what failed or timed out there and keep the rest of it (see the module)."""
        purpose = self.config.purpose(signal.purpose)
        if purpose is None:
            raise ValueError(f"unknown purpose {signal.purpose!r}")
        root = trace or TraceContext.new_trace()
        signal_id = signal_id or str(uuid.uuid4())
        created = datetime.now(UTC)
        t0 = time.perf_counter()
        state = _RunState(self.config.engine.max_subjects)
        kept = kept_from(previous) if previous is not None else None
        if kept is not None:
            state.seed(kept.subjects)
        plan = _Plan(
            connectors=self.connectors,
            purpose=purpose,
            officer=officer,
            signal=signal,
            signal_id=signal_id,
            root=root,
            state=state,
        )
        if kept is None:
            frontier = list(state.subjects.values())
        else:
            frontier = plan.carry(kept)
        calls = await self._fan_out(plan, frontier, progress)
        plan.add_unasked()
        timing = Timing(created, datetime.now(UTC), (time.perf_counter() - t0) * 1000)
        dossier = assemble_dossier(
            dossier_id=str(uuid.uuid4()),
            signal=signal,
            signal_id=signal_id,
            trace=root,
            purpose=purpose,
            officer=officer,
            subjects=plan.state.entries.values(),
            outcomes=plan.outcomes,
            facts=[
                *(kept.facts if kept is not None else ()),
                *(fact for call in calls for fact in call.facts),
            ],
            indicators=self.config.indicators,
            timing=timing,
        )
        evidence = [(root.trace_id, ev) for call in calls for ev in call.evidence]
        return EnrichmentRun(dossier=dossier, evidence=evidence, calls=calls)

    async def _fan_out(
        self, plan: _Plan, frontier: list[Subject], progress: ProgressCallback | None
    ) -> list[RecordedCall]:
        """Ask round after round, starting from ``frontier``, until nothing new is found
        or the depth is reached; the calls of a round run concurrently, and are recorded
        before the next."""
        semaphore = asyncio.Semaphore(self.config.engine.max_concurrency)
        max_rounds = self.config.engine.max_rounds
        calls: list[RecordedCall] = []
        for round_no in range(1, max_rounds + 1):
            jobs = plan.jobs(frontier, round_no)
            if not jobs:
                break
            async with asyncio.TaskGroup() as group:
                tasks = [
                    group.create_task(self._call(handle, query, round_no, semaphore, progress))
                    for handle, query in jobs
                ]
            answered = [task.result() for task in tasks]
            round_calls = [call for call, _ in answered]
            for recorder in self.recorders:
                await asyncio.to_thread(recorder.record_calls, round_calls)
            calls.extend(round_calls)
            frontier = plan.absorb(answered, round_no)
            if round_no == max_rounds:
                plan.state.mark_unexplored(frontier, max_rounds)
        return calls

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


@dataclass
class _Plan:
    """Which connector is asked about which subject, round after round.

    A connector is asked about a subject at most once, only for the fields the purpose
    allows it, and only when it accepts the subject as it is now; a pair the purpose
    rules out, and at the end a pair never asked, get an outcome that says why.
    """

    connectors: Sequence[ConnectorHandle]
    purpose: PurposeConfig
    officer: Officer
    signal: Signal
    signal_id: str
    root: TraceContext
    state: _RunState
    outcomes: list[Outcome] = field(default_factory=list)
    called: set[tuple[str, str]] = field(default_factory=set)
    refused: set[tuple[str, str]] = field(default_factory=set)

    def __post_init__(self) -> None:
        for subject in self.signal.subjects():
            self.state.add(subject, origin="signal", round_no=1, by=None)

    def carry(self, kept: Kept) -> list[Subject]:
        """Take over an earlier version's answered calls; returns the first frontier of
        the re-query: the subjects with a call to make again."""
        self.outcomes.extend(kept.outcomes)
        for outcome in kept.outcomes:
            pair = (outcome.connector, outcome.subject)
            if outcome.status == OutcomeStatus.REFUSED:
                self.refused.add(pair)
            else:
                self.called.add(pair)
        again = {subject for _, subject in kept.to_ask}
        return [s for key, s in self.state.subjects.items() if key in again]

    def _fields(self, handle: ConnectorHandle) -> frozenset[str]:
        allowed = set(self.purpose.fields.get(handle.name, ()))
        return frozenset(allowed & set(handle.connector.info.fields))

    def jobs(
        self, frontier: Sequence[Subject], round_no: int
    ) -> list[tuple[ConnectorHandle, Query]]:
        """The calls of round ``round_no``: every connector about every subject of the
        frontier it may and can be asked about, and was not asked about before."""
        jobs = []
        for subject in frontier:
            for handle in self.connectors:
                pair = (handle.name, subject.key)
                if (
                    subject.kind not in handle.connector.info.subject_kinds
                    or pair in self.called
                    or pair in self.refused
                ):
                    continue
                fields = self._fields(handle)
                if not fields:
                    self.refused.add(pair)
                    self.outcomes.append(
                        Outcome(
                            connector=handle.name,
                            subject=subject.key,
                            round=round_no,
                            status=OutcomeStatus.REFUSED,
                            error=f"doelbinding {self.purpose.id} staat geen velden van "
                            f"{handle.name} toe; niet bevraagd",
                        )
                    )
                    continue
                if not handle.connector.accepts(subject):
                    continue
                self.called.add(pair)
                query = Query(
                    subject=subject,
                    fields=fields,
                    purpose=self.purpose.as_purpose(),
                    officer=self.officer,
                    signal_id=self.signal_id,
                    trace=self.root.child(),
                    municipality=self.signal.municipality,
                )
                jobs.append((handle, query))
        return jobs

    def absorb(
        self, answered: Sequence[tuple[RecordedCall, EnrichResult | None]], round_no: int
    ) -> list[Subject]:
        """Take in the answers of a round; returns the next round's frontier: subjects
        found, and known subjects a registry refined."""
        frontier: list[Subject] = []
        for call, result in answered:
            self.outcomes.append(call.outcome)
            if result is None:
                continue
            if result.refined is not None:
                refined = self.state.refine(result.refined)
                if refined is not None and refined not in frontier:
                    frontier.append(refined)
            for found in result.discovered:
                added = self.state.add(
                    found, origin="discovered", round_no=round_no + 1, by=call.connector
                )
                if added is not None and added not in frontier:
                    frontier.append(added)
        return frontier

    def add_unasked(self) -> None:
        """An outcome for every enriched subject a connector of its kind was never asked
        about: it did not accept the subject (a missing identifier)."""
        for subject in self.state.subjects.values():
            entry = self.state.entries[subject.key]
            for handle in self.connectors:
                pair = (handle.name, subject.key)
                if (
                    subject.kind in handle.connector.info.subject_kinds
                    and pair not in self.called
                    and pair not in self.refused
                    and entry.enriched
                ):
                    self.outcomes.append(
                        Outcome(
                            connector=handle.name,
                            subject=subject.key,
                            round=entry.round,
                            status=OutcomeStatus.SKIPPED,
                            error="niet bevraagd: het subject mist een gegeven dat deze "
                            "bron nodig heeft",
                        )
                    )


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

    def seed(self, entries: Sequence[SubjectEntry]) -> None:
        """Start from the subjects of an earlier version (a re-query), as found then."""
        for entry in entries:
            self.subjects[entry.key] = _SUBJECT_TYPES[entry.kind](**entry.identifiers)
            self.entries[entry.key] = entry

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
