"""The hub's use cases, shared by the command line and the web service: enrich, view,
list — each authorised, and each written to the access log, refusals included."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from plugins import Officer

from .accountability import Actor, ProcessingRecorder, Storage
from .config import Config
from .dossier import Dossier
from .engine import ProgressCallback
from .runtime import Runtime
from .signal import Signal
from .store import DossierNotFound, DossierSummary

__all__ = ["Forbidden", "HubService", "UnknownDossier"]


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


@dataclass
class HubService:
    config: Config
    runtime: Runtime
    storage: Storage

    def _refuse(
        self, actor: Actor, action: str, reason: str, field: str | None = None, **details: object
    ) -> Forbidden:
        self.storage.record_access(actor, action, result="refused", reason=reason, **details)
        return Forbidden(reason, field)

    def require_role(self, actor: Actor, role: str, action: str) -> None:
        if role not in actor.roles:
            raise self._refuse(actor, action, f"rol {role} vereist voor {action}")

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
            raise self._refuse(
                actor,
                action,
                f"dossier hoort bij gemeente {summary.municipality}",
                dossier_id=dossier_id,
                municipality=summary.municipality,
            )
        dossier = self.storage.load_dossier(dossier_id)
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

    def list_dossiers(self, actor: Actor, *, limit: int = 100) -> list[DossierSummary]:
        """The newest dossiers of the actor's municipalities."""
        self.require_role(actor, "officer", "list")
        found = [
            summary
            for municipality in actor.municipalities
            for summary in self.storage.dossiers.list(municipality=municipality, limit=limit)
        ]
        found.sort(key=lambda s: s.created_at, reverse=True)
        self.storage.record_access(
            actor, "list", role="officer", detail={"count": str(len(found[:limit]))}
        )
        return found[:limit]
