"""Stored dossiers: view, export, the newest, versions, re-run, provenance.

An officer sees the dossiers of their own municipalities; another municipality's
dossier is answered exactly like an unknown one (:class:`NotFound`), and a dossier
changed outside opplus is :class:`Damaged` — nothing of it is shown. An auditor sees
where each fact of a dossier came from (its provenance), never what it says. Every
answer, refusals included, is written to the access log.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..accountability import Actor
from ..audit import dossier_to_prov
from ..dossier import Dossier
from ..signal import Signal, parse_signal
from ..store import DecryptionFailed, DossierNotFound, DossierSummary
from .context import Context
from .errors import Damaged, NotFound

__all__ = ["Dossiers"]


@dataclass(frozen=True)
class Dossiers:
    ctx: Context

    def view(
        self, actor: Actor, dossier_id: str, *, action: str = "view", log: bool = True
    ) -> Dossier:
        """A stored dossier, for an officer of its municipality (logged as ``action``;
        ``log=False``: only refusals are logged, the caller logs what it then does)."""
        ctx, storage = self.ctx, self.ctx.storage
        if "officer" not in actor.roles:
            raise ctx.refuse(
                actor,
                action,
                "alleen een aandachtsfunctionaris mag dossiers inzien",
                dossier_id=dossier_id,
            )
        try:
            summary = storage.dossiers.summary(dossier_id)
        except DossierNotFound:
            storage.record_access(
                actor, action, result="failed", dossier_id=dossier_id, reason="onbekend dossier"
            )
            raise NotFound("dossier", dossier_id, "dossier_id") from None
        if not actor.may_see(summary.municipality):
            raise ctx.not_yours(actor, action, dossier_id, summary.municipality)
        try:
            summary, dossier = storage.open_dossier(dossier_id)
        except DossierNotFound:
            raise NotFound("dossier", dossier_id, "dossier_id") from None
        except DecryptionFailed as exc:
            storage.record_access(
                actor, action, result="refused", dossier_id=dossier_id, reason=f"tampered: {exc}"
            )
            raise Damaged("dossier", dossier_id, "dossier_id") from None
        if not actor.may_see(summary.municipality):  # changed since the first read
            raise ctx.not_yours(actor, action, dossier_id, summary.municipality)
        if not log:
            return dossier
        storage.record_access(
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

    def export(self, actor: Actor, dossier_id: str) -> Dossier:
        """A stored dossier to be written out of opplus (a file): a view, logged as an
        export."""
        return self.view(actor, dossier_id, action="export")

    def print(self, actor: Actor, dossier_id: str) -> Dossier:
        """A stored dossier to be printed (on paper, out of opplus' control): a view,
        logged as ``dossier.print`` so the log shows who took it out on paper."""
        return self.view(actor, dossier_id, action="dossier.print")

    def newest(self, actor: Actor, *, limit: int = 100, mine: bool = False) -> list[DossierSummary]:
        """The newest dossiers of the actor's municipalities (``mine``: only the actor's own)."""
        self.ctx.require_role(actor, "officer", "list")
        storage = self.ctx.storage
        found = [
            summary
            for municipality in actor.municipalities
            for summary in storage.dossiers.list(
                municipality=municipality,
                officer_id=actor.id if mine else None,
                limit=limit,
                checked=True,
            )
        ]
        found.sort(key=lambda s: s.created_at, reverse=True)
        storage.record_access(
            actor, "list", role="officer", detail={"count": str(len(found[:limit]))}
        )
        return found[:limit]

    def versions(self, actor: Actor, dossier: Dossier) -> list[DossierSummary]:
        """Every stored dossier of the same signal (re-runs included), newest first, for
        an officer who may see the signal's municipality (the view itself is logged)."""
        municipality = dossier.signal["municipality"]
        if "officer" not in actor.roles or not actor.may_see(municipality):
            raise self.ctx.not_yours(actor, "view", dossier.id, municipality)
        return [
            s
            for s in self.ctx.storage.dossiers.list(
                signal_id=dossier.signal_id, limit=100, checked=True
            )
            if actor.may_see(s.municipality)
        ]

    def for_rerun(self, actor: Actor, dossier_id: str) -> tuple[Signal, Dossier]:
        """The signal of a stored dossier and the dossier itself, to ask again what
        failed in it (a new dossier of the same signal, see :mod:`hub.engine`); refused
        like a view, and logged as ``rerun``."""
        dossier = self.view(actor, dossier_id, action="rerun")
        return parse_signal(dossier.signal), dossier

    def provenance(self, actor: Actor, dossier_id: str) -> dict[str, Any]:
        """A dossier's provenance as W3C PROV-JSON for an auditor, values left out (the
        auditor reads where each fact came from, not what it says)."""
        action = "audit.export"
        ctx, storage = self.ctx, self.ctx.storage
        ctx.require_role(actor, "auditor", action)
        failed: dict[str, Any] = {"role": "auditor", "result": "failed", "dossier_id": dossier_id}
        try:
            dossier = storage.dossiers.load(dossier_id)
        except DossierNotFound:
            storage.record_access(actor, action, reason="onbekend dossier", **failed)
            raise NotFound("dossier", dossier_id, "dossier_id") from None
        except DecryptionFailed as exc:
            storage.record_access(actor, action, reason=f"tampered: {exc}", **failed)
            raise Damaged("dossier", dossier_id, "dossier_id") from None
        prov = dossier_to_prov(dossier, pseudonymiser=storage.trail.pseudonymiser)
        storage.record_access(
            actor,
            action,
            role="auditor",
            dossier_id=dossier_id,
            trace_id=dossier.get("trace_id"),
            detail={"format": "prov-json"},
        )
        return prov
