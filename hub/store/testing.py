"""Test helpers: a throw-away database on either backend.

``temporary_database("postgresql", ...)`` needs ``OPPLUS_TEST_POSTGRES_DSN`` (see
``.ci/postgres.sh``) and gives each caller a fresh schema, dropped afterwards.
``BACKENDS`` parametrises a fixture over both backends; the PostgreSQL case is marked
``postgres`` and skipped only when the DSN is absent.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

import psycopg
import pytest

from .db import Database

__all__ = ["BACKENDS", "POSTGRES_DSN_ENV", "postgres_dsn", "temporary_database"]

POSTGRES_DSN_ENV = "OPPLUS_TEST_POSTGRES_DSN"

Backend = Literal["sqlite", "postgresql"]


def postgres_dsn() -> str | None:
    """The test server's DSN, or None when no server is configured."""
    return os.environ.get(POSTGRES_DSN_ENV) or None


BACKENDS: list[Any] = [
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


@contextmanager
def temporary_database(backend: Backend, tmp_dir: Path) -> Iterator[Database]:
    """A migrated, empty database; SQLite in ``tmp_dir`` or a fresh PostgreSQL schema."""
    if backend == "sqlite":
        with Database(f"sqlite:///{tmp_dir.resolve()}/test.sqlite3") as db:
            yield db
        return
    dsn = postgres_dsn()
    if dsn is None:
        pytest.skip(f"{POSTGRES_DSN_ENV} not set")
    schema = f"t_{secrets.token_hex(6)}"
    try:
        with Database(dsn, schema=schema) as db:
            yield db
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
