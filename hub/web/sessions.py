"""Browser sessions, login throttling and pending OpenID Connect logins, in the database.

A session is a random 256-bit token in a cookie; the database keeps only its SHA-256,
so a copy of the database lets nobody log in. A session ends at logout, after
``session_hours``, after ``idle_minutes`` without a request, and when the user is
disabled or gets a new password.

Throttling counts failed logins per account and client address, with exponential
backoff (see :class:`LoginThrottle`); a throttled attempt is refused without looking
at the password (the refusal is logged like any other).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..store import Database, format_ts, parse_ts, utc_now
from .users import secret_hash

__all__ = ["LoginThrottle", "OidcLogins", "PendingOidcLogin", "Session", "Sessions"]

#: how often a live session's last-seen time is written (not on every request)
_SEEN_EVERY = timedelta(minutes=1)
#: how long a started OpenID Connect login may take
OIDC_LOGIN_TTL = timedelta(minutes=10)


@dataclass(frozen=True)
class Session:
    token_hash: str
    login: str
    via: str
    created_at: datetime
    expires_at: datetime


class Sessions:
    def __init__(self, db: Database, *, lifetime: timedelta, idle: timedelta) -> None:
        self.db = db
        self.lifetime = lifetime
        self.idle = idle

    def create(self, login: str, via: str) -> str:
        """A new session for ``login``; returns the token for the cookie."""
        token = secrets.token_urlsafe(32)
        now = utc_now()
        self.db.execute(
            "INSERT INTO web_sessions (token_hash, login, via, created_at, seen_at, expires_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                secret_hash(token),
                login,
                via,
                format_ts(now),
                format_ts(now),
                format_ts(now + self.lifetime),
            ),
        )
        return token

    def resolve(self, token: str) -> Session | None:
        """The live session of a cookie, or None (ended, expired, idle too long)."""
        if not token or len(token) > 100:
            return None
        digest = secret_hash(token)
        rows = self.db.query(
            "SELECT login, via, created_at, seen_at, expires_at FROM web_sessions"
            " WHERE token_hash = ?",
            (digest,),
        )
        if not rows:
            return None
        login, via, created, seen, expires = rows[0]
        now = utc_now()
        seen_at = parse_ts(str(seen))
        expires_at = parse_ts(str(expires))
        if now >= expires_at or now - seen_at >= self.idle:
            self.db.execute("DELETE FROM web_sessions WHERE token_hash = ?", (digest,))
            return None
        if now - seen_at >= _SEEN_EVERY:
            self.db.execute(
                "UPDATE web_sessions SET seen_at = ? WHERE token_hash = ?",
                (format_ts(now), digest),
            )
        return Session(digest, str(login), str(via), parse_ts(str(created)), expires_at)

    def end(self, token: str) -> None:
        self.db.execute("DELETE FROM web_sessions WHERE token_hash = ?", (secret_hash(token),))

    def prune(self) -> int:
        """Delete expired sessions; returns how many."""
        now = utc_now()
        return self.db.execute(
            "DELETE FROM web_sessions WHERE expires_at <= ? OR seen_at <= ?",
            (format_ts(now), format_ts(now - self.idle)),
        )


#: at an address where the account logged in before, a wait never exceeds this
KNOWN_ADDRESS_MAX_WAIT = timedelta(minutes=1)
#: the first wait after the free failures; each further failure doubles it
_FIRST_WAIT = timedelta(seconds=2)


class LoginThrottle:
    """Failed logins, with exponential backoff.

    Counted per account *and* address: failures from one address slow down logins to
    that account from that address only, so nobody can lock the real user out from
    elsewhere. After ``per_login`` free failures each further one doubles the wait
    (up to the window). At an address where the account logged in before (a known
    address) the wait stays under :data:`KNOWN_ADDRESS_MAX_WAIT`: the right password is
    never locked out there. Elsewhere two more counts apply, each with the same
    backoff: all failures of the account (from ``4 × per_login`` on, against guessing
    from many addresses) and all failures from the address (``per_address``, against
    trying many accounts)."""

    def __init__(
        self, db: Database, *, per_login: int, per_address: int, window: timedelta
    ) -> None:
        self.db = db
        self.per_login = per_login
        self.per_address = per_address
        self.window = window

    @staticmethod
    def _login(login: str) -> str:
        # The login as typed, folded: "Af-Hoorn" and "af-hoorn" count together.
        return login.strip().lower()[:100]

    def _keys(self, login: str, address: str) -> dict[str, str]:
        folded = self._login(login)
        return {
            "pair": f"pair:{folded}|{address}",
            "login": f"login:{folded}",
            "address": f"address:{address}",
        }

    def known_address(self, login: str, address: str) -> bool:
        rows = self.db.query(
            "SELECT 1 FROM web_login_addresses WHERE login = ? AND address = ?",
            (self._login(login), address),
        )
        return bool(rows)

    def _wait(self, key: str, free: int, cap: timedelta, now: datetime) -> int | None:
        rows = self.db.query(
            "SELECT failed_at FROM web_login_failures WHERE throttle_key = ? AND failed_at > ?"
            " ORDER BY failed_at",
            (key, format_ts(now - self.window)),
        )
        if len(rows) < free:
            return None
        wait = min(cap, _FIRST_WAIT * 2 ** min(len(rows) - free, 30))
        left = (parse_ts(str(rows[-1][0])) + wait - now).total_seconds()
        return int(left) + 1 if left > 0 else None

    def retry_after(self, login: str, address: str) -> int | None:
        """Seconds until a login may be tried again, or None when it may be tried now."""
        now = utc_now()
        keys = self._keys(login, address)
        if self.known_address(login, address):
            return self._wait(keys["pair"], self.per_login, KNOWN_ADDRESS_MAX_WAIT, now)
        waits = [
            self._wait(keys["pair"], self.per_login, self.window, now),
            self._wait(keys["login"], 4 * self.per_login, self.window, now),
            self._wait(keys["address"], self.per_address, self.window, now),
        ]
        found = [w for w in waits if w is not None]
        return max(found) if found else None

    def failed(self, login: str, address: str) -> None:
        now = format_ts(utc_now())
        with self.db.transaction() as tx:
            for key in self._keys(login, address).values():
                tx.execute(
                    "INSERT INTO web_login_failures (throttle_key, failed_at) VALUES (?, ?)",
                    (key, now),
                )
            tx.execute(
                "DELETE FROM web_login_failures WHERE failed_at <= ?",
                (format_ts(utc_now() - self.window),),
            )

    def succeeded(self, login: str, address: str) -> None:
        """A good login clears the count of this account at this address (not the
        others) and makes the address a known one for the account."""
        keys = self._keys(login, address)
        now = format_ts(utc_now())
        with self.db.transaction() as tx:
            tx.execute("DELETE FROM web_login_failures WHERE throttle_key = ?", (keys["pair"],))
            tx.execute(
                "INSERT INTO web_login_addresses (login, address, last_login_at) VALUES (?, ?, ?)"
                " ON CONFLICT (login, address) DO UPDATE SET last_login_at = ?",
                (self._login(login), address, now, now),
            )


@dataclass(frozen=True)
class PendingOidcLogin:
    nonce: str
    code_verifier: str


class OidcLogins:
    """Started OpenID Connect logins: state, nonce and PKCE verifier, bound to the
    browser that started them, usable once, for ten minutes."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def begin(self, browser: str) -> tuple[str, PendingOidcLogin]:
        state = secrets.token_urlsafe(32)
        pending = PendingOidcLogin(secrets.token_urlsafe(32), secrets.token_urlsafe(48))
        now = utc_now()
        with self.db.transaction() as tx:
            tx.execute(
                "DELETE FROM web_oidc_logins WHERE created_at <= ?",
                (format_ts(now - OIDC_LOGIN_TTL),),
            )
            tx.execute(
                "INSERT INTO web_oidc_logins"
                " (state_hash, browser_hash, nonce, code_verifier, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (
                    secret_hash(state),
                    secret_hash(browser),
                    pending.nonce,
                    pending.code_verifier,
                    format_ts(now),
                ),
            )
        return state, pending

    def finish(self, state: str, browser: str) -> PendingOidcLogin | None:
        """The pending login of ``state`` (deleted: it cannot be used twice), when the
        same browser started it less than ten minutes ago."""
        if not state or len(state) > 200:
            return None
        digest = secret_hash(state)
        with self.db.transaction() as tx:
            row = tx.one(
                "SELECT browser_hash, nonce, code_verifier, created_at FROM web_oidc_logins"
                " WHERE state_hash = ?",
                (digest,),
            )
            tx.execute("DELETE FROM web_oidc_logins WHERE state_hash = ?", (digest,))
        if row is None:
            return None
        browser_hash, nonce, verifier, created = row
        if browser_hash != secret_hash(browser):
            return None
        if utc_now() - parse_ts(str(created)) > OIDC_LOGIN_TTL:
            return None
        return PendingOidcLogin(str(nonce), str(verifier))
