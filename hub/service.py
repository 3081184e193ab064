"""The hub's use cases, shared by the command line and the web service: enrich, view,
list; the auditor's searches, verification, proofs and reports; the administrator's
connector health and configuration overview — each authorised, and each written to
the access log, refusals included."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from plugins import Health, Officer

from .accountability import Actor, ProcessingRecorder, Storage
from .audit import (
    ACCESS_LOG,
    BRP_LOG,
    PROCESSING_LOG,
    STORE_LOG,
    STORE_REPORT,
    AuditError,
    Checkpoint,
    InclusionProof,
    LogEntry,
    SubjectReport,
    TamperDetected,
    VerifyReport,
    WitnessError,
    dossier_to_prov,
    search,
    subject_report,
)
from .config import Config
from .dossier import Dossier
from .engine import ProgressCallback
from .runtime import Runtime
from .signal import Signal, parse_signal
from .store import DecryptionFailed, DossierNotFound, DossierSummary

__all__ = [
    "LOGS",
    "DamagedDossier",
    "Forbidden",
    "HubService",
    "UnknownDossier",
    "VerifyOutcome",
]

#: the logs by the short names the CLI and the web use
LOGS = {"processing": PROCESSING_LOG, "access": ACCESS_LOG, "brp": BRP_LOG, "store": STORE_LOG}


class Forbidden(Exception):
    """The actor may not do this; the message is Dutch and says why. ``field`` names the
    input field the refusal is about, when there is one."""

    def __init__(self, reason: str, field: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.field = field

    def __str__(self) -> str:
        return f"{self.field}: {self.reason}" if self.field else self.reason


class UnknownDossier(LookupError):
    """No dossier with that id (or none the actor may know of)."""


class DamagedDossier(Exception):
    """A stored dossier does not open: its envelope is damaged, or a clear column
    (municipality, officer...) was changed outside the hub. Nothing of it is shown."""

    def __init__(self, dossier_id: str) -> None:
        self.dossier_id = dossier_id
        super().__init__(
            f"dossier {dossier_id} is beschadigd of buiten opplus gewijzigd en wordt niet "
            "getoond; meld dit bij de beheerder (opplus audit verify noemt wat er gewijzigd is)"
        )


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


@dataclass
class HubService:
    config: Config
    runtime: Runtime
    storage: Storage

    def _refuse(
        self, actor: Actor, action: str, reason: str, field: str | None = None, **details: str
    ) -> Forbidden:
        self.storage.record_access(actor, action, result="refused", reason=reason, **details)
        return Forbidden(reason, field)

    def _not_yours(
        self, actor: Actor, action: str, dossier_id: str, municipality: str
    ) -> UnknownDossier:
        """Another municipality's dossier, answered exactly like an unknown id, so a
        caller cannot learn that it exists or whose it is; the municipality is for the
        access log only."""
        self.storage.record_access(
            actor,
            action,
            result="refused",
            reason=f"dossier hoort bij gemeente {municipality}",
            dossier_id=dossier_id,
            municipality=municipality,
        )
        return UnknownDossier(dossier_id)

    def require_role(self, actor: Actor, role: str, action: str) -> None:
        if role not in actor.roles:
            raise self._refuse(actor, action, f"rol {role} vereist voor {action}")

    def require_any_role(self, actor: Actor, roles: Sequence[str], action: str) -> None:
        if not set(roles) & set(actor.roles):
            wanted = " of ".join(roles)
            raise self._refuse(actor, action, f"rol {wanted} vereist voor {action}")

    def check_enrich(self, signal: Signal, actor: Actor) -> None:
        """Refuse (and log) an enrichment the actor may not do; before any query."""
        if "officer" not in actor.roles:
            raise self._refuse(
                actor,
                "enrich",
                "alleen een aandachtsfunctionaris mag verrijken",
                purpose_id=signal.purpose,
            )
        if signal.municipality not in self.config.municipalities:
            reason = f"gemeentecode {signal.municipality} wordt door deze installatie niet bediend"
            raise self._refuse(actor, "enrich", reason, "municipality", purpose_id=signal.purpose)
        if not actor.may_see(signal.municipality):
            reason = f"{actor.name} mag geen signalen van gemeente {signal.municipality} verrijken"
            raise self._refuse(
                actor,
                "enrich",
                reason,
                "municipality",
                municipality=signal.municipality,
                purpose_id=signal.purpose,
            )
        if self.config.purpose(signal.purpose) is None:
            known = ", ".join(p.id for p in self.config.purposes)
            reason = f"onbekende verwerkingsactiviteit {signal.purpose!r} (bekend: {known})"
            raise self._refuse(actor, "enrich", reason, "purpose", purpose_id=signal.purpose)

    async def enrich(
        self,
        signal: Signal,
        actor: Actor,
        *,
        signal_id: str | None = None,
        progress: ProgressCallback | None = None,
    ) -> Dossier:
        """Enrich, log every query, store the dossier encrypted; returns it.

        ``progress`` is called as each connector call starts and ends (live pages)."""
        self.check_enrich(signal, actor)
        officer = Officer(actor.id, actor.name, signal.municipality)
        recorder = ProcessingRecorder(self.storage.trail, self.config)
        run = await self.runtime.enricher([recorder]).enrich(
            signal, officer, signal_id=signal_id, progress=progress
        )
        await asyncio.to_thread(self.storage.save_run, run, actor)
        return run.dossier

    def view(self, dossier_id: str, actor: Actor, *, action: str = "view") -> Dossier:
        """A stored dossier, for an officer of its municipality (logged as ``action``)."""
        if "officer" not in actor.roles:
            raise self._refuse(
                actor,
                action,
                "alleen een aandachtsfunctionaris mag dossiers inzien",
                dossier_id=dossier_id,
            )
        try:
            summary = self.storage.dossiers.summary(dossier_id)
        except DossierNotFound:
            self.storage.record_access(
                actor, action, result="failed", dossier_id=dossier_id, reason="onbekend dossier"
            )
            raise UnknownDossier(dossier_id) from None
        if not actor.may_see(summary.municipality):
            raise self._not_yours(actor, action, dossier_id, summary.municipality)
        try:
            summary, dossier = self.storage.open_dossier(dossier_id)
        except DossierNotFound:
            raise UnknownDossier(dossier_id) from None
        except DecryptionFailed as exc:
            self.storage.record_access(
                actor, action, result="refused", dossier_id=dossier_id, reason=f"tampered: {exc}"
            )
            raise DamagedDossier(dossier_id) from None
        if not actor.may_see(summary.municipality):  # changed since the first read
            raise self._not_yours(actor, action, dossier_id, summary.municipality)
        self.storage.record_access(
            actor,
            action,
            role="officer",
            municipality=summary.municipality,
            purpose_id=dossier.purpose.id,
            trace_id=dossier.trace_id,
            signal_id=dossier.signal_id,
            dossier_id=dossier.id,
        )
        return dossier

    def list_dossiers(
        self, actor: Actor, *, limit: int = 100, mine: bool = False
    ) -> list[DossierSummary]:
        """The newest dossiers of the actor's municipalities (``mine``: only the actor's own)."""
        self.require_role(actor, "officer", "list")
        found = [
            summary
            for municipality in actor.municipalities
            for summary in self.storage.dossiers.list(
                municipality=municipality,
                officer_id=actor.id if mine else None,
                limit=limit,
                checked=True,
            )
        ]
        found.sort(key=lambda s: s.created_at, reverse=True)
        self.storage.record_access(
            actor, "list", role="officer", detail={"count": str(len(found[:limit]))}
        )
        return found[:limit]

    def versions(self, dossier: Dossier, actor: Actor) -> list[DossierSummary]:
        """Every stored dossier of the same signal (re-runs included), newest first, for
        an officer who may see the signal's municipality (the view itself is logged)."""
        municipality = dossier.signal["municipality"]
        if "officer" not in actor.roles or not actor.may_see(municipality):
            raise self._not_yours(actor, "view", dossier.id, municipality)
        return [
            s
            for s in self.storage.dossiers.list(
                signal_id=dossier.signal_id, limit=100, checked=True
            )
            if actor.may_see(s.municipality)
        ]

    def signal_for_rerun(self, dossier_id: str, actor: Actor) -> tuple[Signal, str]:
        """The signal of a stored dossier and its id, to enrich again (a new dossier of
        the same signal); refused like a view, and logged as ``rerun``."""
        dossier = self.view(dossier_id, actor, action="rerun")
        return parse_signal(dossier.signal), dossier.signal_id

    # -- the auditor -------------------------------------------------------------------

    def _audited(self, actor: Actor, action: str, result: str = "allowed", **details: Any) -> None:
        self.storage.record_access(actor, action, role="auditor", result=result, **details)

    def search_logs(
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
        """Log entries matching every criterion (``logs``: short names, all when empty).
        The BSN is never logged; a malformed one raises ValueError (logged as failed)."""
        action = "audit.search"
        self.require_role(actor, "auditor", action)
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
        try:
            unknown = sorted(set(logs) - set(LOGS))
            if unknown:
                raise ValueError(f"onbekend logboek {unknown} (bekend: {sorted(LOGS)})")
            entries = search(
                self.storage.trail,
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
        except ValueError as exc:
            self._audited(actor, action, result="failed", reason=str(exc), detail=detail)
            raise
        self._audited(actor, action, detail={**detail, "hits": str(len(entries))})
        return entries

    def verify_logs(self, actor: Actor) -> VerifyOutcome:
        """Recompute every log and check every checkpoint; a change is an outcome, not
        an exception (``ok`` false, ``where`` names the first bad entry)."""
        action = "audit.verify"
        self.require_role(actor, "auditor", action)
        trail = self.storage.trail
        checkpoints = {name: log.checkpoints() for name, log in trail.logs.items()}
        try:
            reports = trail.verify()
        except WitnessError as exc:
            # Without the witness a rollback cannot be ruled out: not ok, and why.
            self._audited(actor, action, result="failed", reason=str(exc))
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
            self._audited(actor, action, result="failed", reason=f"tamper detected: {where}")
            return VerifyOutcome(False, list(exc.reports), where, checkpoints)
        self._audited(actor, action)
        return VerifyOutcome(True, reports, None, checkpoints)

    def checkpoint_logs(self, actor: Actor) -> dict[str, Checkpoint]:
        """Sign the current tree head of every log."""
        action = "audit.checkpoint"
        self.require_role(actor, "auditor", action)
        try:
            heads = self.storage.trail.checkpoint()
        except AuditError as exc:  # a forged head, or a witness that failed
            self._audited(actor, action, result="failed", reason=str(exc))
            raise
        self._audited(actor, action)
        return heads

    def prove_entry(self, actor: Actor, log_name: str, index: int) -> tuple[InclusionProof, str]:
        """An inclusion proof of entry ``index`` of a log (short name), with the public
        key to check it; AuditError (logged as failed) when there is no such entry."""
        action = "audit.prove"
        self.require_role(actor, "auditor", action)
        if log_name not in LOGS:
            reason = f"onbekend logboek {log_name!r} (bekend: {sorted(LOGS)})"
            self._audited(actor, action, result="failed", reason=reason)
            raise AuditError(reason)
        try:
            proof = self.storage.trail.prove(LOGS[log_name], index)
        except AuditError as exc:
            self._audited(actor, action, result="failed", reason=str(exc))
            raise
        self._audited(actor, action, detail={"log": log_name, "entry": str(index)})
        return proof, self.storage.keys.public_key_text()

    def subject_report(self, actor: Actor, bsn: str) -> SubjectReport:
        """What a citizen may ask to see (art. 15 AVG, art. 3.22 Wet BRP); a malformed
        BSN raises ValueError (logged as failed, the BSN itself never)."""
        action = "audit.subject-report"
        self.require_role(actor, "auditor", action)
        try:
            report = subject_report(self.storage.trail, bsn)
        except ValueError as exc:
            self._audited(actor, action, result="failed", reason=str(exc))
            raise
        self._audited(actor, action)
        return report

    def dossier_provenance(self, actor: Actor, dossier_id: str) -> dict[str, Any]:
        """A dossier's provenance as W3C PROV-JSON, values left out (the auditor reads
        where each fact came from, not what it says)."""
        action = "audit.export"
        self.require_role(actor, "auditor", action)
        try:
            dossier = self.storage.dossiers.load(dossier_id)
        except DossierNotFound:
            self._audited(
                actor, action, result="failed", dossier_id=dossier_id, reason="onbekend dossier"
            )
            raise UnknownDossier(dossier_id) from None
        except DecryptionFailed as exc:
            self._audited(
                actor, action, result="failed", dossier_id=dossier_id, reason=f"tampered: {exc}"
            )
            raise DamagedDossier(dossier_id) from None
        prov = dossier_to_prov(dossier, pseudonymiser=self.storage.trail.pseudonymiser)
        self._audited(
            actor,
            action,
            dossier_id=dossier_id,
            trace_id=dossier.get("trace_id"),
            detail={"format": "prov-json"},
        )
        return prov

    def public_key(self, actor: Actor) -> str:
        """The log-signing public key, to hand to whoever checks proofs."""
        action = "audit.public-key"
        self.require_role(actor, "auditor", action)
        self._audited(actor, action)
        return self.storage.keys.public_key_text()

    # -- the administrator -----------------------------------------------------------

    async def connector_health(self, actor: Actor) -> dict[str, Health]:
        """Every connector probed live (``check()``), for an administrator (or a
        monitoring system)."""
        action = "admin.connectors"
        self.require_any_role(actor, ("admin", "monitor"), action)
        health = await self.runtime.check()
        failing = sorted(name for name, h in health.items() if not h.ok)
        await asyncio.to_thread(
            self.storage.record_access,
            actor,
            action,
            role="admin" if "admin" in actor.roles else "monitor",
            detail={"failing": ",".join(failing) or "-"},
        )
        return health

    def configuration(self, actor: Actor) -> Config:
        """The configuration (it holds no secrets: only the names of their variables)."""
        action = "admin.config"
        self.require_role(actor, "admin", action)
        self.storage.record_access(actor, action, role="admin")
        return self.config
