"""Prometheus metrics in the text exposition format (version 0.0.4), written by hand.

Per connector: calls by outcome status, errors (failed or timed out) and a latency
histogram, fed by the engine's progress events; the result of the last live health
check. Per route template (never a concrete path, so no identifier ends up in a label):
requests by status and a latency histogram. Plus logins refused and enrichments.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable, Mapping

__all__ = ["CONTENT_TYPE", "Metrics"]

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

_CONNECTOR_BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
_HTTP_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

Labels = tuple[tuple[str, str], ...]


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _labels(labels: Labels, extra: Iterable[tuple[str, str]] = ()) -> str:
    items = [*labels, *extra]
    if not items:
        return ""
    return "{" + ",".join(f'{k}="{_escape(v)}"' for k, v in items) + "}"


def _number(value: float) -> str:
    if value == float("inf"):
        return "+Inf"
    return repr(float(value)) if not float(value).is_integer() else str(int(value))


class _Histogram:
    def __init__(self, buckets: tuple[float, ...]) -> None:
        self.buckets = buckets
        self.counts = [0] * len(buckets)
        self.total = 0
        self.sum = 0.0

    def observe(self, value: float) -> None:
        self.total += 1
        self.sum += value
        for i, bound in enumerate(self.buckets):
            if value <= bound:
                self.counts[i] += 1


class Metrics:
    """The counters of one hub process; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counters: dict[str, dict[Labels, float]] = defaultdict(dict)
        self._gauges: dict[str, dict[Labels, float]] = defaultdict(dict)
        self._histograms: dict[str, dict[Labels, _Histogram]] = defaultdict(dict)
        self._help: dict[str, tuple[str, str]] = {}
        self._describe()

    def _describe(self) -> None:
        for name, kind, text in (
            ("opplus_connector_calls_total", "counter", "Connector calls by outcome status."),
            (
                "opplus_connector_errors_total",
                "counter",
                "Connector calls that failed or timed out.",
            ),
            (
                "opplus_connector_call_duration_seconds",
                "histogram",
                "Duration of connector calls, retries included.",
            ),
            ("opplus_connector_up", "gauge", "1 when the last live health check passed."),
            ("opplus_enrichments_total", "counter", "Enrichment jobs by result."),
            ("opplus_enrichment_jobs_running", "gauge", "Enrichment jobs running now."),
            ("opplus_http_requests_total", "counter", "HTTP requests by route and status."),
            (
                "opplus_http_request_duration_seconds",
                "histogram",
                "Duration of HTTP requests by route.",
            ),
            ("opplus_logins_total", "counter", "Login attempts by result."),
            ("opplus_refusals_total", "counter", "Requests refused (401/403/429) by status."),
        ):
            self._help[name] = (kind, text)

    def inc(self, name: str, labels: Mapping[str, str] | None = None, by: float = 1) -> None:
        key = tuple(sorted((labels or {}).items()))
        with self._lock:
            series = self._counters[name]
            series[key] = series.get(key, 0) + by

    def set(self, name: str, value: float, labels: Mapping[str, str] | None = None) -> None:
        key = tuple(sorted((labels or {}).items()))
        with self._lock:
            self._gauges[name][key] = value

    def observe(self, name: str, value: float, labels: Mapping[str, str] | None = None) -> None:
        key = tuple(sorted((labels or {}).items()))
        buckets = _CONNECTOR_BUCKETS if name.startswith("opplus_connector") else _HTTP_BUCKETS
        with self._lock:
            series = self._histograms[name]
            if key not in series:
                series[key] = _Histogram(buckets)
            series[key].observe(value)

    # -- what the hub reports ------------------------------------------------------

    def connector_call(self, connector: str, status: str, duration_ms: float) -> None:
        self.inc("opplus_connector_calls_total", {"connector": connector, "status": status})
        if status in ("failed", "timeout"):
            self.inc("opplus_connector_errors_total", {"connector": connector})
        self.observe(
            "opplus_connector_call_duration_seconds", duration_ms / 1000, {"connector": connector}
        )

    def connector_health(self, connector: str, ok: bool) -> None:
        self.set("opplus_connector_up", 1 if ok else 0, {"connector": connector})

    def known_connectors(self, names: Iterable[str]) -> None:
        """Start every connector's counters at zero, so a series exists before a call."""
        with self._lock:
            for name in names:
                self._counters["opplus_connector_errors_total"].setdefault(
                    (("connector", name),), 0
                )

    def http_request(self, method: str, route: str, status: int, seconds: float) -> None:
        labels = {"method": method, "route": route, "status": str(status)}
        self.inc("opplus_http_requests_total", labels)
        self.observe("opplus_http_request_duration_seconds", seconds, {"route": route})
        if status in (401, 403, 429):
            self.inc("opplus_refusals_total", {"status": str(status)})

    # -- exposition ------------------------------------------------------------------

    def render(self) -> str:
        lines: list[str] = []
        with self._lock:
            for name, (kind, text) in self._help.items():
                lines.append(f"# HELP {name} {text}")
                lines.append(f"# TYPE {name} {kind}")
                if kind == "counter":
                    for labels, value in sorted(self._counters.get(name, {}).items()):
                        lines.append(f"{name}{_labels(labels)} {_number(value)}")
                elif kind == "gauge":
                    for labels, value in sorted(self._gauges.get(name, {}).items()):
                        lines.append(f"{name}{_labels(labels)} {_number(value)}")
                else:
                    for labels, hist in sorted(self._histograms.get(name, {}).items()):
                        for bound, count in zip(hist.buckets, hist.counts, strict=True):
                            le = _labels(labels, [("le", _number(bound))])
                            lines.append(f"{name}_bucket{le} {count}")
                        inf = _labels(labels, [("le", "+Inf")])
                        lines.append(f"{name}_bucket{inf} {hist.total}")
                        lines.append(f"{name}_sum{_labels(labels)} {_number(hist.sum)}")
                        lines.append(f"{name}_count{_labels(labels)} {hist.total}")
        return "\n".join(lines) + "\n"
