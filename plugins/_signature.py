"""The opplus HMAC signature over an HTTP body, for webhooks in both directions.

``X-Opplus-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 over "<t>." + body>``, keyed
with a shared secret (UTF-8). A receiver accepts any matching ``v1`` (so secrets can be
rotated), compared in constant time, and refuses a ``t`` too far from its clock.
"""

from __future__ import annotations

import hashlib
import hmac
import time

__all__ = ["SIGNATURE_HEADER", "SIGNATURE_TOLERANCE_S", "sign_body", "verify_signature"]

SIGNATURE_HEADER = "X-Opplus-Signature"
#: how far ``t`` may be from the receiver's clock, in seconds
SIGNATURE_TOLERANCE_S = 300


def sign_body(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header value for ``body`` at ``timestamp``."""
    mac = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode("ascii") + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify_signature(
    secret: str,
    header: str | None,
    body: bytes,
    *,
    now: float | None = None,
    tolerance_s: float = SIGNATURE_TOLERANCE_S,
) -> str | None:
    """None when ``header`` signs ``body`` with ``secret`` in time; else the reason:
    ``missing``, ``malformed``, ``expired`` or ``mismatch``."""
    if not header:
        return "missing"
    timestamp: int | None = None
    signatures: list[str] = []
    for part in header.split(","):
        name, _, value = part.strip().partition("=")
        if name == "t" and value.isdigit() and len(value) < 15:
            timestamp = int(value)
        elif name == "v1" and value:
            signatures.append(value.lower())
    if timestamp is None or not signatures:
        return "malformed"
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance_s:
        return "expired"
    expected = sign_body(secret, timestamp, body).rsplit("v1=", 1)[1]
    if not any(hmac.compare_digest(expected, s) for s in signatures):
        return "mismatch"
    return None
