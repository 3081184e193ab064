"""The auditor's use cases over the tamper-evident logs: search, verify, checkpoint,
prove an entry, the report a citizen may ask for, and the public key to check proofs.

Each needs the role ``auditor`` and is itself written to the access log (role
``auditor``), refusals and failures included. A BSN asked for is pseudonymised on the
fly and never logged. A dossier's provenance is in :mod:`.dossiers`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..accountability import Actor
from ..audit import (
    ACCESS_LOG,
    BRP_LOG,
    PROCESSING_LOG,
    STORE_LOG,
    STORE_REPORT,
    AuditError,
    Checkpoint,
    EntryNotFound,
    InclusionProof,
    LogEntry,
    SubjectReport,
    TamperDetected,
    VerifyReport,
    WitnessError,
    search,
    subject_report,
)
from ..audit.records import AccessResult
from .context import Context
from .errors import Invalid, NotFound, Problem

__all__ = ["LOGS", "Audit", "VerifyOutcome"]

#: the logs by the short names the command line and the web use
LOGS = {"processing": PROCESSING_LOG, "access": ACCESS_LOG, "brp": BRP_LOG, "store": STORE_LOG}


@dataclass(frozen=True)
class VerifyOutcome:
    """A verification of every log: ``ok``, the report per log, and where it first
    went wrong (``where``, e.g. "entry 3 of log processing") when it did not."""

    ok: bool
    reports: list[VerifyReport]
    where: str | None = None
    checkpoints: dict[str, list[Checkpoint]] = field(default_factory=dict)
    #: set when verification could not be done at all (e.g. a witness unreadable)
    error: str | None = None


@dataclass(frozen=True)
class Audit:
    ctx: Context

    def _logged(
        self, actor: Actor, action: str, result: AccessResult = "allowed", **details: Any
    ) -> None:
        self.ctx.storage.record_access(actor, action, role="auditor", result=result, **details)

    def _invalid(self, actor: Actor, action: str, problem: Problem, **details: Any) -> Invalid:
        self._logged(actor, action, result="failed", reason=problem.message, **details)
        return Invalid([problem])

    def may_audit(self, actor: Actor, action: str = "audit.form") -> None:
        """Refuse (and log) an actor without the auditor role, e.g. before showing a form."""
        self.ctx.require_role(actor, "auditor", action)

    def search(
        self,
        actor: Actor,
        *,
        bsn: str | None = None,
        officer: str | None = None,
        signal: str | None = None,
        connector: str | None = None,
        trace_id: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        logs: Sequence[str] = (),
        limit: int = 1000,
    ) -> list[LogEntry]:
        """Log entries matching every criterion (``logs``: short names, all when empty);
        :class:`Invalid` (logged as failed) for a malformed BSN or an unknown log."""
        action = "audit.search"
        self.may_audit(actor, action)
        criteria = {
            "officer": officer,
            "signal": signal,
            "connector": connector,
            "trace_id": trace_id,
            "since": since.isoformat() if since else None,
            "until": until.isoformat() if until else None,
            "bsn": "(gezocht)" if bsn else None,
        }
        detail = {k: str(v) for k, v in criteria.items() if v}
        unknown = sorted(set(logs) - set(LOGS))
        if unknown:
            message = f"onbekend logboek {unknown} (bekend: {sorted(LOGS)})"
            raise self._invalid(actor, action, Problem("logs", message), detail=detail)
        try:
            entries = search(
                self.ctx.storage.trail,
                bsn=bsn,
                officer=officer,
                signal=signal,
                connector=connector,
                trace_id=trace_id,
                since=since,
                until=until,
                logs=[LOGS[n] for n in logs] or list(LOGS.values()),
                limit=limit,
            )
        except ValueError as exc:  # the BSN: the only criterion search() can reject
            raise self._invalid(actor, action, Problem("bsn", str(exc)), detail=detail) from None
        self._logged(actor, action, detail={**detail, "hits": str(len(entries))})
        return entries

    def verify(self, actor: Actor) -> VerifyOutcome:
        """Recompute every log and check every checkpoint; a change is an outcome, not
        an exception (``ok`` false, ``where`` names the first bad entry)."""
        action = "audit.verify"
        self.may_audit(actor, action)
        trail = self.ctx.storage.trail
        checkpoints = {name: log.checkpoints() for name, log in trail.logs.items()}
        try:
            reports = trail.verify()
        except WitnessError as exc:
            # Without the witness a rollback cannot be ruled out: not ok, and why.
            self._logged(actor, action, result="failed", reason=str(exc))
            where = f"verificatie niet mogelijk: {exc}"
            return VerifyOutcome(False, [], where, checkpoints, error=str(exc))
        except TamperDetected as exc:
            first = exc.first
            if first and first.log == STORE_REPORT:
                where = first.detail  # names the record itself
            elif first and first.index is not None:
                where = f"entry {first.index} of log {first.log}"
            else:
                where = "see the reports"
            self._logged(actor, action, result="failed", reason=f"tamper detected: {where}")
            return VerifyOutcome(False, list(exc.reports), where, checkpoints)
        self._logged(actor, action)
        return VerifyOutcome(True, reports, None, checkpoints)

    def checkpoint(self, actor: Actor) -> dict[str, Checkpoint]:
        """Sign the current tree head of every log and hand it to the witnesses; an
        :class:`AuditError` (a forged head, a witness that failed) is logged as failed
        and raised: it is not the actor's doing, and the adapters say so."""
        action = "audit.checkpoint"
        self.may_audit(actor, action)
        try:
            heads = self.ctx.storage.trail.checkpoint()
        except AuditError as exc:
            self._logged(actor, action, result="failed", reason=str(exc))
            raise
        self._logged(actor, action)
        return heads

    def prove(self, actor: Actor, log_name: str, index: int) -> tuple[InclusionProof, str]:
        """An inclusion proof of entry ``index`` of a log (short name), with the public
        key to check it. :class:`Invalid` for an unknown log, :class:`NotFound` for an
        entry the log does not have; an :class:`AuditError` signing the checkpoint the
        proof needs is raised as in :meth:`checkpoint`. All logged as failed."""
        action = "audit.prove"
        self.may_audit(actor, action)
        if log_name not in LOGS:
            message = f"onbekend logboek {log_name!r} (bekend: {sorted(LOGS)})"
            raise self._invalid(actor, action, Problem("log", message))
        storage = self.ctx.storage
        try:
            proof = storage.trail.prove(LOGS[log_name], index)
        except EntryNotFound as exc:
            self._logged(actor, action, result="failed", reason=str(exc))
            raise NotFound("regel", f"{index} van logboek {log_name}", "index") from None
        except AuditError as exc:
            self._logged(actor, action, result="failed", reason=str(exc))
            raise
        self._logged(actor, action, detail={"log": log_name, "entry": str(index)})
        return proof, storage.keys.public_key_text()

    def subject_report(self, actor: Actor, bsn: str) -> SubjectReport:
        """What a citizen may ask to see (art. 15 AVG, art. 3.22 Wet BRP); a malformed
        BSN is :class:`Invalid` (logged as failed, the BSN itself never)."""
        action = "audit.subject-report"
        self.may_audit(actor, action)
        try:
            report = subject_report(self.ctx.storage.trail, bsn)
        except ValueError as exc:
            raise self._invalid(actor, action, Problem("bsn", str(exc))) from None
        self._logged(actor, action)
        return report

    def public_key(self, actor: Actor) -> str:
        """The log-signing public key, to hand to whoever checks proofs."""
        action = "audit.public-key"
        self.may_audit(actor, action)
        self._logged(actor, action)
        return self.ctx.storage.keys.public_key_text()
