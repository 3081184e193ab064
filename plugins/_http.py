"""HTTP helpers for connector authors: one place that maps the wire to the errors.

A connector builds its client with :func:`registry_client`, sends with :func:`send`
(which adds the W3C ``traceparent``, maps transport failures and reads the body up
to the connector's ``max_response_bytes``), checks the status
with :func:`raise_for_status` and reads JSON with :func:`json_body`.
"""

from __future__ import annotations

import json
import ssl
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from ._connector import DEFAULT_MAX_RESPONSE_BYTES, ConnectorContext, ConnectorSettings
from ._errors import (
    AuthenticationFailed,
    BadResponse,
    QueryRejected,
    RateLimited,
    RegistryTimeout,
    RegistryUnavailable,
)
from ._query import TraceContext
from ._subjects import is_ascii_digits

__all__ = [
    "TRANSIENT_STATUS",
    "hal_items",
    "json_body",
    "parse_retry_after",
    "problem_detail",
    "raise_for_status",
    "registry_client",
    "send",
]

TRANSIENT_STATUS = frozenset({502, 503, 504})


class _RegistryClient(httpx.AsyncClient):
    """An ``httpx.AsyncClient`` that knows how much of an answer :func:`send` may read."""

    def __init__(self, *, max_response_bytes: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.max_response_bytes = max_response_bytes


def registry_client(
    settings: ConnectorSettings,
    context: ConnectorContext,
    *,
    headers: Mapping[str, str] | None = None,
) -> httpx.AsyncClient:
    """An ``httpx.AsyncClient`` for the registry at ``settings.base_url``, with its TLS
    settings (``ca_file``, client certificate); :func:`send` reads its answers up to
    ``settings.max_response_bytes``."""
    all_headers = {"User-Agent": context.user_agent, **(headers or {})}
    return _RegistryClient(
        max_response_bytes=settings.max_response_bytes,
        base_url=settings.base_url.rstrip("/"),
        timeout=httpx.Timeout(settings.timeout_s),
        transport=context.transport,
        verify=settings.tls(),
        headers=all_headers,
        follow_redirects=False,
    )


async def send(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    *,
    trace: TraceContext | None = None,
    **kwargs: Any,
) -> httpx.Response:
    """Send a request and read the answer; transport failures become :mod:`plugins` errors.

    The body is read as it streams in, and given up as :class:`BadResponse` once it
    passes the client's ``max_response_bytes`` (decoded, so a small compressed body
    cannot unpack into gigabytes): a hostile or broken registry cannot fill memory.
    """
    headers = dict(kwargs.pop("headers", None) or {})
    if trace is not None:
        headers["traceparent"] = trace.traceparent
    limit = getattr(client, "max_response_bytes", DEFAULT_MAX_RESPONSE_BYTES)

    def where() -> str:
        # only a failure needs it, and httpx's URL parsing costs on every request
        return _where(client, url)

    # what client.request() would hand on to client.send() rather than to the request
    options = {key: kwargs.pop(key) for key in ("auth", "follow_redirects") if key in kwargs}
    try:
        request = client.build_request(method, url, headers=headers, **kwargs)
        response = await client.send(request, stream=True, **options)
        try:
            await _read_capped(response, limit, where)
        finally:
            await response.aclose()
    except httpx.TimeoutException as exc:
        raise RegistryTimeout(f"no answer in time from {where()}") from exc
    except (httpx.TransportError, ssl.SSLError) as exc:
        # under TLS 1.3 a refused client certificate surfaces on the first read, and
        # may come as the bare ssl error
        tls = _tls_problem(exc)
        if tls is not None:
            # a certificate problem stays until someone changes the configuration
            raise RegistryUnavailable(f"TLS with {where()} failed: {tls}", transient=False) from exc
        raise RegistryUnavailable(f"cannot reach {where()}: {_transport_problem(exc)}") from exc
    except httpx.DecodingError as exc:
        raise BadResponse(f"undecodable answer from {where()}") from exc
    return response


def _tls_problem(exc: BaseException) -> str | None:
    """What went wrong in the TLS handshake behind a transport error, or None.

    httpx wraps the :mod:`ssl` error, so the chain of causes is searched for it.
    """
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            return f"the certificate is not trusted ({seen.verify_message}; see ca_file)"
        if isinstance(seen, ssl.SSLError):
            reason = seen.reason or type(seen).__name__
            if "CERTIFICATE_REQUIRED" in reason.upper():
                return "the registry requires a client certificate (client_cert_file)"
            return f"handshake refused ({reason}; check client_cert_file and ca_file)"
        seen = seen.__cause__ or seen.__context__
    return None


def _transport_problem(exc: BaseException) -> str:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ConnectionResetError):
            # what a TLS 1.3 server that wants a client certificate does to a client
            # without one, so it is worth saying
            return (
                f"{type(exc).__name__}, connection reset (a registry that requires a "
                "client certificate does this: client_cert_file)"
            )
        seen = seen.__cause__ or seen.__context__
    return type(exc).__name__


