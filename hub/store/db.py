"""One database API over SQLite (embedded default) and PostgreSQL (production).

All SQL in the hub is written once, with ``?`` placeholders and the column types
``{blob}`` / ``{bigint}`` in migrations; the tiny :class:`Dialect` turns it into what
each backend wants. The API is synchronous and thread-safe: one connection per
:class:`Database`, guarded by a lock held for a whole transaction (the async engine
calls it through ``asyncio.to_thread``). Long reads (log verification, search) use
:meth:`Database.snapshot`, a consistent read view on a connection of its own, so they
do not block appends.

SQL text is only ever built from constant identifiers (column lists, table names of
this package); values always go through placeholders. That is why some statements
carry ``# noqa: S608``.

URLs: ``sqlite:///relative.db``, ``sqlite:////absolute.db``, ``sqlite:///:memory:``,
``postgresql://user:password@host:5432/dbname``.
"""

from __future__ import annotations

import itertools
import os
import re
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

from .errors import StoreError
from .migrations import apply_migrations
from .settings import StorageSettings

__all__ = ["Database", "Dialect", "Tx"]

Params = Sequence[Any]
Row = tuple[Any, ...]

_SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
_cursor_names = itertools.count(1)


@dataclass(frozen=True, slots=True)
class Dialect:
    """What differs between the backends, and nothing else."""

    name: Literal["sqlite", "postgresql"]
    blob: str
    bigint: str
    #: appended to a SELECT that must lock the row until commit (SQLite locks the file)
    for_update: str

    def sql(self, statement: str) -> str:
        """Rewrite ``?`` placeholders for the backend."""
        if self.name == "postgresql":
            return statement.replace("?", "%s")
        return statement


SQLITE = Dialect(name="sqlite", blob="BLOB", bigint="INTEGER", for_update="")
POSTGRES = Dialect(name="postgresql", blob="BYTEA", bigint="BIGINT", for_update=" FOR UPDATE")


