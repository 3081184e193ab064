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

A Haal Centraal registry's error body is a :class:`Problems` (its error table, its
``type`` URLs), and :class:`InvalidParam` names what a 400 refuses.

A fake's demo world lives in data files, not code: :func:`read_json` reads one into the
fake's own record types (dataclasses), by their type hints.

Imported by fakes only (it needs Starlette): a production hub never loads it.
"""

from __future__ import annotations

import asyncio
import json
import math
import random
import re
import time
import types
from collections.abc import Awaitable, Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Literal, Protocol, TypeVar, Union, get_args, get_origin, get_type_hints

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = [
    "HAAL_CENTRAAL_ERRORS",
    "TRACEPARENTS_KEPT",
    "ErrorBody",
    "InvalidParam",
    "MountPrefix",
    "Problems",
    "TokenBucket",
    "accepts",
    "from_json",
    "read_json",
    "remember",
    "use_fake_middleware",
]

#: (title, code) of a status a registry's error table leaves out
_SERVER_ERROR = ("Interne server fout.", "serverError")
#: status -> (title, code) that the Haal Centraal APIs share; a registry adds its own
HAAL_CENTRAAL_ERRORS: Mapping[int, tuple[str, str]] = {
    400: ("Een of meerdere parameters zijn niet correct.", "paramsValidation"),
    401: ("Niet correct geauthenticeerd.", "authentication"),
    403: ("U bent niet geautoriseerd voor deze operatie.", "autorisation"),
    404: ("Opgevraagde resource bestaat niet.", "notFound"),
    406: ("Gevraagde contenttype wordt niet ondersteund.", "notAcceptable"),
    500: _SERVER_ERROR,
}
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

    @classmethod
    def pattern(cls, name: str, pattern: re.Pattern[str]) -> InvalidParam:
        """``name`` does not match the contract's ``pattern``."""
        return cls(name, "pattern", f"Waarde voldoet niet aan patroon {pattern.pattern}.")

    @classmethod
    def patterns(
        cls, params: Mapping[str, str], checks: Iterable[tuple[str, re.Pattern[str]]]
    ) -> list[InvalidParam]:
        """One entry per parameter of ``checks`` present in ``params`` but not matching."""
        return [
            cls.pattern(name, pattern)
            for name, pattern in checks
            if name in params and not pattern.match(params[name])
        ]

    @classmethod
    def unknown(cls, request: Request, known: Collection[str]) -> list[InvalidParam]:
        """One entry per query parameter of ``request`` the operation does not know."""
        return [
            cls(name, "unknownParam", "Parameter is niet verwacht.")
            for name in dict.fromkeys(request.query_params.keys())
            if name not in known
        ]


@dataclass(frozen=True, slots=True)
class Problems:
    """A Haal Centraal registry's ``application/problem+json`` answers.

    ``errors`` maps a status to its (title, code), ``type_of`` a status to the ``type``
    URL; ``instance_of`` writes the ``instance`` (the request URL unless given),
    ``invalid_key`` names the list of :class:`InvalidParam` (``invalidParams``, or BAG's
    ``invalid-params``) and ``headers`` (e.g. ``api-version``) go on every answer. A
    :class:`Problems` is an :class:`ErrorBody` for :func:`use_fake_middleware`.
    """

    errors: Mapping[int, tuple[str, str]]
    type_of: Callable[[int], str]
    headers: Mapping[str, str] = field(default_factory=dict)
    instance_of: Callable[[Request], str] = lambda request: str(request.url)
    invalid_key: str = "invalidParams"

    def __call__(
        self,
        request: Request,
        status: int,
        *,
        title: str | None = None,
        code: str | None = None,
        detail: str | None = None,
        invalid: Iterable[InvalidParam] = (),
        headers: Mapping[str, str] | None = None,
    ) -> JSONResponse:
        default_title, default_code = self.errors.get(status, _SERVER_ERROR)
        body: dict[str, Any] = {
            "type": self.type_of(status),
            "title": title or default_title,
            "status": status,
            "detail": detail or (title or default_title),
            "instance": self.instance_of(request),
            "code": code or default_code,
        }
        params = [item.as_json() for item in invalid]
        if params:
            body[self.invalid_key] = params
        return JSONResponse(
            body,
            status_code=status,
            media_type="application/problem+json",
            headers={**self.headers, **(headers or {})},
        )

    def answer_http_errors(self, app: Starlette) -> None:
        """Answer the framework's own errors (unknown path, wrong method) as problems."""

        async def http_error(request: Request, exc: Exception) -> Response:
            status = exc.status_code if isinstance(exc, HTTPException) else 500
            return self(request, status)

        app.add_exception_handler(HTTPException, http_error)

    def api_key_gate(self, api_key: str, *media_types: str) -> Gate:
        """A ``gate``: 401 without the ``X-Api-Key`` ``api_key``, 406 when the ``Accept``
        header takes none of ``media_types`` (JSON and HAL JSON unless given)."""
        wanted = media_types or ("application/json", "application/hal+json")

        def gate(request: Request) -> Response | None:
            if request.headers.get("x-api-key") != api_key:
                return self(request, 401)
            if not accepts(request.headers.get("accept", ""), *wanted):
                return self(request, 406)
            return None

        return gate


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


