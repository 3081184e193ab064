"""The opplus schema as numbered migrations, applied in order and recorded.

Each migration is SQL written once for both backends: ``?`` placeholders, and
``{blob}`` / ``{bigint}`` for the two column types that differ. Applied migrations are
recorded in ``schema_migrations`` with a checksum of their SQL; a database that has a
migration this hub does not know (it is newer), or whose recorded checksum differs
(someone edited an applied migration), is refused with :class:`MigrationError`.

Never edit an applied migration: add the next number.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol

from .errors import MigrationError
from .timestamps import format_ts, utc_now

__all__ = ["MIGRATIONS", "Migration", "apply_migrations", "migration_version", "schema_version"]


# What migrating needs of :mod:`.db`, which applies the migrations when it opens a
# database: described here, not imported, so the two modules do not import each other.
class _Dialect(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def blob(self) -> str: ...
    @property
    def bigint(self) -> str: ...


class _Tx(Protocol):
    """A write transaction (:class:`hub.store.db.Tx`)."""

    @property
    def dialect(self) -> _Dialect: ...
    def execute(self, sql: str, params: Sequence[Any] = ()) -> int: ...
    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Any]: ...


class _Database(Protocol):
    """A database (:class:`hub.store.db.Database`)."""

    def transaction(self) -> AbstractContextManager[_Tx]: ...
    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Any]: ...


# Any number; PostgreSQL serialises concurrent migrators on it.
_ADVISORY_LOCK = 7_240_113


@dataclass(frozen=True, slots=True)
class Migration:
    """One numbered step of the schema."""

    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()

    def statements(self, tx: _Tx) -> list[str]:
        text = self.sql.format(blob=tx.dialect.blob, bigint=tx.dialect.bigint)
        return [s.strip() for s in text.split(";") if s.strip()]


_INITIAL = """
CREATE TABLE dossiers (
    id TEXT PRIMARY KEY,
    signal_id TEXT NOT NULL,
    municipality TEXT NOT NULL,
    officer_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    key_id TEXT NOT NULL,
    envelope {blob} NOT NULL
);
CREATE INDEX dossiers_signal ON dossiers (signal_id);
CREATE INDEX dossiers_updated ON dossiers (updated_at);

CREATE TABLE evidence (
    id TEXT PRIMARY KEY,
    dossier_id TEXT NOT NULL,
    signal_id TEXT,
    trace_id TEXT NOT NULL,
    request_id TEXT NOT NULL,
    operation TEXT NOT NULL,
    url TEXT NOT NULL,
    status_code INTEGER NOT NULL,
    media_type TEXT NOT NULL,
    retrieved_at TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    stored_at TEXT NOT NULL,
    key_id TEXT NOT NULL,
    envelope {blob} NOT NULL
);
CREATE INDEX evidence_dossier ON evidence (dossier_id);
CREATE INDEX evidence_request ON evidence (request_id);
CREATE INDEX evidence_stored ON evidence (stored_at);

CREATE TABLE legal_holds (
    signal_id TEXT PRIMARY KEY,
    reason TEXT NOT NULL,
    placed_by TEXT NOT NULL,
    placed_at TEXT NOT NULL
);

CREATE TABLE audit_logs (
    name TEXT PRIMARY KEY,
    size {bigint} NOT NULL,
    frontier {blob} NOT NULL
);

CREATE TABLE audit_entries (
    log TEXT NOT NULL,
    idx {bigint} NOT NULL,
    leaf_hash {blob} NOT NULL,
    mac {blob},
    payload TEXT,
    kind TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    retain_until TEXT,
    trace_id TEXT,
    subject TEXT,
    officer_id TEXT,
    signal_id TEXT,
    connector TEXT,
    confidential INTEGER,
    redacted_by {bigint},
    PRIMARY KEY (log, idx)
);
CREATE INDEX audit_entries_recorded ON audit_entries (log, recorded_at);
CREATE INDEX audit_entries_subject ON audit_entries (subject) WHERE subject IS NOT NULL;
CREATE INDEX audit_entries_officer ON audit_entries (officer_id) WHERE officer_id IS NOT NULL;
CREATE INDEX audit_entries_signal ON audit_entries (signal_id) WHERE signal_id IS NOT NULL;
CREATE INDEX audit_entries_trace ON audit_entries (trace_id) WHERE trace_id IS NOT NULL;
CREATE INDEX audit_entries_connector ON audit_entries (connector) WHERE connector IS NOT NULL;

CREATE TABLE audit_nodes (
    log TEXT NOT NULL,
    level INTEGER NOT NULL,
    idx {bigint} NOT NULL,
    hash {blob} NOT NULL,
    PRIMARY KEY (log, level, idx)
);

