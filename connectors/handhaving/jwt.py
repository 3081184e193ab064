"""The ZGW JSON Web Token: HS256 over ``{iss, iat, client_id, user_id, user_representation}``.

ZGW APIs authenticate every request with ``Authorization: Bearer <JWT>``, signed
with a secret shared between the client and the API (HS256). The client signs
here; the fake verifies here. Only HS256 is accepted: a token that names another
algorithm (``none`` included) is rejected.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from typing import Any

__all__ = ["JWTError", "decode", "encode", "unverified_claims", "zgw_token"]

_HEADER = {"alg": "HS256", "typ": "JWT"}


class JWTError(ValueError):
    """A token that is malformed, not HS256, or whose signature does not match."""


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    padded = text + "=" * (-len(text) % 4)
    try:
        return base64.urlsafe_b64decode(padded.encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError) as exc:
        raise JWTError("token segment is not base64url") from exc


def _sign(signing_input: bytes, secret: str) -> bytes:
    return hmac.new(secret.encode("utf-8"), signing_input, hashlib.sha256).digest()


def _json_segment(text: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(_b64decode(text))
    except (ValueError, UnicodeDecodeError) as exc:
        raise JWTError(f"token {what} is not JSON") from exc
    if not isinstance(value, dict):
        raise JWTError(f"token {what} is not a JSON object")
    return value


def encode(claims: Mapping[str, Any], secret: str) -> str:
    """A compact HS256 JWT carrying ``claims``."""
    header = _b64encode(json.dumps(_HEADER, separators=(",", ":")).encode())
    payload = _b64encode(json.dumps(dict(claims), separators=(",", ":")).encode())
    signing_input = f"{header}.{payload}".encode("ascii")
    return f"{header}.{payload}.{_b64encode(_sign(signing_input, secret))}"


def _split(token: str) -> tuple[str, str, str]:
    parts = token.split(".")
    if len(parts) != 3:
        raise JWTError("token is not three dot-separated segments")
    return parts[0], parts[1], parts[2]


def unverified_claims(token: str) -> dict[str, Any]:
    """The claims, NOT verified: only to find out which client's secret to verify with."""
    _, payload, _ = _split(token)
    return _json_segment(payload, "payload")


def decode(token: str, secret: str) -> dict[str, Any]:
    """The claims of an HS256 token signed with ``secret``; :class:`JWTError` otherwise."""
    header_text, payload_text, signature_text = _split(token)
    header = _json_segment(header_text, "header")
    if header.get("alg") != "HS256":
        raise JWTError(f"token algorithm {header.get('alg')!r} is not HS256")
    expected = _sign(f"{header_text}.{payload_text}".encode("ascii"), secret)
    if not hmac.compare_digest(expected, _b64decode(signature_text)):
        raise JWTError("token signature does not match")
    return _json_segment(payload_text, "payload")


def zgw_token(
    *,
    client_id: str,
    secret: str,
    user_id: str,
    user_representation: str,
    issued_at: int | None = None,
) -> str:
    """The token a ZGW API expects: the client is its own issuer; the user is for audit trails."""
    claims = {
        "iss": client_id,
        "iat": int(time.time()) if issued_at is None else issued_at,
        "client_id": client_id,
        "user_id": user_id,
        "user_representation": user_representation,
    }
    return encode(claims, secret)