def read_json(path: Path, kind: Any, *, today: date | None = None) -> Any:
    """The JSON file at ``path`` as a value of type ``kind`` (see :func:`from_json`)."""
    return from_json(kind, json.loads(path.read_text(encoding="utf-8")), today=today)


def from_json(kind: Any, value: Any, *, today: date | None = None) -> Any:
    """``value`` (parsed JSON) as type ``kind``: dataclasses by their type hints (an
    object with their fields), tuples and lists (arrays), mappings (objects), ``date``
    (ISO text; with ``today`` also ``{"yearsAgo": Y, "daysAgo": D}``, so a demo world's
    recent dates stay recent), literals and plain values. Where a union has more than one
    dataclass, the object names its class in ``"type"``. A value that does not fit is a
    ``ValueError``."""
    origin, args = get_origin(kind), get_args(kind)
    if kind is Any:
        return value
    if origin in (Union, types.UnionType):
        return _from_union(args, value, today)
    if origin is Literal:
        if value in args:
            return value
        raise ValueError(f"{value!r} is none of {args}")
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(from_json(args[0], item, today=today) for item in _array(value))
        return tuple(
            from_json(a, item, today=today) for a, item in zip(args, _array(value), strict=True)
        )
    if origin in (list, Sequence):
        return [from_json(args[0], item, today=today) for item in _array(value)]
    if origin in (dict, Mapping):
        if not isinstance(value, dict):
            raise ValueError(f"expected an object, got {value!r}")
        return {key: from_json(args[1], item, today=today) for key, item in value.items()}
    if isinstance(kind, type) and is_dataclass(kind):
        return _from_object(kind, value, today)
    if kind is date:
        return _date(value, today)
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if isinstance(kind, type) and not isinstance(value, kind):
        raise ValueError(f"expected {kind.__name__}, got {value!r}")
    return value


def _array(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise ValueError(f"expected an array, got {value!r}")
    return value


def _date(value: Any, today: date | None) -> date:
    if isinstance(value, dict) and today is not None and set(value) <= {"yearsAgo", "daysAgo"}:
        years, days = int(value.get("yearsAgo", 0)), int(value.get("daysAgo", 0))
        try:
            back = today.replace(year=today.year - years)
        except ValueError:  # 29 February, in a year without one
            back = today.replace(year=today.year - years, day=28)
        return back - timedelta(days=days)
    if not isinstance(value, str):
        raise ValueError(f"expected an ISO date, got {value!r}")
    return date.fromisoformat(value)


def _from_union(arms: tuple[Any, ...], value: Any, today: date | None) -> Any:
    if value is None and type(None) in arms:
        return None
    if isinstance(value, dict) and "type" in value:
        for arm in arms:
            if isinstance(arm, type) and is_dataclass(arm) and arm.__name__ == value["type"]:
                fields_only = {k: v for k, v in value.items() if k != "type"}
                return _from_object(arm, fields_only, today)
    for arm in arms:
        if arm is not type(None):
            try:
                return from_json(arm, value, today=today)
            except (ValueError, TypeError):
                continue
    raise ValueError(f"{value!r} fits none of {arms}")


def _from_object(kind: type[Any], value: Any, today: date | None) -> Any:
    if not isinstance(value, dict):
        raise ValueError(f"expected an object for {kind.__name__}, got {value!r}")
    hints = get_type_hints(kind)
    known = {f.name for f in fields(kind)}
    unknown = set(value) - known
    if unknown:
        raise ValueError(f"{kind.__name__} has no field {sorted(unknown)[0]!r}")
    return kind(**{key: from_json(hints[key], item, today=today) for key, item in value.items()})
