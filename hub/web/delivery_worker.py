"""The delivery worker inside ``opplus serve``: a background task of the app that sends
what officers confirmed, so a forward from the page is delivered without running
``opplus deliver`` next to the web service.

Every ``interval_s`` (or at once when :meth:`DeliveryWorker.wake` is called after a
forward) it looks whether anything is due and, if so, runs one pass of
:meth:`~hub.forwarding.service.ForwardingService.deliver_due`; a full pass is followed
by another at once. Several processes may run it: the outbox's lease decides who sends
what. On shutdown it stops after the pass in flight (or cancels it after a grace
period: the lease then runs out and another worker sends it again, harmlessly, under
the same idempotency key).
"""

from __future__ import annotations

import asyncio
import os
import socket
import uuid

import structlog

from ..forwarding.service import ForwardingService
from ..store.timestamps import parse_ts, utc_now

__all__ = ["DeliveryWorker"]

log = structlog.get_logger(__name__)


class DeliveryWorker:
    """One background loop over the outbox, started and stopped by the app lifespan."""

    def __init__(
        self,
        forwarding: ForwardingService,
        *,
        interval_s: float = 2.0,
        limit: int = 10,
        lease_s: float = 120.0,
        grace_s: float = 10.0,
    ) -> None:
        self.forwarding = forwarding
        self.interval_s = interval_s
        self.limit = limit
        self.lease_s = lease_s
        self.grace_s = grace_s
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:web-{uuid.uuid4().hex[:6]}"
        self.passes = 0
        self._wake = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        if self._task is None:
            self._loop = asyncio.get_running_loop()
            self._task = asyncio.create_task(self._run(), name="opplus-delivery-worker")

    def wake(self) -> None:
        """Look at the outbox now (an officer just confirmed a delivery); callable from
        any thread (sync routes run in a thread pool)."""
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._wake.set)

    async def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        task, self._task = self._task, None
        if task is not None:
            try:
                await asyncio.wait_for(asyncio.shield(task), self.grace_s)
            except TimeoutError:
                task.cancel()
                try:
                    await task
                except asyncio.CancelledError:
                    pass

    def _due(self) -> bool:
        """Anything to send now? (Read only, so an idle service starts no fakes.)"""
        outbox = self.forwarding.outbox
        if outbox.list(state="stuck", limit=1):
            return True
        now = utc_now()
        return any(
            parse_ts(row.next_attempt_at) <= now for row in outbox.list(state="queued", limit=1000)
        )

    async def _run(self) -> None:
        log.info("delivery_worker_started", worker=self.worker_id, interval_s=self.interval_s)
        while not self._stopping:
            self._wake.clear()
            busy = False
            try:
                if await asyncio.to_thread(self._due):
                    done = await self.forwarding.deliver_due(
                        self.worker_id, limit=self.limit, lease_s=self.lease_s
                    )
                    self.passes += 1
                    busy = len(done) >= self.limit
            except Exception as exc:  # the loop must outlive a bad pass (e.g. store busy)
                log.error("delivery_pass_failed", error_type=type(exc).__name__)
            if busy or self._stopping:
                continue
            try:
                await asyncio.wait_for(self._wake.wait(), self.interval_s)
            except TimeoutError:
                pass
        log.info("delivery_worker_stopped", worker=self.worker_id)
