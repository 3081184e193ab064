"""The circuit breaker's states."""

from __future__ import annotations

import pytest

from hub.resilience import CircuitBreaker, CircuitOpen


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_breaker_opens_half_opens_and_closes():
    clock = Clock()
    b = CircuitBreaker(threshold=3, reset_s=10, clock=clock)
    for _ in range(2):
        b.before_call("x")
        b.record_failure()
    assert b.state == "closed"
    b.before_call("x")
    b.record_failure()
    assert b.state == "open"
    with pytest.raises(CircuitOpen):
        b.before_call("x")
    clock.now = 10
    assert b.state == "half-open"
    b.before_call("x")  # the one trial call
    with pytest.raises(CircuitOpen):
        b.before_call("x")  # no second call while the trial runs
    b.record_success()
    assert b.state == "closed" and b.failures == 0


def test_failed_trial_reopens():
    clock = Clock()
    b = CircuitBreaker(threshold=1, reset_s=5, clock=clock)
    b.record_failure()
    clock.now = 5
    b.before_call("x")
    b.record_failure()
    assert b.state == "open"
