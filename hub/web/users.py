"""Web accounts: local users (argon2id password hashes), users from the municipality's
identity provider (OpenID Connect), system accounts, and API tokens — hashed at rest.

:class:`Accounts` is the store: it keeps accounts and checks that a value is well-formed
(:class:`AccountError`, naming the field). Who may change what — roles, four eyes,
tokens — is :mod:`hub.usecases.accounts`, shared by ``opplus users ...`` and the pages
and API of ``opplus serve``.

A password or token is shown once, when it is made, and never stored or logged: the
store keeps an argon2id hash of a password and a SHA-256 of a token's secret (a token
is 256 random bits, so a fast hash is as good as a slow one and keeps checks cheap).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from ..accountability import Actor
from ..literals import one_of
from ..store import Database, format_ts, utc_now
from ..usecases.errors import Conflict, Invalid, NotFound, Problem, UseCaseError

__all__ = [
    "ROLES",
    "ROLE_LABELS",
    "TOKEN_PREFIX",
    "AccountError",
    "AccountTaken",
    "Accounts",
    "ApiToken",
    "TokenUse",
    "UnknownAccount",
    "User",
    "UserSource",
    "bootstrap_demo_accounts",
    "generate_password",
    "hash_password",
    "secret_hash",
]

#: officer: enrich and read dossiers of their municipalities; auditor: logs and reports;
#: admin: configuration and users (no dossier contents); monitor: metrics and health;
#: melder: a colleague who reports signals (sees only their own reports, no dossiers)
ROLES = ("officer", "auditor", "admin", "monitor", "melder")
ROLE_LABELS = {
    "officer": "aandachtsfunctionaris",
    "auditor": "auditor",
    "admin": "beheerder",
    "monitor": "monitoring",
    "melder": "melder",
}
UserSource = Literal["local", "oidc", "system"]
USER_SOURCES: tuple[UserSource, ...] = ("local", "oidc", "system")
TOKEN_PREFIX = "opp_"  # noqa: S105 (a prefix, not a secret)

_LOGIN = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,63}$")
#: users of the identity provider: "oidc:" and the subject (no local login has a colon)
_PROVIDER_LOGIN = re.compile(r"^oidc:[A-Za-z0-9._@-]{1,59}$")
_TOKEN = re.compile(r"^opp_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$")

# argon2id with the library's defaults (RFC 9106, low-memory profile).
_hasher = PasswordHasher()
_DUMMY_HASH: str | None = None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def generate_password() -> str:
    """A new password of 20 URL-safe characters (120 random bits)."""
    return secrets.token_urlsafe(15)


def secret_hash(secret: str) -> str:
    """What the store keeps of a session or token secret."""
    return hashlib.sha256(secret.encode()).hexdigest()


def _dummy_verify(password: str) -> None:
    """Spend the time of a real check, so an unknown login does not answer faster."""
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(15))
    try:
        _hasher.verify(_DUMMY_HASH, password)
    except VerificationError:
        pass


class AccountError(Invalid):
    """An account value that cannot be stored (422); ``field`` names the input, the
    message is Dutch. Its subclasses are also the use-case error they are."""

    def __init__(self, field: str, message: str) -> None:
        # not super(): a subclass's other base (NotFound) takes other arguments
        UseCaseError.__init__(self, [Problem(field, message)])

    @property
    def field(self) -> str:
        """The input field, always named for an account value."""
        return self.problems[0].field or ""


class UnknownAccount(AccountError, NotFound):
    """No such user, token or change (404)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(field, message)
        self.kind = "account"
        self.key = ""


class AccountTaken(AccountError, Conflict):
    """The login is taken already (409)."""


@dataclass(frozen=True)
class User:
    login: str
    name: str
    roles: tuple[str, ...]
    municipalities: tuple[str, ...]
    source: UserSource
    disabled: bool
    has_password: bool
    created_at: str
    updated_at: str

    def actor(self, client: str, token: str | None = None) -> Actor:
        return Actor(
            self.login, self.name, self.roles, self.municipalities, client=client, token=token
        )


@dataclass(frozen=True)
class ApiToken:
    id: str
    login: str
    label: str
    created_by: str
    created_at: str
    last_used_at: str | None
    revoked_at: str | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


