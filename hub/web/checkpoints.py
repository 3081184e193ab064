"""Regular signed checkpoints inside ``opplus serve``: BIO asks for logs that are protected
against change *and checked regularly*. Every ``interval_s`` the service signs the heads
of the logs that grew since the last checkpoint, so a later rewrite of the database is
caught by ``opplus audit verify`` even without an auditor having signed in between."""

from __future__ import annotations

import asyncio
import contextlib

import structlog

from ..audit import AuditTrail

__all__ = ["CheckpointSigner"]

log = structlog.get_logger(__name__)


class CheckpointSigner:
    """A background loop of the app, started and stopped by its lifespan."""

    def __init__(self, trail: AuditTrail, *, interval_s: float) -> None:
        self.trail = trail
        self.interval_s = interval_s
        self._signed: dict[str, int] = {}
        self._task: asyncio.Task[None] | None = None

    def sign_if_grown(self) -> list[str]:
        """Sign every log whose size changed since this signer last signed it."""
        grown = [
            name
            for name, log_ in self.trail.logs.items()
            if log_.head()[0] != self._signed.get(name)
        ]
        if grown:
            for name, checkpoint in self.trail.checkpoint().items():
                self._signed[name] = checkpoint.size
        return grown

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self.interval_s)
            try:
                grown = await asyncio.to_thread(self.sign_if_grown)
            except Exception as exc:  # keep serving; the next round tries again
                log.error("checkpoint_failed", error_type=type(exc).__name__)
                continue
            if grown:
                log.info("checkpoint_signed", logs=",".join(sorted(grown)))

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="opplus-checkpoints")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
