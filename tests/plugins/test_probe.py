"""The SDK's Probe: one way for every check() to time itself and report, never raise."""

from __future__ import annotations

from plugins import BadResponse, Health, Probe


def clock(*readings: float):
    times = iter(readings)
    return lambda: next(times)


def test_verdicts_carry_the_latency_so_far():
    probe = Probe(clock(10.0, 10.0125, 10.5))
    assert probe.ok("HTTP 200") == Health(ok=True, detail="HTTP 200", latency_ms=12.5)
    assert probe.failed("no key in X") == Health(ok=False, detail="no key in X", latency_ms=500.0)


def test_a_connector_error_keeps_its_message_anything_else_only_its_type():
    probe = Probe(clock(0.0, 0.001, 0.002))
    assert probe.failed(BadResponse("/x: the answer is not an object")).detail == (
        "/x: the answer is not an object"
    )
    leaked = probe.failed(KeyError("999993653"))  # a value in an exception must not leak
    assert (leaked.ok, leaked.detail) == (False, "probe failed: KeyError")
