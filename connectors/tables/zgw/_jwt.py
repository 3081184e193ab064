"""The ZGW JSON Web Token (HS256), signed per delivery.

ZGW APIs authenticate each request with ``Authorization: Bearer <JWT>`` signed with a
secret shared with the API. The claims name the client (``iss``, ``client_id``) and,
for the API's audit trail, the officer on whose behalf the delivery is made.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

__all__ = ["zgw_token"]


def _segment(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def zgw_token(
    *, client_id: str, secret: str, user_id: str, user_representation: str, now: float | None = None
) -> str:
    """A compact HS256 token with the ZGW claims."""
    header = {"alg": "HS256", "typ": "JWT"}
    claims = {
        "iss": client_id,
        "iat": int(time.time() if now is None else now),
        "client_id": client_id,
        "user_id": user_id,
        "user_representation": user_representation,
    }
    signing_input = ".".join(
        _segment(json.dumps(part, separators=(",", ":")).encode()) for part in (header, claims)
    )
    signature = hmac.new(secret.encode(), signing_input.encode("ascii"), hashlib.sha256).digest()
    return f"{signing_input}.{_segment(signature)}"