@dataclass(frozen=True)
class TokenUse:
    """A presented token that is valid: its user, the token, and whether it is the
    token's first use this minute (when its use gets its own access-log line)."""

    user: User
    token: ApiToken
    first_in_minute: bool


_USER_COLUMNS = (
    "login, name, roles, municipalities, source, password_hash, disabled, created_at, updated_at"
)
_TOKEN_COLUMNS = "id, login, label, created_by, created_at, last_used_at, revoked_at"  # noqa: S105


def _split(text: str) -> tuple[str, ...]:
    return tuple(part for part in text.split(",") if part)


def _user(row: tuple[object, ...]) -> User:
    login, name, roles, municipalities, source, password_hash, disabled, created, updated = row
    return User(
        login=str(login),
        name=str(name),
        roles=_split(str(roles)),
        municipalities=_split(str(municipalities)),
        source=one_of(source, USER_SOURCES, "users.source"),
        disabled=bool(disabled),
        has_password=password_hash is not None,
        created_at=str(created),
        updated_at=str(updated),
    )


class Accounts:
    """Users and API tokens in the hub's database."""

    def __init__(self, db: Database, municipalities: Mapping[str, str]) -> None:
        self.db = db
        self.municipalities = dict(municipalities)

    # -- users ---------------------------------------------------------------------

    def get(self, login: str) -> User | None:
        rows = self.db.query(
            f"SELECT {_USER_COLUMNS} FROM web_users WHERE login = ?",  # noqa: S608
            (login,),
        )
        return _user(rows[0]) if rows else None

    def require(self, login: str) -> User:
        user = self.get(login)
        if user is None:
            raise UnknownAccount("login", f"onbekende gebruiker {login!r}")
        return user

    def all(self) -> list[User]:
        rows = self.db.query(
            f"SELECT {_USER_COLUMNS} FROM web_users ORDER BY login"  # noqa: S608
        )
        return [_user(row) for row in rows]

    def count(self) -> int:
        return int(self.db.query("SELECT COUNT(*) FROM web_users")[0][0])

    def validate(
        self,
        login: str,
        name: str,
        roles: Iterable[str],
        municipalities: Iterable[str],
        *,
        provider: bool = False,
        awaiting_approval: bool = False,
    ) -> tuple[str, str, tuple[str, ...], tuple[str, ...]]:
        """The cleaned values, or AccountError naming the first bad field.
        ``awaiting_approval``: an officer may have none yet (a change is pending)."""
        login = login.strip()
        if not (_PROVIDER_LOGIN if provider else _LOGIN).match(login):
            raise AccountError(
                "login",
                "2 tot 64 tekens: kleine letters, cijfers en . _ @ -, beginnend met een "
                "letter of cijfer",
            )
        name = name.strip()
        if not name or len(name) > 200:
            raise AccountError("name", "geef een naam van 1 tot 200 tekens")
        role_set = {r.strip() for r in roles if r.strip()}
        unknown = sorted(role_set - set(ROLES))
        if unknown:
            raise AccountError("roles", f"onbekende rol {unknown} (bekend: {', '.join(ROLES)})")
        if not role_set:
            raise AccountError("roles", "kies minstens één rol")
        codes = {m.strip() for m in municipalities if m.strip()}
        not_served = sorted(codes - set(self.municipalities))
        if not_served:
            raise AccountError(
                "municipalities",
                f"gemeentecode {', '.join(not_served)} wordt door deze installatie niet bediend",
            )
        if "officer" in role_set and not codes and not awaiting_approval:
            raise AccountError(
                "municipalities", "een aandachtsfunctionaris werkt voor minstens één gemeente"
            )
        if "melder" in role_set and not codes and not awaiting_approval:
            # a report goes to the officers of the colleague's municipality
            raise AccountError("municipalities", "een melder werkt voor minstens één gemeente")
        ordered_roles = tuple(r for r in ROLES if r in role_set)
        ordered_codes = tuple(c for c in self.municipalities if c in codes)
        return login, name, ordered_roles, ordered_codes

    def add(
        self,
        login: str,
        name: str,
        roles: Iterable[str],
        municipalities: Iterable[str],
        *,
        source: UserSource = "local",
        password: str | None = None,
        awaiting_approval: bool = False,
    ) -> User:
        """Create a user; AccountError when a field is bad or the login is taken."""
        login, name, role_t, codes = self.validate(
            login, name, roles, municipalities, awaiting_approval=awaiting_approval
        )
        now = format_ts(utc_now())
        hashed = hash_password(password) if password is not None else None
        with self.db.transaction() as tx:
            inserted = tx.execute(
                f"INSERT INTO web_users ({_USER_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)"  # noqa: S608
                " ON CONFLICT (login) DO NOTHING",
                (login, name, ",".join(role_t), ",".join(codes), source, hashed, now, now),
            )
        if not inserted:
            raise AccountTaken("login", f"de gebruikersnaam {login!r} bestaat al")
        return self.require(login)

    def sync_from_provider(
        self, login: str, name: str, roles: Iterable[str], municipalities: Iterable[str]
    ) -> User:
        """Create or update a user of the identity provider: its roles and municipalities
        are the provider's, each login; a disabled user stays disabled."""
        login, name, role_t, codes = self.validate(
            login, name, roles, municipalities, provider=True
        )
        now = format_ts(utc_now())
        with self.db.transaction() as tx:
            existing = tx.one("SELECT source FROM web_users WHERE login = ?", (login,))
            if existing is not None and existing[0] != "oidc":
                raise AccountError("login", f"{login!r} is geen account van de identiteitsprovider")
            if existing is None:
                tx.execute(
                    f"INSERT INTO web_users ({_USER_COLUMNS})"  # noqa: S608
                    " VALUES (?, ?, ?, ?, 'oidc', NULL, 0, ?, ?)",
                    (login, name, ",".join(role_t), ",".join(codes), now, now),
                )
            else:
                tx.execute(
                    "UPDATE web_users SET name = ?, roles = ?, municipalities = ?, updated_at = ?"
                    " WHERE login = ?",
                    (name, ",".join(role_t), ",".join(codes), now, login),
                )
        return self.require(login)

    def set_disabled(self, login: str, disabled: bool) -> User:
        """Disable or enable a user. Either way every session ends and every API token
        is revoked: an enabled account starts without credentials from before, so
        re-enabling never revives a token (or session) someone may still hold. Asking
        for the state the account is already in changes nothing."""
        if self.require(login).disabled == disabled:
            return self.require(login)
        now = format_ts(utc_now())
        with self.db.transaction() as tx:
            tx.execute(
                "UPDATE web_users SET disabled = ?, updated_at = ? WHERE login = ?",
                (int(disabled), now, login),
            )
            tx.execute("DELETE FROM web_sessions WHERE login = ?", (login,))
            tx.execute(
                "UPDATE web_api_tokens SET revoked_at = ? WHERE login = ? AND revoked_at IS NULL",
                (now, login),
            )
        return self.require(login)

    def set_municipalities(self, login: str, codes: tuple[str, ...]) -> None:
        """Store checked gemeentecodes (who may: :mod:`hub.usecases.accounts`)."""
        self.db.execute(
            "UPDATE web_users SET municipalities = ?, updated_at = ? WHERE login = ?",
            (",".join(codes), format_ts(utc_now()), login),
        )

    def set_password(self, login: str, password: str) -> None:
        """A new password for a local user; every session of theirs ends."""
        user = self.require(login)
        if user.source != "local":
            raise AccountError("login", f"{login!r} logt niet in met een wachtwoord")
        hashed = hash_password(password)
        with self.db.transaction() as tx:
            tx.execute(
                "UPDATE web_users SET password_hash = ?, updated_at = ? WHERE login = ?",
                (hashed, format_ts(utc_now()), login),
            )
            tx.execute("DELETE FROM web_sessions WHERE login = ?", (login,))

    def authenticate(self, login: str, password: str) -> User | None:
        """The user, when the password is theirs and they may log in; else None (in
        about the same time whether or not the login exists)."""
        rows = self.db.query(
            "SELECT password_hash, disabled, source FROM web_users WHERE login = ?", (login,)
        )
        if not rows or rows[0][0] is None:
            _dummy_verify(password)
            return None
        hashed, disabled, source = str(rows[0][0]), bool(rows[0][1]), rows[0][2]
        try:
            _hasher.verify(hashed, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return None
        if disabled or source != "local":
            return None
        if _hasher.check_needs_rehash(hashed):
            self.db.execute(
                "UPDATE web_users SET password_hash = ? WHERE login = ?",
                (hash_password(password), login),
            )
        return self.get(login)

    # -- API tokens ------------------------------------------------------------------

    def create_token(self, login: str, label: str, created_by: str) -> tuple[ApiToken, str]:
        """A new token acting as ``login``; returns it with its text (shown once)."""
        self.require(login)
        label = label.strip()
        if not label or len(label) > 100:
            raise AccountError("label", "geef een omschrijving van 1 tot 100 tekens")
        token_id = secrets.token_hex(6)
        secret = secrets.token_urlsafe(32)
        now = format_ts(utc_now())
        self.db.execute(
            f"INSERT INTO web_api_tokens ({_TOKEN_COLUMNS}, secret_hash)"  # noqa: S608
            " VALUES (?, ?, ?, ?, ?, NULL, NULL, ?)",
            (token_id, login, label, created_by, now, secret_hash(secret)),
        )
        token = self.token(token_id)
        assert token is not None
        return token, f"{TOKEN_PREFIX}{token_id}_{secret}"

    def token(self, token_id: str) -> ApiToken | None:
        rows = self.db.query(
            f"SELECT {_TOKEN_COLUMNS} FROM web_api_tokens WHERE id = ?",  # noqa: S608
            (token_id,),
        )
        return ApiToken(*rows[0]) if rows else None

    def tokens(self, login: str | None = None) -> list[ApiToken]:
        sql = f"SELECT {_TOKEN_COLUMNS} FROM web_api_tokens"  # noqa: S608
        params: tuple[str, ...] = ()
        if login is not None:
            sql += " WHERE login = ?"
            params = (login,)
        rows = self.db.query(sql + " ORDER BY created_at, id", params)
        return [ApiToken(*row) for row in rows]

    def revoke_token(self, token_id: str) -> ApiToken:
        if self.token(token_id) is None:
            raise UnknownAccount("token_id", f"onbekend API-token {token_id!r}")
        self.db.execute(
            "UPDATE web_api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
            (format_ts(utc_now()), token_id),
        )
        token = self.token(token_id)
        assert token is not None
        return token

    def token_user(self, text: str) -> TokenUse | None:
        """The user a presented token acts as, when it is valid, not revoked and its
        user not disabled; else None."""
        match = _TOKEN.match(text)
        if not match:
            return None
        token_id, secret = match.groups()
        rows = self.db.query(
            "SELECT secret_hash, login, revoked_at, last_used_at FROM web_api_tokens WHERE id = ?",
            (token_id,),
        )
        if not rows or not hmac.compare_digest(str(rows[0][0]), secret_hash(secret)):
            return None
        if rows[0][2] is not None:
            return None
        user = self.get(str(rows[0][1]))
        if user is None or user.disabled:
            return None
        now = utc_now()
        last = rows[0][3]
        first_in_minute = last is None or str(last) < format_ts(now)[:16]
        if first_in_minute:
            self.db.execute(
                "UPDATE web_api_tokens SET last_used_at = ? WHERE id = ?",
                (format_ts(now), token_id),
            )
        token = self.token(token_id)
        assert token is not None
        return TokenUse(user, token, first_in_minute)


#: the accounts of the embedded default's first start (the officer works for Hoorn)
DEMO_ACCOUNTS = (
    ("beheerder", "Demo beheerder", ("admin",), ()),
    ("af-hoorn", "Demo aandachtsfunctionaris Hoorn", ("officer",), ("0405",)),
    ("auditor", "Demo auditor (FG)", ("auditor",), ()),
)


def bootstrap_demo_accounts(accounts: Accounts) -> list[tuple[User, str]]:
    """On the first start (no users at all): the demo administrator, officer (Hoorn)
    and auditor, with generated passwords — returned once, for the caller to print."""
    if accounts.count():
        return []
    created = []
    for login, name, roles, municipalities in DEMO_ACCOUNTS:
        if "0405" in municipalities and "0405" not in accounts.municipalities:
            continue
        password = generate_password()
        try:
            user = accounts.add(login, name, roles, municipalities, password=password)
        except AccountError:
            continue  # a concurrent first start made it; its passwords are printed there
        created.append((user, password))
    return created
