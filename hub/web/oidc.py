"""Log in with the municipality's identity provider: OpenID Connect, authorization code
flow with PKCE (S256), state and nonce. The protocol pieces (authorization request,
token request, PKCE, ID-token claims) are authlib's; the HTTP calls are httpx's.

The ID token is checked against the provider's keys (JWKS) and for issuer, audience,
expiry and nonce. Roles and municipalities come from two configured claims
(``roles_claim``, ``municipalities_claim``): only known roles and served
municipalities count, and a token with no role logs nobody in. The user is kept as
``oidc:<sub>`` (never confused with a local account), updated from the token at every
login; an administrator can still disable them here.
"""

from __future__ import annotations

import hashlib
import ipaddress
import os
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri, prepare_token_request
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

from ..config import OidcConfig
from .sessions import PendingOidcLogin
from .users import ROLES

__all__ = ["OidcError", "OidcIdentity", "OidcProvider"]

_WEB_ROLES = tuple(r for r in ROLES if r != "monitor")  # a person, not a scraper


class OidcError(Exception):
    """The login with the identity provider did not succeed; the message is Dutch and
    safe to show (it names no secret)."""


@dataclass(frozen=True)
class OidcIdentity:
    login: str
    name: str
    roles: tuple[str, ...]
    municipalities: tuple[str, ...]


def _claim_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [part for part in value.replace(",", " ").split() if part]
    if isinstance(value, list):
        return [str(v) for v in value if isinstance(v, str | int)]
    return []


