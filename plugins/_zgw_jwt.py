"""The ZGW JSON Web Token: how a client authenticates to the VNG ZGW APIs.

Every request to a ZGW API (Zaken, Documenten, Catalogi) carries
``Authorization: Bearer <JWT>``, an HS256 token signed with a secret the client shares
with the API. The claims name the client (``iss`` and ``client_id``, the same value),
when the token was made (``iat``) and, for the API's audit trail, the officer on whose
behalf the request is made (``user_id``, ``user_representation``). ``exp`` is added
only when the settings ask for it (``jwt_expiry_s``): the standard leaves it to the API.

A connector or table transport mixes :class:`ZgwClientSettings` into its settings and
signs with a :class:`ZgwJwt` built from them. :func:`verify_zgw_jwt` is the other side,
for a fake ZGW API: it accepts HS256 only (a token naming ``none`` or any other
algorithm is refused).
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

from pydantic import BaseModel, ConfigDict, Field

from ._connector import ConnectorContext
from ._errors import AuthenticationFailed

__all__ = [
    "ZgwClientSettings",
    "ZgwJwt",
    "ZgwJwtError",
    "unverified_zgw_claims",
    "verify_zgw_jwt",
]

_HEADER = {"alg": "HS256", "typ": "JWT"}


class ZgwClientSettings(BaseModel):
    """The keys of a ZGW client, mixed into a connector's or transport's settings."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    client_id: str = Field(
        default="opplus", min_length=1, description="the ZGW client id (JWT iss/client_id)"
    )
    client_secret_env: str = Field(
        default="OPPLUS_ZGW_CLIENT_SECRET",
        description="environment variable holding the secret the JWT is signed with (HS256)",
    )
    jwt_expiry_s: int | None = Field(
        default=None,
        gt=0,
        le=86400,
        description="when set, tokens carry exp = iat + this many seconds",
    )


class ZgwJwtError(ValueError):
    """A token that is malformed, not HS256, or whose signature does not match."""


class ZgwJwt:
    """Signs the ZGW tokens of one client. The secret never appears in its repr."""

    def __init__(
        self,
        client_id: str,
        secret: str | None,
        *,
        secret_env: str = "",
        expiry_s: int | None = None,
    ) -> None:
        self.client_id = client_id
        self.secret_env = secret_env
        self.expiry_s = expiry_s
        self._secret = secret or None

    @classmethod
    def from_settings(cls, settings: ZgwClientSettings, context: ConnectorContext) -> ZgwJwt:
        """The signer for ``settings``, its secret read from the context's environment."""
        return cls(
            settings.client_id,
            context.secret(settings.client_secret_env),
            secret_env=settings.client_secret_env,
            expiry_s=settings.jwt_expiry_s,
        )

    @property
    def has_secret(self) -> bool:
        return self._secret is not None

    @property
    def missing(self) -> str:
        """Why no token can be signed (for a health check or an error message)."""
        return f"no ZGW client secret: environment variable {self.secret_env} is not set"

    def token(self, user_id: str, user_representation: str, *, now: float | None = None) -> str:
        """A token for a request on behalf of ``user_id``; :class:`AuthenticationFailed`
        when the secret is not set."""
        if self._secret is None:
            raise AuthenticationFailed(self.missing)
        issued = int(time.time() if now is None else now)
        claims: dict[str, Any] = {
            "iss": self.client_id,
            "iat": issued,
            "client_id": self.client_id,
            "user_id": user_id,
            "user_representation": user_representation,
        }
        if self.expiry_s is not None:
            claims["exp"] = issued + self.expiry_s
        return _encode(claims, self._secret)

    def authorization(self, user_id: str, user_representation: str) -> dict[str, str]:
        """The ``Authorization`` header carrying :meth:`token`."""
        return {"Authorization": f"Bearer {self.token(user_id, user_representation)}"}

    def __repr__(self) -> str:
        secret = "set" if self._secret else "missing"
        return f"ZgwJwt(client_id={self.client_id!r}, secret_env={self.secret_env!r}, {secret})"


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    padded = text + "=" * (-len(text) % 4)
    try:
        return base64.urlsafe_b64decode(padded.encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError) as exc:
        raise ZgwJwtError("token segment is not base64url") from exc


def _sign(signing_input: bytes, secret: str) -> bytes:
    return hmac.new(secret.encode("utf-8"), signing_input, hashlib.sha256).digest()


def _encode(claims: Mapping[str, Any], secret: str) -> str:
    header, payload = (
        _b64encode(json.dumps(part, separators=(",", ":")).encode()) for part in (_HEADER, claims)
    )
    signing_input = f"{header}.{payload}".encode("ascii")
    return f"{header}.{payload}.{_b64encode(_sign(signing_input, secret))}"


def _json_segment(text: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(_b64decode(text))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ZgwJwtError(f"token {what} is not JSON") from exc
    if not isinstance(value, dict):
        raise ZgwJwtError(f"token {what} is not a JSON object")
    return value


def _split(token: str) -> tuple[str, str, str]:
    parts = token.split(".")
    if len(parts) != 3:
        raise ZgwJwtError("token is not three dot-separated segments")
    return parts[0], parts[1], parts[2]


def unverified_zgw_claims(token: str) -> dict[str, Any]:
    """The claims, NOT verified: only to find out which client's secret to verify with."""
    _, payload, _ = _split(token)
    return _json_segment(payload, "payload")


def verify_zgw_jwt(token: str, secret: str) -> dict[str, Any]:
    """The claims of an HS256 token signed with ``secret``; :class:`ZgwJwtError` otherwise.

    Only the signature and algorithm are checked here; how old a token may be (``iat``,
    ``exp``) is the API's own rule.
    """
    header_text, payload_text, signature_text = _split(token)
    header = _json_segment(header_text, "header")
    if header.get("alg") != "HS256":
        raise ZgwJwtError(f"token algorithm {header.get('alg')!r} is not HS256")
    expected = _sign(f"{header_text}.{payload_text}".encode("ascii"), secret)
    if not hmac.compare_digest(expected, _b64decode(signature_text)):
        raise ZgwJwtError("token signature does not match")
    return _json_segment(payload_text, "payload")
