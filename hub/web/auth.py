"""Who is asking: the actor of every request, from a session cookie or an API token.

* An API token (``Authorization: Bearer opp_…``) acts as its user, with
  ``client="api"``; every access-log line it causes names the token's id (``detail.token``)
  and its first use each minute gets a ``token.use`` line of its own. An invalid,
  revoked or disabled one is refused (401).
* A session cookie (``opplus_session``: Secure, HttpOnly, SameSite=Lax) acts as its
  user with ``client="web"``; a form posted with it must carry its CSRF token, and the
  JSON API called with it must send that token as ``X-CSRF-Token`` on unsafe methods.
* Anyone else is anonymous: a page sends them to the login page, the API answers 401.

Every refusal here is written to the access log (the use cases log their own). What a
known actor may do is decided by the use cases (:mod:`hub.usecases`), never here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from fastapi import Request
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException

from ..accountability import Actor
from ..usecases import Refused
from .csrf import CSRF_FIELD, CSRF_HEADER, csrf_token, csrf_valid
from .errors import ApiError
from .state import web_state
from .users import User

__all__ = [
    "ANONYMOUS",
    "PRE_COOKIE",
    "SESSION_COOKIE",
    "Caller",
    "CsrfFailed",
    "LoginRequired",
    "api_actor",
    "client_address",
    "identify",
    "page_actor",
    "record_refusal",
    "verified_form",
    "web_state",
]

SESSION_COOKIE = "opplus_session"
#: a random secret of a browser that has not logged in yet, for the CSRF token of the
#: login form and to bind an OpenID Connect login to the browser that started it
PRE_COOKIE = "opplus_pre"
_SAFE = frozenset({"GET", "HEAD", "OPTIONS"})
_MAX_FORM_FIELDS = 200

ANONYMOUS = Actor("anoniem", "niet ingelogd", (), (), client="web")


@dataclass(frozen=True)
class Caller:
    """The result of looking at a request's credentials."""

    actor: Actor | None
    user: User | None = None
    via: Literal["session", "token"] | None = None
    session_token: str | None = None
    pre_secret: str | None = None
    problem: str | None = None  # why presented credentials were not accepted

    @property
    def browser_secret(self) -> str | None:
        return self.session_token or self.pre_secret

    @property
    def csrf(self) -> str:
        secret = self.browser_secret
        return csrf_token(secret) if secret else ""


class LoginRequired(Exception):
    """A page for logged-in users, asked by a visitor: send them to the login page."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class CsrfFailed(Exception):
    """A form without the right CSRF token (or a browser without its cookie)."""


def client_address(request: Request) -> str:
    return request.client.host if request.client else "onbekend"


def _route(request: Request) -> tuple[str, str]:
    route = request.scope.get("route")
    name = getattr(route, "name", None) or "onbekend"
    path = getattr(route, "path", None) or "?"
    return name, f"{request.method} {path}"


def record_refusal(
    request: Request, actor: Actor | None, reason: str, *, action: str | None = None
) -> None:
    """One access-log line for a request refused before the service was asked.

    A caller without a role (anonymous, a failed login, a table's bad signature) can
    send refusals at will: past a number per address and minute they are counted and
    summarised instead (:mod:`hub.web.refusals`)."""
    name, route = _route(request)
    web = web_state(request)
    detail = {"route": route}
    if actor is None or not actor.roles:
        address = client_address(request)
        if not web.refusals.admit(address):
            return
        detail["address"] = address
    who = actor or Actor(
        ANONYMOUS.id,
        ANONYMOUS.name,
        (),
        (),
        client="api" if request.url.path.startswith("/api/") else "web",
    )
    web.context.storage.record_access(
        who, action or name, result="refused", reason=reason, detail=detail
    )


def identify(request: Request) -> Caller:
    """The caller of this request (looked up once per request)."""
    cached = getattr(request.state, "caller", None)
    if cached is not None:
        assert isinstance(cached, Caller)
        return cached
    caller = _identify(request)
    request.state.caller = caller
    return caller


def _identify(request: Request) -> Caller:
    web = web_state(request)
    pre = request.cookies.get(PRE_COOKIE) or None
    header = request.headers.get("authorization")
    if header is not None:
        scheme, _, credentials = header.partition(" ")
        if scheme.lower() != "bearer" or not credentials.strip():
            return Caller(None, problem="Authorization: verwacht 'Bearer <API-token>'")
        found = web.accounts.token_user(credentials.strip())
        if found is None:
            return Caller(None, problem="ongeldig, ingetrokken of uitgeschakeld API-token")
        actor = found.user.actor("api", token=found.token.id)
        if found.first_in_minute:
            # Every line the actor causes names the token; this line also covers the
            # routes that log nothing themselves (at most one a minute per token).
            _, route = _route(request)
            web.context.storage.record_access(actor, "token.use", detail={"route": route})
        return Caller(actor, found.user, "token")
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        session = web.sessions.resolve(token)
        if session is not None:
            account = web.accounts.get(session.login)
            if account is not None and not account.disabled:
                return Caller(account.actor("web"), account, "session", session_token=token)
    return Caller(None, pre_secret=pre)


def api_actor(request: Request) -> Actor:
    """Dependency of every API route that needs a known caller."""
    caller = identify(request)
    if caller.actor is None:
        reason = caller.problem or "niet ingelogd: stuur een API-token of log in"
        record_refusal(request, None, reason)
        raise ApiError(
            401, [("authorization", reason)], headers={"WWW-Authenticate": 'Bearer realm="opplus"'}
        )
    if caller.via == "session" and request.method not in _SAFE:
        if not csrf_valid(caller.session_token, request.headers.get(CSRF_HEADER)):
            reason = "CSRF-token ontbreekt of klopt niet (header X-CSRF-Token)"
            record_refusal(request, caller.actor, reason)
            raise ApiError(403, [(CSRF_HEADER, reason)])
    return caller.actor


def page_actor(request: Request) -> Actor:
    """Dependency of every page for logged-in users (by session; a token is for the API)."""
    caller = identify(request)
    if caller.via == "token":
        reason = "een API-token geldt alleen voor de API (/api/v1), niet voor pagina's"
        record_refusal(request, caller.actor, reason)
        raise Refused(reason)
    if caller.actor is None:
        record_refusal(request, None, caller.problem or "niet ingelogd")
        target = request.url.path
        if request.method == "GET" and request.url.query:
            target += f"?{request.url.query}"
        raise LoginRequired(target if request.method == "GET" else "/")
    return caller.actor


async def verified_form(request: Request) -> FormData:
    """The posted form, after its CSRF token was checked (refusals logged)."""
    caller = identify(request)
    try:
        form = await request.form(max_files=0, max_fields=_MAX_FORM_FIELDS)
    except HTTPException:
        raise  # e.g. 413: the body is larger than allowed
    except Exception as exc:  # a malformed form is bad input
        raise ApiError(400, [("formulier", "het formulier kon niet worden gelezen")]) from exc
    presented = form.get(CSRF_FIELD)
    if not csrf_valid(caller.browser_secret, presented if isinstance(presented, str) else None):
        record_refusal(request, caller.actor, "CSRF-token ontbreekt of klopt niet")
        raise CsrfFailed()
    return form
