"""OAuth2 client credentials (RFC 6749 section 4.4) for any connector: one token source.

A connector whose settings subclass :class:`OAuth2Settings` builds one
:class:`TokenSource` and sends through :meth:`TokenSource.send`. The token is fetched
once and shared: an :class:`asyncio.Lock` lets only one refresh be in flight, the
token is reused until ``token_renew_margin_s`` before it expires, and a 401 from the
registry renews it once (unless a concurrent call already did) and retries.
The client authenticates to the token endpoint with ``client_secret_basic`` (HTTP
Basic, RFC 6749 section 2.3.1) or ``client_secret_post`` (in the form).

Gateways that still offer a static ``X-API-KEY`` next to OAuth2 (the BRP APIs do): a
connector's settings subclass :class:`GatewayAuthSettings` (``auth = "oauth2"`` or
``"api_key"``) and it sends through one :class:`GatewayAuth`, whichever is configured.
"""

from __future__ import annotations

import asyncio
import base64
import time
from collections.abc import Callable, Mapping
from typing import Any, Literal
from urllib.parse import quote

import httpx
from pydantic import Field

from ._connector import ConnectorContext, ConnectorSettings
from ._errors import AuthenticationFailed, BadResponse
from ._http import json_body, raise_for_status, send
from ._query import TraceContext
from ._subjects import is_ascii_digits

__all__ = ["GatewayAuth", "GatewayAuthSettings", "OAuth2Settings", "TokenSource"]

#: assumed lifetime when the token endpoint does not say (RFC 6749 only recommends it)
DEFAULT_EXPIRES_IN_S = 300


class OAuth2Settings(ConnectorSettings):
    """Settings of a connector that authenticates with OAuth2 client credentials."""

    token_url: str | None = Field(
        default=None, description="OAuth2 token endpoint; default {base_url}/token"
    )
    client_id: str | None = Field(default=None, description="OAuth2 client id")
    scope: str | None = Field(default=None, description="OAuth2 scope, when the gateway wants one")
    token_auth_method: Literal["client_secret_basic", "client_secret_post"] = Field(
        default="client_secret_post", description="how the client authenticates for a token"
    )
    client_secret_env: str = Field(
        default="OPPLUS_CLIENT_SECRET",
        description="environment variable holding the OAuth2 client secret",
    )
    token_renew_margin_s: float = Field(
        default=30.0, ge=0, le=3600, description="renew a token this long before it expires"
    )


def _oauth_detail(response: httpx.Response) -> str | None:
    """``error: error_description`` of an RFC 6749 error body."""
    body = response.json()
    if not isinstance(body, dict) or not isinstance(body.get("error"), str):
        return None
    description = body.get("error_description")
    return f"{body['error']}: {description}" if isinstance(description, str) else body["error"]


