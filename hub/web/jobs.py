"""Enrichment jobs: an enrichment runs as an asyncio task of the web process, and its
page follows each connector call live (server-sent events) from the engine's
:class:`~hub.engine.ProgressEvent`.

A job belongs to the officer who started it; nobody else may follow it. Jobs live in
memory (the dossier they produce is stored, the job itself is not): after a restart a
running job is gone and nothing half of it is stored — the dossier is saved in one
transaction at the end, or not at all.

A *re-run* ("Opnieuw bevragen") asks again only the calls of a stored dossier that
failed or timed out, and makes a new dossier of the same signal from the earlier one's
answers and the new ones (the earlier dossier kept unchanged); what the new answers
discover is followed up in the next rounds as in a fresh enrichment (:mod:`hub.engine`).
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

import structlog

from ..accountability import Actor
from ..dossier import Dossier, OutcomeStatus
from ..engine import ProgressEvent
from ..failures import failure_sentence
from ..signal import Signal
from ..usecases import Refused
from ..usecases.enrich import Enrich
from .metrics import Metrics

__all__ = ["CallState", "Job", "JobManager", "TooManyJobs", "UnknownJob"]

log = structlog.get_logger(__name__)

JobState = Literal["running", "done", "failed"]

#: worst first: what a connector's row shows when its calls ended differently
_SEVERITY = ["failed", "timeout", "ok", "empty", "refused", "skipped"]


def _counted(errors: Iterable[str]) -> list[str]:
    """Each distinct message once, with how often it came ("… (3×)")."""
    counts = Counter(errors)
    return [f"{e} ({n}×)" if n > 1 else e for e, n in counts.items()]


class UnknownJob(LookupError):
    """No job with that id in this process."""


class TooManyJobs(Exception):
    """The user already has the maximum number of enrichments running."""


@dataclass
class CallState:
    connector: str
    subject: str
    round: int
    status: str = "running"  # running, or an OutcomeStatus value
    duration_ms: float = 0.0
    attempts: int = 0
    error: str | None = None


@dataclass
class Job:
    id: str
    owner: str
    municipality: str
    signal_id: str
    connectors: list[str]
    rerun_of: str | None = None
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    finished_at: datetime | None = None
    state: JobState = "running"
    dossier_id: str | None = None
    complete: bool | None = None
    error: str | None = None
    calls: dict[tuple[str, str, int], CallState] = field(default_factory=dict)
    version: int = 0
    _changed: asyncio.Event = field(default_factory=asyncio.Event, repr=False)

    def touch(self) -> None:
        self.version += 1
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()

    async def wait(self, version: int, seconds: float) -> None:
        """Return when the job changed after ``version``, or after ``seconds``."""
        if self.version != version:
            return
        try:
            await asyncio.wait_for(self._changed.wait(), seconds)
        except TimeoutError:
            pass

    def connector_rows(self) -> list[dict[str, object]]:
        """Per connector: calls made, running, finished, and the overall status."""
        rows = []
        for name in self.connectors:
            calls = [c for c in self.calls.values() if c.connector == name]
            running = sum(c.status == "running" for c in calls)
            ended = [c.status for c in calls if c.status != "running"]
            if running:
                status = "running"
            elif ended:
                status = min(ended, key=_SEVERITY.index)
            elif self.state == "running":
                status = "waiting"
            else:  # a re-run takes over what a source answered before
                status = "kept" if self.rerun_of else "not_called"
            rows.append(
                {
                    "connector": name,
                    "calls": len(calls),
                    "running": running,
                    "finished": len(ended),
                    "status": status,
                    "errors": _counted(
                        failure_sentence(name, c.error)
                        for c in calls
                        if c.error and c.status in ("failed", "timeout")
                    ),
                }
            )
        return rows


class JobManager:
    """The enrichment jobs of one web process."""

    def __init__(
        self, enrich: Enrich, metrics: Metrics, *, max_per_user: int, keep: int = 500
    ) -> None:
        self.enrich = enrich
        self.metrics = metrics
        self.max_per_user = max_per_user
        self.keep = keep
        self._jobs: dict[str, Job] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def start(
        self,
        signal: Signal,
        actor: Actor,
        *,
        signal_id: str | None = None,
        previous: Dossier | None = None,
    ) -> Job:
        """Check (and log a refusal of) the enrichment, then start it; call from the
        event loop. With ``previous``, a re-run of that dossier. Refused, or TooManyJobs."""
        self.enrich.check(actor, signal)
        running = [j for j in self._jobs.values() if j.owner == actor.id and j.state == "running"]
        if len(running) >= self.max_per_user:
            self.enrich.ctx.storage.record_access(
                actor,
                "enrich",
                result="refused",
                reason=f"al {len(running)} verrijkingen bezig (maximum {self.max_per_user})",
                municipality=signal.municipality,
            )
            raise TooManyJobs()
        job = Job(
            id=uuid.uuid4().hex,
            owner=actor.id,
            municipality=signal.municipality,
            signal_id=previous.signal_id if previous else signal_id or str(uuid.uuid4()),
            connectors=self.enrich.connectors,
            rerun_of=previous.id if previous else None,
        )
        self._jobs[job.id] = job
        self._forget_old()
        task = asyncio.get_running_loop().create_task(self._run(job, signal, actor, previous))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        self._running_gauge()
        return job

    def get(self, job_id: str, actor: Actor) -> Job:
        """A job its owner may follow; UnknownJob, or Refused (logged)."""
        job = self._jobs.get(job_id)
        if job is None:
            raise UnknownJob(job_id)
        if job.owner != actor.id or not actor.may_see(job.municipality):
            raise self.enrich.ctx.refuse(
                actor,
                "job.view",
                "deze verrijking is van een andere gebruiker",
                signal_id=job.signal_id,
                municipality=job.municipality,
            )
        return job

    def for_owner(self, owner: str) -> list[Job]:
        """The jobs of one user in this process, newest first."""
        found = [j for j in self._jobs.values() if j.owner == owner]
        return sorted(found, key=lambda j: j.created_at, reverse=True)

    async def _run(self, job: Job, signal: Signal, actor: Actor, previous: Dossier | None) -> None:
        def progress(event: ProgressEvent) -> None:
            key = (event.connector, event.subject, event.round)
            if event.outcome is None:
                job.calls[key] = CallState(event.connector, event.subject, event.round)
            else:
                outcome = event.outcome
                job.calls[key] = CallState(
                    event.connector,
                    event.subject,
                    event.round,
                    status=str(outcome.status),
                    duration_ms=outcome.duration_ms,
                    attempts=outcome.attempts,
                    error=outcome.error,
                )
                self.metrics.connector_call(
                    event.connector, str(outcome.status), outcome.duration_ms
                )
            job.touch()

        try:
            dossier = await self.enrich.run(
                actor, signal, signal_id=job.signal_id, progress=progress, previous=previous
            )
        except Refused as exc:
            job.state, job.error = "failed", str(exc)
        except Exception as exc:  # the page must say so; nothing of it is stored
            log.error("enrichment_failed", job=job.id, error_type=type(exc).__name__)
            job.state = "failed"
            job.error = "de verrijking is onverwacht afgebroken; er is geen dossier opgeslagen"
        else:
            job.state, job.dossier_id, job.complete = "done", dossier.id, dossier.complete
            # the officer may have left the page: the badge tells them it is ready
            self.enrich.ctx.storage.notifications.add(
                str(dossier.signal["municipality"]), "verrijking", dossier.id, login=job.owner
            )
            for outcome in dossier.outcomes:
                if outcome.status in (OutcomeStatus.SKIPPED, OutcomeStatus.REFUSED):
                    key = (outcome.connector, outcome.subject, outcome.round)
                    job.calls.setdefault(
                        key,
                        CallState(
                            outcome.connector,
                            outcome.subject,
                            outcome.round,
                            status=str(outcome.status),
                            error=outcome.error,
                        ),
                    )
        finally:
            job.finished_at = datetime.now(UTC)
            self.metrics.inc("opplus_enrichments_total", {"result": job.state})
            self._running_gauge()
            job.touch()

    def _running_gauge(self) -> None:
        running = sum(j.state == "running" for j in self._jobs.values())
        self.metrics.set("opplus_enrichment_jobs_running", running)

    def _forget_old(self) -> None:
        finished = [j for j in self._jobs.values() if j.state != "running"]
        for job in finished[: max(0, len(self._jobs) - self.keep)]:
            del self._jobs[job.id]

    async def wait_idle(self, seconds: float = 30.0) -> None:
        """Wait for running jobs (tests, shutdown)."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=seconds)

    async def aclose(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=5)