class Tx:
    """One transaction (or read snapshot): run statements, fetch rows."""

    def __init__(self, conn: Any, dialect: Dialect) -> None:
        self._conn = conn
        self.dialect = dialect

    def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; returns the number of rows it changed."""
        cur = self._conn.execute(self.dialect.sql(sql), tuple(params))
        return int(cur.rowcount)

    def executemany(self, sql: str, rows: Sequence[Params]) -> None:
        """Run one statement for each row of parameters."""
        if not rows:
            return
        if self.dialect.name == "postgresql":
            with self._conn.cursor() as cur:
                cur.executemany(self.dialect.sql(sql), rows)
        else:
            self._conn.executemany(sql, rows)

    def query(self, sql: str, params: Params = ()) -> list[Row]:
        """All rows of a query."""
        cur = self._conn.execute(self.dialect.sql(sql), tuple(params))
        return [tuple(row) for row in cur.fetchall()]

    def one(self, sql: str, params: Params = ()) -> Row | None:
        """The first row of a query, or None."""
        cur = self._conn.execute(self.dialect.sql(sql), tuple(params))
        row = cur.fetchone()
        return None if row is None else tuple(row)

    def stream(self, sql: str, params: Params = (), *, batch: int = 10_000) -> Iterator[Row]:
        """Rows of a large query, fetched ``batch`` at a time (server-side on PostgreSQL)."""
        if self.dialect.name == "postgresql":
            with self._conn.cursor(name=f"opplus_stream_{next(_cursor_names)}") as cur:
                cur.itersize = batch
                cur.execute(self.dialect.sql(sql), tuple(params))
                yield from cur
        else:
            cur = self._conn.execute(sql, tuple(params))
            try:
                while rows := cur.fetchmany(batch):
                    yield from rows
            finally:
                cur.close()


class Database:
    """A SQLite or PostgreSQL database with the opplus schema, migrated on open.

    ``schema`` (PostgreSQL only) puts every table in that schema, created when missing:
    tests give each test a fresh one. ``migrate=False`` refuses to open a database
    that needs migrating instead of migrating it (:class:`MigrationError`).
    """

    def __init__(self, url: str, *, schema: str | None = None, migrate: bool = True) -> None:
        self._url = url  # may hold a password: never log it, repr() redacts it
        self.schema = schema
        self._lock = threading.RLock()
        self._depth = 0
        self._path: str | None = None
        scheme = urlsplit(url).scheme
        if scheme == "sqlite":
            self.dialect = SQLITE
            self._path = _sqlite_path(url)
            if schema is not None:
                raise StoreError("a schema can only be chosen on PostgreSQL")
        elif scheme in ("postgresql", "postgres"):
            self.dialect = POSTGRES
            if schema is not None and not _SCHEMA_NAME.match(schema):
                raise StoreError(f"invalid schema name {schema!r}")
        else:
            raise StoreError(f"unsupported database URL scheme {scheme!r} (sqlite or postgresql)")
        self._conn: Any = self._connect(create=True)
        try:
            #: the migrations this open applied (a one-time upgrade step may key on it)
            self.migrated_now: tuple[int, ...] = tuple(apply_migrations(self, allow=migrate))
        except BaseException:
            self.close()
            raise

    @classmethod
    def from_settings(cls, settings: StorageSettings) -> Database:
        """Open the database the settings name (the embedded default in ``data_dir``)."""
        url = settings.database_url()
        if settings.url is None:
            settings.ensure_data_dir()
        return cls(url)

    def __repr__(self) -> str:
        return f"Database({_redact(self._url)!r})"

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        """A write transaction; commits on success, rolls back on error.

        A transaction opened while this thread already holds one joins it, so a
        library call can take an outer transaction or make its own.
        """
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield Tx(self._live(), self.dialect)
                finally:
                    self._depth -= 1
                return
            conn = self._live()
            self._depth = 1
            try:
                if self.dialect.name == "sqlite":
                    conn.execute("BEGIN IMMEDIATE")
                    try:
                        yield Tx(conn, self.dialect)
                        conn.execute("COMMIT")
                    except BaseException:
                        if conn.in_transaction:
                            conn.execute("ROLLBACK")
                        raise
                else:
                    with conn.transaction():
                        yield Tx(conn, self.dialect)
            finally:
                self._depth = 0

    @contextmanager
    def snapshot(self) -> Iterator[Tx]:
        """A consistent, read-only view on a connection of its own (for long reads)."""
        if self._path == ":memory:":
            with self.transaction() as tx:
                yield tx
            return
        conn = self._connect(create=False)
        try:
            if self.dialect.name == "sqlite":
                conn.execute("BEGIN")
                try:
                    yield Tx(conn, self.dialect)
                finally:
                    conn.execute("ROLLBACK")
            else:
                with conn.transaction():
                    conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    yield Tx(conn, self.dialect)
        finally:
            conn.close()

    def query(self, sql: str, params: Params = ()) -> list[Row]:
        """Run one query in a transaction of its own."""
        with self.transaction() as tx:
            return tx.query(sql, params)

    def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement in a transaction of its own."""
        with self.transaction() as tx:
            return tx.execute(sql, params)

    # -- connections ---------------------------------------------------------------

    def _live(self) -> Any:
        if self._conn is None:
            raise StoreError("the database is closed")
        if self.dialect.name == "postgresql" and self._conn.broken:
            self._conn = self._connect(create=False)
        return self._conn

    def _connect(self, *, create: bool) -> Any:
        if self.dialect.name == "sqlite":
            assert self._path is not None
            if self._path != ":memory:" and create:
                _create_private_file(Path(self._path))
            conn = sqlite3.connect(
                self._path, isolation_level=None, check_same_thread=False, timeout=30.0
            )
            conn.execute("PRAGMA busy_timeout = 30000")
            if self._path != ":memory:":
                conn.execute("PRAGMA journal_mode = WAL")
            # FULL: a commit is on disk when it returns (the logs promise durability).
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
            return conn
        import psycopg  # only a PostgreSQL store pays for the driver (~0.3 s to import)

        try:
            pg = psycopg.connect(self._url, autocommit=True, connect_timeout=10)
        except psycopg.OperationalError as exc:
            raise StoreError(f"cannot connect to {_redact(self._url)}: {exc}") from exc
        if self.schema is not None:
            if create:
                pg.execute(f'CREATE SCHEMA IF NOT EXISTS "{self.schema}"')
            pg.execute(f'SET search_path TO "{self.schema}"')
        return pg


def _sqlite_path(url: str) -> str:
    # sqlite:///relative/path, sqlite:////absolute/path (the SQLAlchemy convention)
    rest = url[len("sqlite:") :]
    if not rest.startswith("///"):
        raise StoreError("a SQLite URL looks like sqlite:///path/to/file.db")
    path = rest[3:]
    if not path:
        raise StoreError("a SQLite URL needs a file path (or :memory:)")
    return path


def _create_private_file(path: Path) -> None:
    """Create the database file 0600 before SQLite does (its WAL files copy the mode)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    os.close(fd)


def _redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url
