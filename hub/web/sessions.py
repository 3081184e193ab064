"""Browser sessions, login throttling and pending OpenID Connect logins, in the database.

A session is a random 256-bit token in a cookie; the database keeps only its SHA-256,
so a copy of the database lets nobody log in. A session ends at logout, after
``session_hours``, after ``idle_minutes`` without a request, and when the user is
disabled or gets a new password.

Throttling counts failed logins per account and per client address within a window;
past the limit a login is refused until the oldest failure leaves the window, even
with the right password (the refusal is logged like any other).
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


class LoginThrottle:
    """Failed logins per account and per client address, within a sliding window."""

    def __init__(
        self, db: Database, *, per_login: int, per_address: int, window: timedelta
    ) -> None:
        self.db = db
        self.limits = {"login": per_login, "address": per_address}
        self.window = window

    @staticmethod
    def _keys(login: str, address: str) -> dict[str, str]:
        # The login as typed, folded: "Af-Hoorn" and "af-hoorn" count together.
        return {"login": f"login:{login.strip().lower()[:100]}", "address": f"address:{address}"}

    def retry_after(self, login: str, address: str) -> int | None:
        """Seconds until a login may be tried again, or None when it may be tried now."""
        now = utc_now()
        since = format_ts(now - self.window)
        waits = []
        for kind, key in self._keys(login, address).items():
            rows = self.db.query(
                "SELECT failed_at FROM web_login_failures WHERE throttle_key = ?"
                " AND failed_at > ? ORDER BY failed_at",
                (key, since),
            )
            limit = self.limits[kind]
            if len(rows) >= limit:
                # Free again when enough failures have left the window.
                oldest_needed = parse_ts(str(rows[len(rows) - limit][0]))
                waits.append(int((oldest_needed + self.window - now).total_seconds()) + 1)
        return max(waits) if waits else None

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

    def succeeded(self, login: str) -> None:
        """A good login clears the account's count (not the address's)."""
        key = self._keys(login, "")["login"]
        self.db.execute("DELETE FROM web_login_failures WHERE throttle_key = ?", (key,))


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
