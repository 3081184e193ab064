"""OAuth2 client credentials for the BRP APIs of RvIG: fetch, cache and renew a token.

The token endpoint takes a form (``grant_type=client_credentials``, ``client_id``,
``client_secret``, ``scope``, optionally ``resourceServer``) and answers
``{"access_token", "token_type": "bearer", "expires_in"}`` (RFC 6749 section 4.4).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import httpx

from plugins import (
    AuthenticationFailed,
    BadResponse,
    TraceContext,
    json_body,
    raise_for_status,
    send,
)

__all__ = ["TokenSource"]

#: renew this long before the registry would refuse the token
EXPIRY_MARGIN_S = 30.0


def _oauth_error(response: httpx.Response) -> str | None:
    body = response.json()
    if not isinstance(body, dict):
        return None
    parts = [str(body[k]) for k in ("error", "error_description") if body.get(k)]
    return ": ".join(parts) or None


class TokenSource:
    """Hands out a bearer token, fetching a new one when the cached one runs out."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        token_url: str,
        client_id: str,
        client_secret: str,
        scope: str | None = None,
        resource_server: str | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._token_url = token_url
        self._form = {
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": client_secret,
        }
        if scope:
            self._form["scope"] = scope
        if resource_server:
            self._form["resourceServer"] = resource_server
        self._clock = clock
        self._token: str | None = None
        self._valid_until = 0.0
        self._lock = asyncio.Lock()
        self.fetched = 0

    def invalidate(self) -> None:
        """Forget the cached token (the registry refused it)."""
        self._token = None

    async def token(self, trace: TraceContext | None = None) -> str:
        async with self._lock:
            if self._token is None or self._clock() >= self._valid_until:
                self._token, lifetime = await self._fetch(trace)
                self._valid_until = self._clock() + max(0.0, lifetime - EXPIRY_MARGIN_S)
            return self._token

    async def _fetch(self, trace: TraceContext | None) -> tuple[str, float]:
        response = await send(self._client, "POST", self._token_url, trace=trace, data=self._form)
        if response.status_code in (400, 401, 403):
            # RFC 6749 answers a wrong client or grant with 400/401: credentials, not query
            detail = None
            try:
                detail = _oauth_error(response)
            except ValueError:
                pass
            suffix = f": {detail}" if detail else ""
            raise AuthenticationFailed(
                f"token refused (HTTP {response.status_code}){suffix}", detail=detail
            )
        raise_for_status(response, detail=_oauth_error)
        body = json_body(response)
        token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            raise BadResponse("token endpoint answered without access_token")
        lifetime = body.get("expires_in", 300)
        if not isinstance(lifetime, int | float) or isinstance(lifetime, bool):
            raise BadResponse("token endpoint answered a non-numeric expires_in")
        self.fetched += 1
        return token, float(lifetime)