def _allowed_issuer(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme == "https":
        return True
    if parts.scheme != "http":
        return False
    host = parts.hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class OidcProvider:
    """One configured identity provider."""

    def __init__(self, config: OidcConfig, *, transport: httpx.AsyncBaseTransport | None = None):
        if not _allowed_issuer(config.issuer):
            raise ValueError(f"web.oidc.issuer: {config.issuer!r} is not https (nor loopback)")
        self.config = config
        self.transport = transport
        self._metadata: dict[str, Any] | None = None
        self._jwks: dict[str, Any] | None = None

    @property
    def label(self) -> str:
        return self.config.label

    def _secret(self) -> str | None:
        env = self.config.client_secret_env
        if not env:
            return None
        secret = os.environ.get(env)
        if not secret:
            raise OidcError(
                f"inloggen via de identiteitsprovider is niet ingericht ({env} ontbreekt)"
            )
        return secret

    def _http(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(timeout=self.config.timeout_s, transport=self.transport)

    async def metadata(self) -> dict[str, Any]:
        if self._metadata is None:
            url = self.config.issuer.rstrip("/") + "/.well-known/openid-configuration"
            try:
                async with self._http() as http:
                    response = await http.get(url)
                    response.raise_for_status()
                    data = response.json()
            except (httpx.HTTPError, ValueError) as exc:
                raise OidcError(
                    f"de identiteitsprovider is niet bereikbaar ({type(exc).__name__})"
                ) from exc
            if data.get("issuer") != self.config.issuer:
                raise OidcError("de identiteitsprovider noemt een ander issuer dan ingesteld")
            for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
                if not isinstance(data.get(key), str):
                    raise OidcError(f"de identiteitsprovider publiceert geen {key}")
            self._metadata = data
        return self._metadata

    async def _keys(self, *, refresh: bool = False) -> KeySet:
        if self._jwks is None or refresh:
            meta = await self.metadata()
            try:
                async with self._http() as http:
                    response = await http.get(meta["jwks_uri"])
                    response.raise_for_status()
                    self._jwks = response.json()
            except (httpx.HTTPError, ValueError) as exc:
                raise OidcError(
                    "de sleutels van de identiteitsprovider zijn niet op te halen"
                ) from exc
        return KeySet.import_key_set(self._jwks)  # type: ignore[arg-type]

    async def authorization_url(
        self, redirect_uri: str, state: str, pending: PendingOidcLogin
    ) -> str:
        meta = await self.metadata()
        return str(
            prepare_grant_uri(
                meta["authorization_endpoint"],
                self.config.client_id,
                "code",
                redirect_uri=redirect_uri,
                scope=" ".join(self.config.scopes),
                state=state,
                nonce=pending.nonce,
                code_challenge=create_s256_code_challenge(pending.code_verifier),
                code_challenge_method="S256",
            )
        )

    async def _token(self, redirect_uri: str, code: str, verifier: str) -> dict[str, Any]:
        meta = await self.metadata()
        secret = self._secret()
        extra = {} if secret else {"client_id": self.config.client_id}
        body = prepare_token_request(
            "authorization_code",
            code=code,
            redirect_uri=redirect_uri,
            code_verifier=verifier,
            **extra,
        )
        auth = httpx.BasicAuth(self.config.client_id, secret) if secret else None
        try:
            async with self._http() as http:
                response = await http.post(
                    meta["token_endpoint"],
                    content=body,
                    auth=auth,  # type: ignore[arg-type]
                    headers={
                        "Content-Type": "application/x-www-form-urlencoded",
                        "Accept": "application/json",
                    },
                )
                token = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise OidcError(
                f"de identiteitsprovider gaf geen token ({type(exc).__name__})"
            ) from exc
        if response.status_code != 200 or not isinstance(token, dict):
            error = token.get("error") if isinstance(token, dict) else None
            raise OidcError(
                f"de identiteitsprovider weigerde de code ({error or response.status_code})"
            )
        return token

    async def finish(
        self, redirect_uri: str, code: str, pending: PendingOidcLogin
    ) -> dict[str, Any]:
        """Exchange the code and return the ID token's verified claims."""
        meta = await self.metadata()
        token = await self._token(redirect_uri, code, pending.code_verifier)
        id_token = token.get("id_token")
        if not isinstance(id_token, str):
            raise OidcError("de identiteitsprovider gaf geen ID-token")
        algorithms = meta.get("id_token_signing_alg_values_supported") or ["RS256"]
        algorithms = [a for a in algorithms if a != "none"]
        registry = JWSRegistry(algorithms=algorithms)
        try:
            try:
                decoded = jwt.decode(id_token, await self._keys(), registry=registry)
            except JoseError:
                decoded = jwt.decode(id_token, await self._keys(refresh=True), registry=registry)
            claims = CodeIDToken(
                decoded.claims,
                decoded.header,
                {
                    "iss": {"essential": True, "value": self.config.issuer},
                    "aud": {"essential": True, "value": self.config.client_id},
                },
                {
                    "nonce": pending.nonce,
                    "client_id": self.config.client_id,
                    "access_token": token.get("access_token"),
                },
            )
            claims.validate(leeway=60)
        except (JoseError, ValueError) as exc:
            raise OidcError(f"het ID-token is niet geldig ({type(exc).__name__})") from exc
        return dict(claims)

    def identity(self, claims: dict[str, Any], served: dict[str, str]) -> OidcIdentity:
        """Who the claims say logged in; OidcError when they give no known role."""
        sub = claims.get("sub")
        if not isinstance(sub, str) or not sub:
            raise OidcError("het ID-token noemt geen gebruiker (sub)")
        roles = tuple(
            r for r in _WEB_ROLES if r in _claim_list(claims.get(self.config.roles_claim))
        )
        if not roles:
            raise OidcError(
                f"uw account heeft geen rol voor opplus (claim {self.config.roles_claim})"
            )
        codes = set(_claim_list(claims.get(self.config.municipalities_claim)))
        municipalities = tuple(c for c in served if c in codes)
        if "officer" in roles and not municipalities:
            raise OidcError(
                "uw account noemt geen gemeente die deze installatie bedient "
                f"(claim {self.config.municipalities_claim})"
            )
        name = claims.get(self.config.name_claim) or claims.get("preferred_username") or sub
        if re.fullmatch(r"[A-Za-z0-9._@-]{1,59}", sub):
            login = f"oidc:{sub}"
        else:  # a subject we cannot show as it is: a stable digest of it
            login = f"oidc:{hashlib.sha256(sub.encode()).hexdigest()[:40]}"
        return OidcIdentity(login, str(name)[:200], roles, municipalities)
