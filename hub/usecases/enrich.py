"""Enriching a signal: who may, against which registries, and what is kept.

:meth:`Enrich.check` refuses (and logs) before any registry is asked;
:meth:`Enrich.run` asks them, logs every query and stores the dossier encrypted.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from plugins import Officer

from ..accountability import Actor, ProcessingRecorder
from ..dossier import Dossier
from ..engine import ProgressCallback
from ..runtime import Runtime
from ..signal import Signal
from .context import Context

__all__ = ["Enrich"]


@dataclass(frozen=True)
class Enrich:
    ctx: Context
    runtime: Runtime

    @property
    def connectors(self) -> list[str]:
        """The configured connectors, in the order a progress page lists them."""
        return [h.name for h in self.runtime.handles]

    def check(self, actor: Actor, signal: Signal) -> None:
        """Refuse (and log) an enrichment the actor may not do; before any query."""
        ctx, config = self.ctx, self.ctx.config
        if "officer" not in actor.roles:
            raise ctx.refuse(
                actor,
                "enrich",
                "alleen een aandachtsfunctionaris mag verrijken",
                purpose_id=signal.purpose,
            )
        if signal.municipality not in config.municipalities:
            reason = f"gemeentecode {signal.municipality} wordt door deze installatie niet bediend"
            raise ctx.refuse(actor, "enrich", reason, "municipality", purpose_id=signal.purpose)
        if not actor.may_see(signal.municipality):
            reason = f"{actor.name} mag geen signalen van gemeente {signal.municipality} verrijken"
            raise ctx.refuse(
                actor,
                "enrich",
                reason,
                "municipality",
                municipality=signal.municipality,
                purpose_id=signal.purpose,
            )
        if config.purpose(signal.purpose) is None:
            known = ", ".join(p.id for p in config.purposes)
            reason = f"onbekende verwerkingsactiviteit {signal.purpose!r} (bekend: {known})"
            raise ctx.refuse(actor, "enrich", reason, "purpose", purpose_id=signal.purpose)

    async def run(
        self,
        actor: Actor,
        signal: Signal,
        *,
        signal_id: str | None = None,
        progress: ProgressCallback | None = None,
        previous: Dossier | None = None,
    ) -> Dossier:
        """Check, enrich, log every query, store the dossier encrypted; returns it.

        ``signal_id``: an earlier signal's id, for a re-run (a new dossier of the same
        signal). ``previous``: the earlier dossier, when only what failed in it is asked
        again (its ``signal_id`` is used). ``progress`` is called as each connector call
        starts and ends."""
        if previous is not None:
            signal_id = previous.signal_id
        self.check(actor, signal)
        storage = self.ctx.storage
        officer = Officer(actor.id, actor.name, signal.municipality)
        recorder = ProcessingRecorder(storage.trail, self.ctx.config)
        run = await self.runtime.enricher([recorder]).enrich(
            signal, officer, signal_id=signal_id, progress=progress, previous=previous
        )
        await asyncio.to_thread(storage.save_run, run, actor)
        return run.dossier
