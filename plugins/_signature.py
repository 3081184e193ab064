"""The opplus HMAC signatures over HTTP requests, for webhooks in both directions.

``X-Opplus-Signature: t=<unix seconds>,v<n>=<hex HMAC-SHA256>``, keyed with a shared
secret (UTF-8). Two versions:

* ``v1`` over ``"<t>." + body`` — what the webhook transport signs deliveries with
  (each delivery also carries its own ``Idempotency-Key``);
* ``v2`` over ``"<t>.<METHOD>.<path>." + body`` — what a table signs feedback with: the
  method and the path (which names the delivery) are covered, so a signature cannot
  be moved to another delivery or endpoint. A ``v2`` receiver refuses ``v1``.

A receiver accepts any matching signature of its version (so secrets can be rotated),
compared in constant time, and refuses a ``t`` too far from its clock. Accepting each
``v2`` signature only once (a replay store) is the receiver's part:
:class:`SignatureCheck` hands it the matching signature and its ``t``.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable
from dataclasses import dataclass

from ._subjects import is_ascii_digits

__all__ = [
    "SIGNATURE_HEADER",
    "SIGNATURE_TOLERANCE_S",
    "SignatureCheck",
    "check_request_signature",
    "sign_body",
    "sign_request",
    "verify_signature",
]

SIGNATURE_HEADER = "X-Opplus-Signature"
#: how far ``t`` may be from the receiver's clock, in seconds
SIGNATURE_TOLERANCE_S = 300


def _mac(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def _request_message(timestamp: int, method: str, path: str, body: bytes) -> bytes:
    return f"{timestamp}.{method.upper()}.{path}.".encode() + body


def sign_body(secret: str, timestamp: int, body: bytes) -> str:
    """The ``v1`` signature header value for ``body`` at ``timestamp``."""
    return f"t={timestamp},v1={_mac(secret, f'{timestamp}.'.encode('ascii') + body)}"


def sign_request(secret: str, timestamp: int, method: str, path: str, body: bytes) -> str:
    """The ``v2`` signature header value for a request: ``path`` without the query."""
    return f"t={timestamp},v2={_mac(secret, _request_message(timestamp, method, path, body))}"


@dataclass(frozen=True)
class SignatureCheck:
    """The outcome of checking a signature header. ``problem`` is None when it holds,
    else ``missing``, ``malformed``, ``v1-only``, ``expired`` or ``mismatch``;
    ``signature`` is the matching one (for a replay store), ``timestamp`` its ``t``."""

    problem: str | None
    timestamp: int | None = None
    signature: str | None = None


def _check(
    header: str | None,
    version: str,
    expected: Callable[[int], str],
    *,
    now: float | None,
    tolerance_s: float,
) -> SignatureCheck:
    """Parse ``header``, then check the time and every signature of ``version``
    against ``expected(t)``."""
    if not header:
        return SignatureCheck("missing")
    timestamp: int | None = None
    found: dict[str, list[str]] = {}
    for part in header.split(","):
        name, _, value = part.strip().partition("=")
        # not isdigit(): "t=²" would pass it and crash int() on a peer's header
        if name == "t" and is_ascii_digits(value) and len(value) < 15:
            timestamp = int(value)
        elif name in ("v1", "v2") and value:
            found.setdefault(name, []).append(value.lower())
    if timestamp is None or version not in found:
        return SignatureCheck("v1-only" if timestamp is not None and "v1" in found else "malformed")
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance_s:
        return SignatureCheck("expired", timestamp)
    want = expected(timestamp)
    for given in found[version]:
        if hmac.compare_digest(want, given):
            return SignatureCheck(None, timestamp, given)
    return SignatureCheck("mismatch", timestamp)


def verify_signature(
    secret: str,
    header: str | None,
    body: bytes,
    *,
    now: float | None = None,
    tolerance_s: float = SIGNATURE_TOLERANCE_S,
) -> str | None:
    """None when ``header`` signs ``body`` with ``secret`` (``v1``) in time; else the
    reason: ``missing``, ``malformed``, ``expired`` or ``mismatch``."""
    check = _check(
        header,
        "v1",
        lambda t: _mac(secret, f"{t}.".encode("ascii") + body),
        now=now,
        tolerance_s=tolerance_s,
    )
    return None if check.problem is None else check.problem.replace("v1-only", "malformed")


def check_request_signature(
    secret: str,
    header: str | None,
    method: str,
    path: str,
    body: bytes,
    *,
    now: float | None = None,
    tolerance_s: float = SIGNATURE_TOLERANCE_S,
) -> SignatureCheck:
    """Whether ``header`` signs this request (``v2``) with ``secret`` in time; a header
    with only ``v1`` is refused as ``v1-only``."""
    return _check(
        header,
        "v2",
        lambda t: _mac(secret, _request_message(t, method, path, body)),
        now=now,
        tolerance_s=tolerance_s,
    )