async def _read_capped(response: httpx.Response, limit: int, where: Callable[[], str]) -> None:
    """Read at most ``limit`` bytes. An answer that is larger is refused, except an
    error answer: its status says what went wrong (a 503 stays worth a retry), and only
    the start of its body is kept, for the registry's own error text."""
    success = 200 <= response.status_code < 300

    def too_large() -> BadResponse:
        return BadResponse(
            f"answer from {where()} is larger than max_response_bytes ({limit} bytes); not read"
        )

    declared = response.headers.get("content-length", "")
    if success and is_ascii_digits(declared) and int(declared) > limit:
        raise too_large()
    body = bytearray()
    async for chunk in response.aiter_bytes():
        body += chunk
        if len(body) > limit:
            if success:
                raise too_large()
            del body[limit:]
            break
    # what Response.aread() would have kept, had it been allowed to read without a cap
    response._content = bytes(body)


def _where(client: httpx.AsyncClient, url: str) -> str:
    """The URL a request went to, without query string (which may carry identifiers).

    Relative URLs are appended to the base path as httpx does (``join`` would drop it).
    """
    if url.startswith(("http://", "https://")):
        return str(httpx.URL(url).copy_with(query=None))
    base = str(client.base_url.copy_with(query=None)).rstrip("/")
    return f"{base}/{url.lstrip('/').split('?')[0]}"


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or HTTP-date), or None."""
    if not value:
        return None
    value = value.strip()
    # a hostile peer may send "²" (latin-1, so it reaches us): isdigit() is true for it,
    # float() is not
    if is_ascii_digits(value):
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def raise_for_status(
    response: httpx.Response, detail: Callable[[httpx.Response], str | None] | None = None
) -> None:
    """Raise the error that fits a non-2xx answer; ``detail`` reads the registry's error body."""
    status = response.status_code
    if 200 <= status < 300:
        return
    text = None
    if detail is not None:
        try:
            text = detail(response)
        except Exception:  # an unreadable error body must not hide the status
            text = None
    where = str(response.request.url.copy_with(query=None))
    suffix = f": {text}" if text else ""
    if status == 429:
        raise RateLimited(
            f"rate limited by {where}{suffix}",
            retry_after=parse_retry_after(response.headers.get("retry-after")),
            detail=text,
        )
    if status in (401, 403):
        raise AuthenticationFailed(f"HTTP {status} from {where}{suffix}", detail=text)
    if status >= 500:
        raise RegistryUnavailable(
            f"HTTP {status} from {where}{suffix}",
            transient=status in TRANSIENT_STATUS,
            detail=text,
        )
    if 400 <= status < 500:
        raise QueryRejected(f"HTTP {status} from {where}{suffix}", detail=text)
    raise BadResponse(f"unexpected HTTP {status} from {where}")


def json_body(response: httpx.Response) -> Any:
    """The JSON body, or :class:`BadResponse` when the answer is not JSON."""
    media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if not (media_type == "application/json" or media_type.endswith("+json")):
        raise BadResponse(
            f"expected JSON from {response.request.url.copy_with(query=None)}, "
            f"got {media_type or 'no content type'}"
        )
    if not response.content.strip():
        raise BadResponse(f"empty answer from {response.request.url.path}, expected JSON")
    try:
        return json.loads(response.content)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadResponse(f"malformed JSON from {response.request.url.path}") from exc


def hal_items(body: Any, key: str, what: str) -> list[Any]:
    """The items of a HAL collection, ``_embedded.<key>``, as the Dutch registries' HAL
    APIs (BAG, BRK) answer a search; :class:`BadResponse` when ``body`` is none.

    Their specifications let an empty result leave ``_embedded`` out, so it is the
    collection's ``_links.self`` that tells "nothing found" from ``{}`` or any other
    object: without it the answer is refused, never read as empty. ``what`` names the
    resource in the message; the message never quotes the body.
    """
    if not isinstance(body, dict):
        raise BadResponse(f"{what}: the answer is not an object")
    links = body.get("_links")
    own = links.get("self") if isinstance(links, dict) else None
    if not isinstance(own, dict) or not isinstance(own.get("href"), str):
        raise BadResponse(f"{what}: no _links.self, so the answer is no HAL collection")
    embedded = body.get("_embedded")
    if embedded is None:
        return []
    if not isinstance(embedded, dict):
        raise BadResponse(f"{what}: _embedded is not an object")
    items = embedded.get(key, [])
    if not isinstance(items, list):
        raise BadResponse(f"{what}: _embedded.{key} is not a list")
    return items


def problem_detail(response: httpx.Response) -> str | None:
    """The registry's own words from an ``application/problem+json`` body (RFC 7807, as
    the Dutch API design rules use it): ``title: detail [code] (name (code): reason; ...)``.

    For :func:`raise_for_status`'s ``detail``. Reads ``invalidParams`` and the older
    ``invalid-params``; returns None when the body is not such an object.
    """
    body = response.json()
    if not isinstance(body, dict):
        return None
    words: list[str] = []
    for key in ("title", "detail"):
        word = str(body.get(key) or "").strip()
        if word and word not in words:
            words.append(word)
    text = ": ".join(words)
    if body.get("code"):
        text = f"{text} [{body['code']}]".strip()
    params = body.get("invalidParams") or body.get("invalid-params")
    if isinstance(params, list):
        items = []
        for p in params:
            if isinstance(p, dict):
                item = f"{p.get('name')} ({p.get('code')})"
                if p.get("reason"):
                    item += f": {p['reason']}"
                items.append(item)
        if items:
            text = f"{text} ({'; '.join(items)})".strip()
    return text or None
