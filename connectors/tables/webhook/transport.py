"""The ``webhook`` transport: one signed ``POST`` of the payload per attempt.

The request
-----------
::

    POST <url>
    Content-Type: application/json
    Idempotency-Key: <the delivery's idempotency key, the same on every attempt>
    X-Opplus-Delivery: <the delivery id>
    X-Opplus-Key-Id: <key_id from the settings>
    X-Opplus-Signature: t=<unix time in whole seconds>,v1=<signature>
    traceparent: <W3C trace context of the delivery>

    <body: the payload JSON, byte for byte as the officer confirmed it>

The signature (for receivers)
-----------------------------
``v1`` is the lowercase hexadecimal HMAC-SHA256 with

- key: the shared secret, encoded as UTF-8 bytes;
- message: the ASCII decimal digits of ``t``, one ``.`` (0x2E), then the raw request
  body bytes exactly as received (do not parse and re-serialise the JSON first).

To verify: split the header on ``,`` into ``name=value`` pairs; take ``t`` and every
``v1`` (more than one may appear while a secret is being rotated); reject the request
when ``t`` is missing, not an integer, or more than 300 seconds from the receiver's
clock (replay protection); compute the HMAC over ``f"{t}.".encode() + body`` with the
secret of ``X-Opplus-Key-Id`` and accept when it equals one of the ``v1`` values,
comparing in constant time (``hmac.compare_digest``). Answer 401 otherwise. Each
attempt is signed anew with a fresh ``t``; the ``Idempotency-Key`` stays the same, so
the receiver stores a delivery once and answers a repeat with its first answer.
:func:`sign` and :func:`verify` implement exactly this.

The answer
----------
Any 2xx is success. When the body is a JSON object, its ``id`` (else ``reference``) is
the receipt's reference, and the delivery counts as acknowledged when it has
``"acknowledged": true`` or a ``status`` of ``accepted``, ``received`` or
``ontvangen``. The SHA-256 of the answer body is kept in the receipt. Failures:
connect errors, timeouts, 408, 409 (the same key is still being processed), 425, 429
and 502/503/504 are transient (``Retry-After`` honoured); 401/403 (wrong secret or key
id), other 4xx (the receiver refused the payload) and 500 are permanent.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Mapping
from typing import Any

import httpx
import structlog
from pydantic import Field, field_validator

from plugins import (
    SIGNATURE_TOLERANCE_S,
    ConnectorContext,
    ConnectorError,
    Delivery,
    DeliveryFailed,
    Health,
    Probe,
    Receipt,
    TableSettings,
    parse_retry_after,
    raise_for_status,
    send,
    sign_body,
    tls_context,
    verify_signature,
)

__all__ = ["SIGNATURE_TOLERANCE_S", "Settings", "WebhookTransport", "sign", "verify"]

log = structlog.get_logger(__name__)

_ACKNOWLEDGING = frozenset({"accepted", "received", "ontvangen"})
_TRANSIENT_4XX = frozenset({408, 409, 425})


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The ``X-Opplus-Signature`` header value for ``body`` at ``timestamp``."""
    return sign_body(secret, timestamp, body)


_REASONS = {
    "missing": "signature header missing",
    "malformed": "signature header lacks t or v1",
    "expired": "signature timestamp outside the tolerance",
    "mismatch": "signature does not match",
}


def verify(
    secret: str,
    header: str | None,
    body: bytes,
    *,
    now: float | None = None,
    tolerance_s: float = SIGNATURE_TOLERANCE_S,
) -> str | None:
    """None when ``header`` signs ``body`` with ``secret`` within the tolerance; else why not."""
    why = verify_signature(secret, header, body, now=now, tolerance_s=tolerance_s)
    return None if why is None else _REASONS[why]