CREATE TABLE audit_checkpoints (
    log TEXT NOT NULL,
    size {bigint} NOT NULL,
    signed_at TEXT NOT NULL,
    root_hash {blob} NOT NULL,
    key_id TEXT NOT NULL,
    signature {blob} NOT NULL,
    PRIMARY KEY (log, size, signed_at)
)
"""

# The outbox of forwarding (issue 5): a delivery is recorded before its first attempt;
# workers claim due rows (SKIP LOCKED on PostgreSQL) under a lease, so a crashed worker's
# delivery is taken over once the lease ends. Payloads are encrypted like dossiers.
_OUTBOX = """
CREATE TABLE deliveries (
    id TEXT PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    dossier_id TEXT NOT NULL,
    signal_id TEXT NOT NULL,
    municipality TEXT NOT NULL,
    table_name TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    max_attempts INTEGER NOT NULL,
    next_attempt_at TEXT NOT NULL,
    lease_until TEXT,
    worker TEXT,
    last_error TEXT,
    receipt_reference TEXT,
    receipt_detail TEXT,
    receipt_sha256 TEXT,
    payload_sha256 TEXT NOT NULL,
    confirmed_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    delivered_at TEXT,
    key_id TEXT NOT NULL,
    envelope {blob} NOT NULL
);
CREATE INDEX deliveries_due ON deliveries (state, next_attempt_at);
CREATE INDEX deliveries_dossier ON deliveries (dossier_id);