class TokenSource:
    """Access tokens from one token endpoint, cached until shortly before expiry."""

    def __init__(
        self,
        *,
        token_url: str,
        client_id: str | None,
        client_secret: str | None,
        scope: str | None = None,
        method: Literal["client_secret_basic", "client_secret_post"] = "client_secret_post",
        margin_s: float = 30.0,
        extra_form: Mapping[str, str] | None = None,
        label: str = "OAuth2",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._token_url = token_url
        self._client_id = client_id
        self._client_secret = client_secret
        self._scope = scope
        self._method = method
        self._margin_s = margin_s
        self._extra_form = dict(extra_form or {})
        self._label = label
        self._clock = clock
        self._lock = asyncio.Lock()
        self._token: str | None = None
        self._renew_at = 0.0
        #: how many tokens were fetched (for tests and the health detail)
        self.fetches = 0

    @classmethod
    def from_settings(
        cls,
        settings: OAuth2Settings,
        context: ConnectorContext,
        *,
        label: str,
        extra_form: Mapping[str, str] | None = None,
    ) -> TokenSource:
        """The token source ``settings`` describe, its secret read from ``context``."""
        return cls(
            token_url=settings.token_url or f"{settings.base_url.rstrip('/')}/token",
            client_id=settings.client_id,
            client_secret=context.secret(settings.client_secret_env),
            scope=settings.scope,
            method=settings.token_auth_method,
            margin_s=settings.token_renew_margin_s,
            extra_form=extra_form,
            label=label,
        )

    @property
    def problem(self) -> str | None:
        """What is missing to ask for a token at all, or None."""
        if not self._client_id:
            return "no client_id configured for OAuth2"
        if not self._client_secret:
            return "the OAuth2 client secret is not set"
        return None

    async def token(
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
            usable = current is not None and self._clock() < self._renew_at
            if current is not None and usable and not force and stale != current:
                return current
            self._token = None
            token, lifetime = await self._fetch(client, trace)
            self._token = token
            # renew shortly before expiry; very short lifetimes are halved instead
            margin = min(self._margin_s, lifetime / 2)
            self._renew_at = self._clock() + lifetime - margin
            return token

    async def send(
        self,
        client: httpx.AsyncClient,
        method: str,
        url: str,
        *,
        trace: TraceContext | None,
        headers: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """:func:`~plugins.send` with the bearer token; on a 401 the token is renewed
        once (it may have been revoked or expired early) and the request sent again."""
        token = await self.token(client, trace=trace)
        response = await self._send_with(client, token, method, url, trace, headers, kwargs)
        if response.status_code == 401:
            token = await self.token(client, trace=trace, stale=token)
            response = await self._send_with(client, token, method, url, trace, headers, kwargs)
        return response

    async def _send_with(
        self,
        client: httpx.AsyncClient,
        token: str,
        method: str,
        url: str,
        trace: TraceContext | None,
        headers: Mapping[str, str] | None,
        kwargs: dict[str, Any],
    ) -> httpx.Response:
        all_headers = {**(headers or {}), "Authorization": f"Bearer {token}"}
        return await send(client, method, url, trace=trace, headers=all_headers, **kwargs)

    async def _fetch(
        self, client: httpx.AsyncClient, trace: TraceContext | None
    ) -> tuple[str, float]:
        if self.problem:
            raise AuthenticationFailed(f"{self._label}: {self.problem}")
        assert self._client_id is not None and self._client_secret is not None
        form = {"grant_type": "client_credentials", **self._extra_form}
        if self._scope:
            form["scope"] = self._scope
        headers = {"Accept": "application/json"}
        if self._method == "client_secret_basic":
            # RFC 6749 2.3.1: both parts form-urlencoded before they are joined
            pair = f"{quote(self._client_id, safe='')}:{quote(self._client_secret, safe='')}"
            headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
        else:
            form |= {"client_id": self._client_id, "client_secret": self._client_secret}
        response = await send(
            client, "POST", self._token_url, trace=trace, data=form, headers=headers
        )
        if response.status_code in (400, 401, 403):
            # RFC 6749 answers a wrong client or grant with 400/401: credentials, not query
            try:
                detail = _oauth_detail(response)
            except ValueError:
                detail = None
            suffix = f" ({detail})" if detail else ""
            raise AuthenticationFailed(
                f"{self._label} token endpoint refused the client credentials: "
                f"HTTP {response.status_code}{suffix}",
                detail=detail,
            )
        raise_for_status(response, detail=_oauth_detail)
        token, lifetime = self._read(json_body(response))
        self.fetches += 1
        return token, lifetime

    def _read(self, body: Any) -> tuple[str, float]:
        where = f"{self._label} token endpoint"
        if not isinstance(body, dict):
            raise BadResponse(f"{where}: the answer is not an object")
        token = body.get("access_token")
        if not isinstance(token, str) or not token:
            raise BadResponse(f"{where}: no access_token in the answer")
        token_type = body.get("token_type", "Bearer")
        if not isinstance(token_type, str) or token_type.lower() != "bearer":
            raise BadResponse(f"{where}: unsupported token_type {token_type!r}")
        expires_in = body.get("expires_in", DEFAULT_EXPIRES_IN_S)
        if is_ascii_digits(expires_in):
            expires_in = int(expires_in)
        if (
            isinstance(expires_in, bool)
            or not isinstance(expires_in, int | float)
            or expires_in < 0
        ):
            raise BadResponse(f"{where}: expires_in is not a number of seconds")
        return token, float(expires_in)


class GatewayAuthSettings(OAuth2Settings):
    """OAuth2 client credentials, or a static API key for gateways that still take one."""

    auth: Literal["oauth2", "api_key"] = Field(
        default="oauth2", description="'oauth2' (client credentials) or 'api_key'"
    )
    api_key_env: str = Field(
        default="OPPLUS_API_KEY",
        description="environment variable holding the X-API-KEY (auth = api_key)",
    )


class GatewayAuth:
    """Sends with the credentials :class:`GatewayAuthSettings` configure: a bearer token
    of a :class:`TokenSource`, or the ``X-API-KEY`` header."""

    def __init__(
        self,
        *,
        tokens: TokenSource | None,
        api_key: str | None,
        api_key_env: str,
        client_secret_env: str,
        label: str,
    ) -> None:
        self.tokens = tokens
        self._api_key = api_key or None
        self._api_key_env = api_key_env
        self._client_secret_env = client_secret_env
        self._label = label

    @classmethod
    def from_settings(
        cls,
        settings: GatewayAuthSettings,
        context: ConnectorContext,
        *,
        label: str,
        extra_form: Mapping[str, str] | None = None,
    ) -> GatewayAuth:
        """The credentials ``settings`` choose, their secrets read from ``context``."""
        oauth2 = settings.auth == "oauth2"
        return cls(
            tokens=(
                TokenSource.from_settings(settings, context, label=label, extra_form=extra_form)
                if oauth2
                else None
            ),
            api_key=None if oauth2 else context.secret(settings.api_key_env),
            api_key_env=settings.api_key_env,
            client_secret_env=settings.client_secret_env,
            label=label,
        )

    @property
    def problem(self) -> str | None:
        """What is missing to send at all (naming the environment variable), or None."""
        if self.tokens is not None:
            problem = self.tokens.problem
            return f"{problem} ({self._client_secret_env})" if problem else None
        if self._api_key is None:
            return f"the API key is not set ({self._api_key_env})"
        return None

    @property
    def fetches(self) -> int:
        """How many OAuth2 tokens were fetched (0 with an API key)."""
        return self.tokens.fetches if self.tokens is not None else 0

    async def refresh(self, client: httpx.AsyncClient, *, trace: TraceContext | None) -> None:
        """Fetch a fresh token now (a health check proves the credentials this way)."""
        if self.tokens is not None:
            await self.tokens.token(client, trace=trace, force=True)

    async def send(
        self,
        client: httpx.AsyncClient,
        method: str,
        url: str,
        *,
        trace: TraceContext | None,
        headers: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """:func:`~plugins.send` with the credentials; :class:`AuthenticationFailed`,
        before anything is sent, when they are not there."""
        problem = self.problem
        if problem:
            raise AuthenticationFailed(f"{self._label}: {problem}")
        if self.tokens is not None:
            return await self.tokens.send(
                client, method, url, trace=trace, headers=headers, **kwargs
            )
        assert self._api_key is not None
        keyed = {**(headers or {}), "X-API-KEY": self._api_key}
        return await send(client, method, url, trace=trace, headers=keyed, **kwargs)

    def __repr__(self) -> str:
        kind = "oauth2" if self.tokens is not None else "api_key"
        return f"GatewayAuth({self._label!r}, {kind}, problem={self.problem!r})"
