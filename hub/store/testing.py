"""Test helpers: a throw-away database on either backend.

``temporary_database("postgresql", ...)`` needs ``OPPLUS_TEST_POSTGRES_DSN`` (see
``.ci/postgres.sh``) and gives each caller a fresh schema, dropped afterwards.
``BACKENDS`` parametrises a fixture over both backends; the PostgreSQL case is marked
``postgres`` and skipped only when the DSN is absent.

``STORE_ATTACKS``: what someone with write access to the database (and no keys) can do
to the encrypted tables, as ``(name, attack(db))``; each changes the first dossier or
stored response. The tests and the tamper matrix (``bench/tamper.py``) run them.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import psycopg
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from plugins import Evidence

from .crypto import key_id
from .db import Database

__all__ = [
    "BACKENDS",
    "POSTGRES_DSN_ENV",
    "STORE_ATTACKS",
    "Attack",
    "legacy_envelope",
    "postgres_dsn",
    "sample_response",
    "temporary_database",
]

POSTGRES_DSN_ENV = "OPPLUS_TEST_POSTGRES_DSN"

Backend = Literal["sqlite", "postgresql"]


def postgres_dsn() -> str | None:
    """The test server's DSN, or None when no server is configured."""
    return os.environ.get(POSTGRES_DSN_ENV) or None


def _backends() -> list[Any]:
    # pytest is imported here, not at the top: bench/tamper.py and other non-test users
    # of this module must not need it
    import pytest

    return [
        pytest.param("sqlite", id="sqlite"),
        pytest.param(
            "postgresql",
            id="postgresql",
            marks=[
                pytest.mark.postgres,
                pytest.mark.skipif(postgres_dsn() is None, reason=f"{POSTGRES_DSN_ENV} not set"),
            ],
        ),
    ]


if TYPE_CHECKING:
    BACKENDS: list[Any]


def __getattr__(name: str) -> Any:
    """``BACKENDS``, the pytest parameters of both backends, built when first named."""
    if name == "BACKENDS":
        return _backends()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@contextmanager
def temporary_database(backend: Backend, tmp_dir: Path) -> Iterator[Database]:
    """A migrated, empty database; SQLite in ``tmp_dir`` or a fresh PostgreSQL schema."""
    if backend == "sqlite":
        with Database(f"sqlite:///{tmp_dir.resolve()}/test.sqlite3") as db:
            yield db
        return
    dsn = postgres_dsn()
    if dsn is None:
        import pytest  # only a test asks for a PostgreSQL database without a server

        pytest.skip(f"{POSTGRES_DSN_ENV} not set")
    schema = f"t_{secrets.token_hex(6)}"
    try:
        with Database(dsn, schema=schema) as db:
            yield db
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


Attack = Callable[[Database], None]


def sample_response(n: int = 1) -> Evidence:
    """A small registry response (its URL holds a postcode, as BAG's do)."""
    return Evidence(
        operation="GET /adressen",
        request_id=f"req-{n}",
        retrieved_at=datetime(2026, 5, 1, 9, 30, tzinfo=UTC),
        status_code=200,
        media_type="application/json",
        body=f'{{"n": {n}}}'.encode(),
        url="https://bag.example/adressen?postcode=1621AB",
    )


def legacy_envelope(key: bytes, plaintext: bytes, kind: str, record_id: str) -> bytes:
    """A version-1 envelope, as the hub wrote them before it bound clear columns."""
    kid = key_id(key, "encryption").encode()
    nonce = os.urandom(12)
    header = b"OPE\x01" + bytes([len(kid)]) + kid + nonce
    aad = header + kind.encode() + b"\x00" + record_id.encode()
    return header + AESGCM(key).encrypt(nonce, plaintext, aad)


def _first(db: Database, table: str) -> str:
    rows = db.query(f"SELECT id FROM {table} ORDER BY id LIMIT 1")  # noqa: S608
    if not rows:
        raise LookupError(f"no row in {table} to attack")
    return str(rows[0][0])


def _set(table: str, column: str, value: Callable[[Any], Any]) -> Attack:
    def attack(db: Database) -> None:
        row_id = _first(db, table)
        [(old,)] = db.query(f"SELECT {column} FROM {table} WHERE id = ?", (row_id,))  # noqa: S608
        db.execute(f"UPDATE {table} SET {column} = ? WHERE id = ?", (value(old), row_id))  # noqa: S608

    return attack


def _flip(at: int) -> Callable[[Any], bytes]:
    def bend(envelope: Any) -> bytes:
        bent = bytearray(bytes(envelope))
        bent[at] ^= 0x01
        return bytes(bent)

    return bend


def _delete(table: str) -> Attack:
    def attack(db: Database) -> None:
        db.execute(f"DELETE FROM {table} WHERE id = ?", (_first(db, table),))  # noqa: S608

    return attack


def _copy_dossier(db: Database) -> None:
    columns = "signal_id, municipality, officer_id, created_at, updated_at, key_id, envelope"
    db.execute(
        f"INSERT INTO dossiers (id, {columns}) SELECT ?, {columns} FROM dossiers WHERE id = ?",  # noqa: S608
        ("ffffffff-copied-by-hand", _first(db, "dossiers")),
    )


def _other_municipality(old: Any) -> str:
    # Hoorn <-> Enkhuizen: the attack of issue 9
    return "0388" if old == "0405" else "0405"


STORE_ATTACKS: list[tuple[str, Attack]] = [
    ("dossier: municipality changed", _set("dossiers", "municipality", _other_municipality)),
    ("dossier: officer changed", _set("dossiers", "officer_id", lambda old: f"{old}-x")),
    (
        "dossier: updated_at moved (retention)",
        _set("dossiers", "updated_at", lambda _: "2000-01-01T00:00:00.000000Z"),
    ),
    ("dossier: envelope byte flipped", _set("dossiers", "envelope", _flip(-1))),
    ("dossier: envelope truncated", _set("dossiers", "envelope", lambda e: bytes(e)[:30])),
    ("dossier: envelope key id changed", _set("dossiers", "envelope", _flip(6))),
    ("dossier: row deleted", _delete("dossiers")),
    ("dossier: row copied under a new id", _copy_dossier),
    ("evidence: row deleted", _delete("evidence")),
    ("evidence: moved to another dossier", _set("evidence", "dossier_id", lambda old: f"{old}-x")),
    (
        "evidence: stored_at moved (retention)",
        _set("evidence", "stored_at", lambda _: "2000-01-01T00:00:00.000000Z"),
    ),
    ("evidence: envelope byte flipped", _set("evidence", "envelope", _flip(-1))),
]
