"""What every fake shares: one middleware for a fake's FastAPI or Starlette app.

A fake (a test double speaking a registry's published contract) calls
:func:`use_fake_middleware` once in its ``create_app`` and supplies only what is its
own: the error body of its registry (``error``) and its own checks (``gate``: an API
key, an ``Accept`` header). The middleware, per request, in this order:

1. records the W3C ``traceparent`` header in ``app.state.received_traceparents`` (the
   last :data:`TRACEPARENTS_KEPT`), so tests can match trace ids;
2. waits ``latency_s`` (demos and benchmarks);
3. answers an injected failure ``fail_status`` (every request, or the first
   ``fail_times``, or beyond those a share ``error_rate`` at random), with
   ``Retry-After`` on 429 and 503;
4. runs ``gate``: its answer, if any, is the response;
5. enforces ``rate_limit_per_s`` with a token bucket (429 with ``Retry-After``) and
   reports the bucket in ``X-Rate-Limit-*`` headers when a rate is given.

Imported by fakes only (it needs Starlette): a production hub never loads it.
"""

from __future__ import annotations

import asyncio
import math
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = [
    "TRACEPARENTS_KEPT",
    "ErrorBody",
    "InvalidParam",
    "MountPrefix",
    "TokenBucket",
    "accepts",
    "remember",
    "use_fake_middleware",
]

#: how many received ``traceparent`` headers a fake keeps
TRACEPARENTS_KEPT = 1000

T = TypeVar("T")
Gate = Callable[[Request], Response | None]
CallNext = Callable[[Request], Awaitable[Response]]


class ErrorBody(Protocol):
    """A fake's own error answer: ``status`` in its registry's error format, with
    ``headers`` (e.g. ``Retry-After``) added."""

    def __call__(
        self, request: Request, status: int, *, headers: Mapping[str, str]
    ) -> Response: ...


class _App(Protocol):
    state: Any

    def middleware(self, middleware_type: str) -> Callable[[Any], Any]: ...


def remember(kept: list[T], value: T, limit: int = TRACEPARENTS_KEPT) -> None:
    """Append ``value`` to ``kept``, keeping only the last ``limit``."""
    kept.append(value)
    del kept[:-limit]


def accepts(accept: str, *media_types: str) -> bool:
    """Whether an ``Accept`` header admits one of ``media_types`` (no header: anything)."""
    if not accept.strip():
        return True
    kinds = {part.split(";")[0].strip().lower() for part in accept.split(",")}
    wanted = {media_type.lower() for media_type in media_types}
    return bool(kinds & ({"*/*", "application/*"} | wanted))


@dataclass(frozen=True, slots=True)
class InvalidParam:
    """One entry of ``invalidParams`` as the VNG/Haal Centraal problem details give it."""

    name: str
    code: str
    reason: str

    def as_json(self) -> dict[str, str]:
        return {
            "type": f"https://www.vng.nl/realisatie/api/validaties/{self.code}",
            "name": self.name,
            "code": self.code,
            "reason": self.reason,
        }


class MountPrefix:
    """ASGI middleware: serve paths that still carry the mount prefix.

    Mounted under ``prefix`` by the fakes host, the routes see ``/v2/zoeken``; reached
    directly (an ``ASGITransport`` without mount) as ``/api/v2/zoeken`` they would see
    the prefix, so it becomes the ``root_path`` instead.
    """

    def __init__(self, app: ASGIApp, prefix: str) -> None:
        self.app = app
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            root = scope.get("root_path", "")
            path: str = scope["path"]
            route_path = path[len(root) :] if root and path.startswith(root) else path
            if route_path.startswith(self.prefix + "/"):
                scope = {**scope, "root_path": root + self.prefix}
        await self.app(scope, receive, send)


class TokenBucket:
    """Requests per second, as a bucket that refills continuously."""

    def __init__(self, per_s: float) -> None:
        self.per_s = per_s
        self.capacity = max(1.0, per_s)
        self.tokens = self.capacity
        self.stamp = time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.per_s)
        self.stamp = now
        if self.tokens < 1.0:
            return False
        self.tokens -= 1.0
        return True

    def headers(self) -> dict[str, str]:
        reset = math.ceil((self.capacity - self.tokens) / self.per_s) if self.per_s else 0
        return {
            "X-Rate-Limit-Limit": str(int(self.capacity)),
            "X-Rate-Limit-Remaining": str(max(0, int(self.tokens))),
            "X-Rate-Limit-Reset": str(max(1, reset)),
        }

    def retry_after(self) -> int:
        return max(1, math.ceil((1.0 - self.tokens) / self.per_s))


def use_fake_middleware(
    app: _App,
    error: ErrorBody,
    *,
    latency_s: float = 0.0,
    fail_status: int | None = None,
    fail_times: int | None = None,
    error_rate: float = 0.0,
    seed: int | None = None,
    retry_after: str | None = "1",
    gate: Gate | None = None,
    rate_limit_per_s: float | None = None,
    nominal_rate_per_s: float | None = None,
    headers: Mapping[str, str] | None = None,
) -> None:
    """Install the shared fake middleware on ``app`` (see the module docstring).

    ``fail_times`` None fails every request; with ``error_rate`` > 0 the failures after
    the first ``fail_times`` come at random (``seed`` makes them repeatable).
    ``nominal_rate_per_s`` is the contract's nominal rate, reported in the
    ``X-Rate-Limit-*`` headers when ``rate_limit_per_s`` enforces none. ``headers``
    (e.g. ``api-version``) go on every answer of the routes that does not set them.
    """
    app.state.received_traceparents = []
    app.state.requests_seen = 0
    rate = rate_limit_per_s or nominal_rate_per_s
    bucket = TokenBucket(rate) if rate else None
    rng = random.Random(seed)  # failure injection, not security

    def failing(seen: int) -> bool:
        if fail_status is None:
            return False
        if fail_times is None and not error_rate:
            return True
        if fail_times is not None and seen <= fail_times:
            return True
        return bool(error_rate) and rng.random() < error_rate

    @app.middleware("http")
    async def fake_contract(request: Request, call_next: CallNext) -> Response:
        app.state.requests_seen += 1
        traceparent = request.headers.get("traceparent")
        if traceparent:
            remember(app.state.received_traceparents, traceparent)
        if latency_s > 0:
            await asyncio.sleep(latency_s)
        if fail_status is not None and failing(app.state.requests_seen):
            extra: dict[str, str] = {}
            if retry_after and fail_status in (429, 503):
                extra["Retry-After"] = retry_after
            return error(request, fail_status, headers=extra)
        refused = gate(request) if gate is not None else None
        if refused is not None:
            return refused
        if bucket is not None and not bucket.take() and rate_limit_per_s is not None:
            limited = {"Retry-After": str(bucket.retry_after()), **bucket.headers()}
            return error(request, 429, headers=limited)
        response = await call_next(request)
        for name, value in (headers or {}).items():
            response.headers.setdefault(name, value)
        if bucket is not None:
            response.headers.update(bucket.headers())
        return response
