"""Per-connector resilience: bounded retries on transient errors, and a circuit breaker.

Retries use tenacity: only errors marked ``transient`` (connect errors, timeouts,
502/503/504, 429) are retried; a 429's ``Retry-After`` is honoured; waits are
exponential with full jitter; attempts and total time are bounded by the connector's
settings (``max_attempts``, ``retry_budget_s``), and no wait is started that would
end past the budget.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TypeVar

from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    stop_before_delay,
    wait_random_exponential,
)

from plugins import ConnectorError, ConnectorSettings, RateLimited, RegistryTimeout

__all__ = ["CircuitBreaker", "CircuitOpen", "RetryReport", "call_with_retries"]

T = TypeVar("T")


class CircuitOpen(ConnectorError):
    """The connector's breaker is open after repeated failures; the call was not made."""


@dataclass
class CircuitBreaker:
    """Closed -> open after ``threshold`` consecutive failures; half-open after ``reset_s``.

    In half-open one trial call is let through: success closes, failure re-opens.
    """

    threshold: int
    reset_s: float
    clock: Callable[[], float] = time.monotonic
    failures: int = 0
    opened_at: float | None = None
    _trial_running: bool = field(default=False, repr=False)

    @property
    def state(self) -> str:
        if self.opened_at is None:
            return "closed"
        if self.clock() - self.opened_at >= self.reset_s:
            return "half-open"
        return "open"

    def before_call(self, name: str) -> None:
        state = self.state
        if state == "open" or (state == "half-open" and self._trial_running):
            wait = max(0.0, self.reset_s - (self.clock() - (self.opened_at or 0.0)))
            raise CircuitOpen(
                f"{name}: circuit breaker open after {self.failures} failures; "
                f"not called (next try in {wait:.0f} s)"
            )
        if state == "half-open":
            self._trial_running = True

    def record_success(self) -> None:
        self.failures = 0
        self.opened_at = None
        self._trial_running = False

    def record_failure(self) -> None:
        self.failures += 1
        self._trial_running = False
        if self.failures >= self.threshold or self.opened_at is not None:
            self.opened_at = self.clock()


@dataclass
class RetryReport:
    attempts: int = 0


def _wait(retry_state: RetryCallState) -> float:
    exc = retry_state.outcome.exception() if retry_state.outcome else None
    if isinstance(exc, RateLimited) and exc.retry_after is not None:
        return exc.retry_after
    return float(wait_random_exponential(multiplier=0.2, max=5.0)(retry_state))


def _transient(exc: BaseException) -> bool:
    return isinstance(exc, ConnectorError) and exc.transient


async def call_with_retries(
    call: Callable[[], Awaitable[T]],
    settings: ConnectorSettings,
    report: RetryReport,
    *,
    name: str,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> T:
    """Run ``call`` with a per-attempt timeout and bounded retries on transient errors.

    ``sleep`` waits between attempts; the contract kit passes one that records the
    waits instead of spending them, to show a ``Retry-After`` is honoured."""

    async def attempt() -> T:
        report.attempts += 1
        try:
            async with asyncio.timeout(settings.timeout_s):
                return await call()
        except TimeoutError:
            raise RegistryTimeout(f"{name}: no answer within {settings.timeout_s:g} s") from None

    retrying = AsyncRetrying(
        retry=retry_if_exception(_transient),
        stop=stop_after_attempt(settings.max_attempts) | stop_before_delay(settings.retry_budget_s),
        wait=_wait,
        sleep=sleep,
        reraise=True,
    )
    return await retrying(attempt)