class Settings(TableSettings):
    """``[tables.NAME.settings]`` of a ``webhook`` table."""

    url: str = Field(description="the receiver's endpoint, https:// in production")
    secret_env: str = Field(
        default="OPPLUS_WEBHOOK_SECRET",
        description="environment variable with the shared HMAC secret",
    )
    key_id: str = Field(
        default="opplus",
        pattern=r"^[A-Za-z0-9._-]{1,64}$",
        description="sent as X-Opplus-Key-Id, so the receiver knows which secret to use",
    )
    timeout_s: float = Field(default=30.0, gt=0, le=300, description="per attempt")
    ca_file: str | None = Field(
        default=None, description="PEM file of a private CA to trust for the receiver"
    )

    @field_validator("url")
    @classmethod
    def _absolute(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")):
            raise ValueError("must be an absolute http(s) URL")
        return value


def _problem(response: httpx.Response) -> str | None:
    body = response.json()
    if isinstance(body, dict):
        text = body.get("detail") or body.get("title") or body.get("error")
        return str(text) if text else None
    return None


def _failed(response: httpx.Response) -> DeliveryFailed:
    status = response.status_code
    retry_after = parse_retry_after(response.headers.get("retry-after"))
    where = str(response.request.url.copy_with(query=None))
    if status in _TRANSIENT_4XX:
        return DeliveryFailed(
            f"webhook: HTTP {status} from {where}", transient=True, retry_after=retry_after
        )
    try:
        raise_for_status(response, detail=_problem)
    except ConnectorError as exc:
        return DeliveryFailed(
            f"webhook: {exc}",
            transient=exc.transient,
            retry_after=retry_after if exc.transient else None,
        )
    return DeliveryFailed(f"webhook: unexpected HTTP {status} from {where}", transient=False)


def _receipt(response: httpx.Response) -> Receipt:
    answer: Any = None
    media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type == "application/json" or media_type.endswith("+json"):
        try:
            answer = json.loads(response.content)
        except (ValueError, UnicodeDecodeError):
            answer = None
    reference = None
    acknowledged = False
    if isinstance(answer, dict):
        found = answer.get("id") or answer.get("reference")
        reference = str(found) if isinstance(found, str | int) and found != "" else None
        acknowledged = answer.get("acknowledged") is True or (
            str(answer.get("status", "")).lower() in _ACKNOWLEDGING
        )
    replayed = response.headers.get("idempotent-replayed", "").lower() == "true"
    where = str(response.request.url.copy_with(query=None))
    detail = f"HTTP {response.status_code} from {where}"
    if replayed:
        detail += " (the receiver already had this delivery)"
    return Receipt(
        reference=reference,
        detail=detail,
        response_sha256=hashlib.sha256(response.content).hexdigest(),
        acknowledged=acknowledged,
        extra={"status": response.status_code, "replayed": replayed},
    )


class WebhookTransport:
    """Delivers to a webhook receiver; see the module docstring."""

    kind = "webhook"

    def __init__(self, settings: Settings, context: ConnectorContext) -> None:
        self.settings = settings
        self._secret = context.secret(settings.secret_env)
        self._http = httpx.AsyncClient(
            timeout=httpx.Timeout(settings.timeout_s),
            transport=context.transport,
            verify=tls_context(settings.ca_file),
            headers={"User-Agent": context.user_agent},
            follow_redirects=False,
        )

    async def deliver(self, delivery: Delivery) -> Receipt:
        if delivery.notice is not None:
            raise DeliveryFailed(
                "webhook: a webhook takes dossiers, not notices to persons", transient=False
            )
        if not self._secret:
            raise DeliveryFailed(
                f"webhook: no secret in {self.settings.secret_env}", transient=False
            )
        body = delivery.payload_json
        if hashlib.sha256(body).hexdigest() != delivery.payload_sha256.lower():
            raise DeliveryFailed(
                "webhook: payload_json does not match payload_sha256", transient=False
            )
        headers = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            "Idempotency-Key": delivery.idempotency_key,
            "X-Opplus-Delivery": delivery.id,
            **self._signed(body),
        }
        try:
            response = await send(
                self._http,
                "POST",
                self.settings.url,
                trace=delivery.trace,
                headers=headers,
                content=body,
            )
        except ConnectorError as exc:
            raise DeliveryFailed(f"webhook: {exc}", transient=exc.transient) from exc
        except Exception as exc:  # the hub must only ever see DeliveryFailed
            log.error("table.webhook.unexpected", delivery=delivery.id, error=type(exc).__name__)
            raise DeliveryFailed(
                f"webhook: unexpected {type(exc).__name__}", transient=False
            ) from exc
        if not 200 <= response.status_code < 300:
            raise _failed(response)
        return _receipt(response)

    async def check(self) -> Health:
        """A signed ``GET`` of the URL with an empty body and ``X-Opplus-Probe: 1``.

        2xx: reachable and the signature was accepted; 405: reachable, but the receiver
        does not take probes (the secret is then not verified); anything else fails.
        """
        probe = Probe()
        if not self._secret:
            return probe.failed(f"no secret in {self.settings.secret_env}")
        headers = {"X-Opplus-Probe": "1", **self._signed(b"")}
        try:
            response = await send(self._http, "GET", self.settings.url, headers=headers)
        except Exception as exc:  # a probe reports, it never raises
            return probe.failed(exc)
        if 200 <= response.status_code < 300:
            return probe.ok(f"HTTP {response.status_code}, signature accepted")
        if response.status_code == 405:
            return probe.ok("reachable; the receiver takes no probes")
        return probe.failed(_failed(response).message)

    async def aclose(self) -> None:
        await self._http.aclose()

    def _signed(self, body: bytes) -> Mapping[str, str]:
        assert self._secret is not None
        return {
            "X-Opplus-Key-Id": self.settings.key_id,
            "X-Opplus-Signature": sign(self._secret, int(time.time()), body),
        }
