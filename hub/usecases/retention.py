"""Retention: delete what is past its retention period, and legal holds that keep a
signal's data beyond it. Deleting, placing a hold and releasing one need the role
``admin`` (a released hold lets data be deleted); every step is written to the access
log (and each deletion leaves a receipt per data class in the logs).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..accountability import Actor
from ..audit import Retention as RetentionRun
from ..audit import RetentionReport
from .context import Context
from .errors import NotFound

__all__ = ["Retention"]


@dataclass(frozen=True)
class Retention:
    ctx: Context

    def run(self, actor: Actor) -> RetentionReport:
        """Delete everything due, writing a deletion receipt per data class."""
        action = "retention.run"
        self.ctx.require_role(actor, "admin", action)
        storage = self.ctx.storage
        report = RetentionRun(storage.trail).run()
        storage.record_access(
            actor, action, role="admin", detail={k: str(v) for k, v in report.deleted.items()}
        )
        return report

    def hold(self, actor: Actor, signal_id: str, reason: str) -> None:
        """Place a legal hold: nothing of this signal is deleted until it is released."""
        self.ctx.require_role(actor, "admin", "retention.hold")
        storage = self.ctx.storage
        storage.holds.place(signal_id, reason=reason, placed_by=actor.id)
        storage.record_access(
            actor, "retention.hold", role="admin", signal_id=signal_id, reason=reason
        )

    def release(self, actor: Actor, signal_id: str) -> None:
        """Release a legal hold; :class:`NotFound` (logged as failed) when there is none."""
        self.ctx.require_role(actor, "admin", "retention.release")
        storage = self.ctx.storage
        released = storage.holds.release(signal_id)
        storage.record_access(
            actor,
            "retention.release",
            role="admin",
            signal_id=signal_id,
            result="allowed" if released else "failed",
        )
        if not released:
            raise NotFound("bewaarplicht op signaal", signal_id, "signal_id")