CREATE TABLE feedback (
    id TEXT PRIMARY KEY,
    delivery_id TEXT NOT NULL,
    dossier_id TEXT NOT NULL,
    signal_id TEXT NOT NULL,
    source TEXT NOT NULL,
    received_at TEXT NOT NULL,
    key_id TEXT NOT NULL,
    envelope {blob} NOT NULL
);
CREATE INDEX feedback_dossier ON feedback (dossier_id)
"""

# The web service: accounts (argon2id password hashes), browser sessions and API
# tokens (both stored as SHA-256 of the secret, never the secret), failed logins for
# throttling, and the short-lived state of OpenID Connect logins.
_WEB = """
CREATE TABLE web_users (
    login TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    roles TEXT NOT NULL,
    municipalities TEXT NOT NULL,
    source TEXT NOT NULL,
    password_hash TEXT,
    disabled INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE web_sessions (
    token_hash TEXT PRIMARY KEY,
    login TEXT NOT NULL,
    via TEXT NOT NULL,
    created_at TEXT NOT NULL,
    seen_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX web_sessions_login ON web_sessions (login);

CREATE TABLE web_api_tokens (
    id TEXT PRIMARY KEY,
    login TEXT NOT NULL,
    label TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT
);
CREATE INDEX web_api_tokens_login ON web_api_tokens (login);

CREATE TABLE web_login_failures (
    throttle_key TEXT NOT NULL,
    failed_at TEXT NOT NULL
);
CREATE INDEX web_login_failures_key ON web_login_failures (throttle_key, failed_at);

CREATE TABLE web_oidc_logins (
    state_hash TEXT PRIMARY KEY,
    browser_hash TEXT NOT NULL,
    nonce TEXT NOT NULL,
    code_verifier TEXT NOT NULL,
    created_at TEXT NOT NULL
)
"""

# Issue 9: the tree head of each log gets a MAC (see hub.audit.log.head_mac), so
# cutting a log's tail and recomputing its head needs the key.
HEAD_MAC_MIGRATION = "MAC over each log's tree head"
_HEAD_MAC = """
ALTER TABLE audit_logs ADD COLUMN head_mac {blob}
"""

# Trust in the web service's roles: table signatures already used (replays refused
# while they could still be valid), the addresses where an account logged in before
# (never hard-locked there), refusals per address and minute (a flood of them is
# summarised in the access log, not written line by line), and municipality changes
# of users that wait for a second administrator.
_WEB_TRUST = """
CREATE TABLE web_signature_replays (
    signature_hash TEXT PRIMARY KEY,
    expires_at TEXT NOT NULL
);
CREATE INDEX web_signature_replays_expires ON web_signature_replays (expires_at);

CREATE TABLE web_login_addresses (
    login TEXT NOT NULL,
    address TEXT NOT NULL,
    last_login_at TEXT NOT NULL,
    PRIMARY KEY (login, address)
);

CREATE TABLE web_refusal_counts (
    address TEXT NOT NULL,
    minute TEXT NOT NULL,
    refused INTEGER NOT NULL,
    PRIMARY KEY (address, minute)
);

CREATE TABLE web_municipality_changes (
    id TEXT PRIMARY KEY,
    login TEXT NOT NULL,
    before_codes TEXT NOT NULL,
    after_codes TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    state TEXT NOT NULL,
    decided_by TEXT,
    decided_at TEXT
);
CREATE INDEX web_municipality_changes_login ON web_municipality_changes (login)
"""

# Issue 12: the case around a signal's dossiers. A case is the sequence of its notes;
# a "status" note carries the status and assignee in bound clear columns (so the list
# can filter without decrypting), every note's text is in an envelope like a dossier.
_CASES = """
CREATE TABLE case_notes (
    id TEXT PRIMARY KEY,
    signal_id TEXT NOT NULL,
    municipality TEXT NOT NULL,
    officer_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT,
    assignee TEXT,
    created_at TEXT NOT NULL,
    key_id TEXT NOT NULL,
    envelope {blob} NOT NULL
);
CREATE INDEX case_notes_signal ON case_notes (signal_id, created_at)
"""

# Issue 12, steps 1 and 2: a colleague's report and the officer's feedback on it, one
# row each; the report's own row has report_id = id. The text is in an envelope.
# Notifications hold no case details (kind and an id), so they are not encrypted.
_REPORTS = """
CREATE TABLE reports (
    id TEXT PRIMARY KEY,
    report_id TEXT NOT NULL,
    municipality TEXT NOT NULL,
    author_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    created_at TEXT NOT NULL,
    key_id TEXT NOT NULL,
    envelope {blob} NOT NULL
);
CREATE INDEX reports_author ON reports (author_id, created_at);
CREATE INDEX reports_municipality ON reports (municipality, created_at);
CREATE TABLE notifications (
    id TEXT PRIMARY KEY,
    municipality TEXT NOT NULL,
    login TEXT NOT NULL,
    kind TEXT NOT NULL,
    ref TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX notifications_municipality ON notifications (municipality, id);
CREATE INDEX notifications_ref ON notifications (kind, ref);
CREATE TABLE notification_reads (
    notification_id TEXT NOT NULL,
    login TEXT NOT NULL,
    read_at TEXT NOT NULL,
    PRIMARY KEY (notification_id, login)
)
"""

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial schema", _INITIAL),
    Migration(2, "forwarding outbox and feedback", _OUTBOX),
    Migration(3, "web accounts, sessions, api tokens, login throttling", _WEB),
    Migration(4, HEAD_MAC_MIGRATION, _HEAD_MAC),
    Migration(5, "web trust: signature replays, login addresses, refusals, approvals", _WEB_TRUST),
    Migration(6, "cases: status, assignee and officer notes per signal", _CASES),
    Migration(7, "intake: colleagues' reports, the feedback on them, notifications", _REPORTS),
)


def _ensure_table(tx: _Tx) -> None:
    tx.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
        " checksum TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )


def _check(applied: dict[int, str], known: tuple[Migration, ...]) -> list[Migration]:
    by_version = {m.version: m for m in known}
    unknown = sorted(set(applied) - set(by_version))
    if unknown:
        raise MigrationError(
            f"the database has schema migration(s) {unknown} that this hub does not know "
            f"(it knows up to {max(by_version)}): is it newer than this hub?"
        )
    for version, checksum in applied.items():
        if by_version[version].checksum != checksum:
            raise MigrationError(
                f"schema migration {version} in the database differs from this hub's "
                "(changed after it was applied)"
            )
    return [m for m in known if m.version not in applied]


def apply_migrations(
    db: _Database, *, allow: bool = True, migrations: tuple[Migration, ...] = MIGRATIONS
) -> list[int]:
    """Apply pending migrations in one transaction; returns the versions applied.

    With ``allow=False`` a pending migration is an error instead.
    """
    with db.transaction() as tx:
        if tx.dialect.name == "postgresql":
            tx.execute("SELECT pg_advisory_xact_lock(?)", (_ADVISORY_LOCK,))
        _ensure_table(tx)
        applied = {
            int(v): str(c) for v, c in tx.query("SELECT version, checksum FROM schema_migrations")
        }
        pending = _check(applied, migrations)
        if pending and not allow:
            raise MigrationError(
                f"the database needs schema migration(s) {[m.version for m in pending]}"
            )
        for migration in pending:
            for statement in migration.statements(tx):
                tx.execute(statement)
            tx.execute(
                "INSERT INTO schema_migrations (version, name, checksum, applied_at)"
                " VALUES (?, ?, ?, ?)",
                (migration.version, migration.name, migration.checksum, format_ts(utc_now())),
            )
        return [m.version for m in pending]


def schema_version(db: _Database) -> int:
    """The highest applied migration (0 for an empty database)."""
    rows = db.query("SELECT MAX(version) FROM schema_migrations")
    return int(rows[0][0] or 0)


def migration_version(name: str) -> int:
    """The number of the migration called ``name`` (numbers may change when branches
    merge; names do not)."""
    return next(m.version for m in MIGRATIONS if m.name == name)
