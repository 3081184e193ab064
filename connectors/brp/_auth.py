"""The OAuth2 client-credentials token of the BRP connector, fetched once and shared.

One :class:`TokenSource` per connector holds the current access token. An
:class:`asyncio.Lock` makes concurrent calls wait for a single fetch instead of each
asking the token endpoint; the token is reused until shortly before it expires, and
replaced when the registry answers 401 to it (:meth:`TokenSource.get` with ``stale``).
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import structlog

from plugins import (
    AuthenticationFailed,
    BadResponse,
    TraceContext,
    is_ascii_digits,
    json_body,
    raise_for_status,
    send,
)

__all__ = ["TokenSource"]

log = structlog.get_logger(__name__)

#: assumed lifetime when the token endpoint does not say (RFC 6749 only recommends it)
DEFAULT_EXPIRES_IN_S = 300


def _oauth_detail(response: httpx.Response) -> str | None:
    """``error: error_description`` of an RFC 6749 error body."""
    body = response.json()
    if not isinstance(body, dict) or not isinstance(body.get("error"), str):
        return None
    description = body.get("error_description")
    return f"{body['error']}: {description}" if isinstance(description, str) else body["error"]


class TokenSource:
    """Access tokens from an OAuth2 token endpoint (client-credentials grant)."""

    def __init__(
        self,
        *,
        token_url: str,
        client_id: str | None,
        client_secret: str | None,
        scope: str | None,
        margin_s: float,
    ) -> None:
        self._token_url = token_url
        self._client_id = client_id
        self._client_secret = client_secret
        self._scope = scope
        self._margin_s = margin_s
        self._lock = asyncio.Lock()
        self._token: str | None = None
        self._renew_at = 0.0
        #: how many tokens were fetched (for tests and the health detail)
        self.fetches = 0

    async def get(
        self,
        client: httpx.AsyncClient,
        *,
        trace: TraceContext | None,
        force: bool = False,
        stale: str | None = None,
    ) -> str:
        """The current token; a fresh one when forced, expired, or when it is ``stale``."""
        async with self._lock:
            current = self._token
            usable = current is not None and time.monotonic() < self._renew_at
            if current is not None and usable and not force and stale != current:
                return current
            self._token = None
            token, lifetime = await self._fetch(client, trace)
            self._token = token
            # renew shortly before expiry; very short lifetimes are halved instead
            margin = min(self._margin_s, lifetime / 2)
            self._renew_at = time.monotonic() + lifetime - margin
            return token

    async def _fetch(
        self, client: httpx.AsyncClient, trace: TraceContext | None
    ) -> tuple[str, float]:
        if not self._client_id:
            raise AuthenticationFailed("BRP: no client_id configured for OAuth2")
        if not self._client_secret:
            raise AuthenticationFailed("BRP: the OAuth2 client secret is not set")
        form = {
            "grant_type": "client_credentials",
            "client_id": self._client_id,
            "client_secret": self._client_secret,
        }
        if self._scope:
            form["scope"] = self._scope
        response = await send(
            client,
            "POST",
            self._token_url,
            trace=trace,
            data=form,
            headers={"Accept": "application/json"},
        )
        if response.status_code in (400, 401, 403):
            detail = None
            try:
                detail = _oauth_detail(response)
            except ValueError:
                detail = None
            suffix = f" ({detail})" if detail else ""
            raise AuthenticationFailed(
                f"BRP token endpoint refused the client credentials: "
                f"HTTP {response.status_code}{suffix}",
                detail=detail,
            )
        raise_for_status(response, detail=_oauth_detail)
        body = json_body(response)
        token, lifetime = _read_token(body)
        self.fetches += 1
        log.info("brp.token_fetched", expires_in=lifetime)
        return token, lifetime


def _read_token(body: Any) -> tuple[str, float]:
    if not isinstance(body, dict):
        raise BadResponse("BRP token endpoint: the answer is not an object")
    token = body.get("access_token")
    if not isinstance(token, str) or not token:
        raise BadResponse("BRP token endpoint: no access_token in the answer")
    token_type = body.get("token_type", "Bearer")
    if not isinstance(token_type, str) or token_type.lower() != "bearer":
        raise BadResponse(f"BRP token endpoint: unsupported token_type {token_type!r}")
    expires_in = body.get("expires_in", DEFAULT_EXPIRES_IN_S)
    if is_ascii_digits(expires_in):
        expires_in = int(expires_in)
    if isinstance(expires_in, bool) or not isinstance(expires_in, int | float) or expires_in < 0:
        raise BadResponse("BRP token endpoint: expires_in is not a number of seconds")
    return token, float(expires_in)
