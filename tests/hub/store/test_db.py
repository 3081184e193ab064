"""The database layer on both backends: migrations, transactions, snapshots, files."""

from __future__ import annotations

import stat
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from hub.store import Database, MigrationError, StorageSettings, StoreError, schema_version
from hub.store.migrations import MIGRATIONS, Migration, apply_migrations
from hub.store.testing import postgres_dsn


def test_migrated_on_open(db: Database) -> None:
    assert schema_version(db) == MIGRATIONS[-1].version
    assert apply_migrations(db) == []  # nothing pending the second time


def test_unknown_migration_state_is_refused(db: Database) -> None:
    db.execute(
        "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)",
        (999, "from the future", "x", "2099-01-01T00:00:00.000000Z"),
    )
    with pytest.raises(MigrationError, match="does not know"):
        apply_migrations(db)


def test_changed_migration_is_refused(db: Database) -> None:
    db.execute("UPDATE schema_migrations SET checksum = ? WHERE version = 1", ("edited",))
    with pytest.raises(MigrationError, match="differs"):
        apply_migrations(db)


def test_pending_migration_without_permission(db: Database) -> None:
    nxt = len(MIGRATIONS) + 1
    extra = (*MIGRATIONS, Migration(nxt, "more", "CREATE TABLE extra (id TEXT PRIMARY KEY)"))
    with pytest.raises(MigrationError, match="needs schema migration"):
        apply_migrations(db, allow=False, migrations=extra)
    assert apply_migrations(db, migrations=extra) == [nxt]
    with pytest.raises(MigrationError):  # the hub without that migration refuses the database
        apply_migrations(db)


def test_transaction_rolls_back_and_nests(db: Database) -> None:
    with pytest.raises(RuntimeError):
        with db.transaction() as tx:
            tx.execute("INSERT INTO legal_holds VALUES (?, ?, ?, ?)", ("s1", "r", "u", "t"))
            raise RuntimeError("boom")
    assert db.query("SELECT COUNT(*) FROM legal_holds") == [(0,)]
    with db.transaction() as outer:
        outer.execute("INSERT INTO legal_holds VALUES (?, ?, ?, ?)", ("s1", "r", "u", "t"))
        with db.transaction() as inner:  # joins the outer transaction
            inner.execute("INSERT INTO legal_holds VALUES (?, ?, ?, ?)", ("s2", "r", "u", "t"))
    assert db.query("SELECT signal_id FROM legal_holds ORDER BY signal_id") == [("s1",), ("s2",)]


def test_snapshot_streams_a_consistent_view(db: Database) -> None:
    with db.transaction() as tx:
        tx.executemany(
            "INSERT INTO legal_holds VALUES (?, ?, ?, ?)",
            [(f"s{i:03}", "r", "u", "t") for i in range(250)],
        )
    with db.snapshot() as snap:
        stream = snap.stream("SELECT signal_id FROM legal_holds ORDER BY signal_id", batch=7)
        first = next(stream)
        db.execute("INSERT INTO legal_holds VALUES (?, ?, ?, ?)", ("zzz", "r", "u", "t"))
        rest = list(stream)
    assert first == ("s000",) and len(rest) == 249  # the later insert is not seen


def test_threads_share_a_database(db: Database) -> None:
    def work(n: int) -> None:
        for i in range(20):
            db.execute("INSERT INTO legal_holds VALUES (?, ?, ?, ?)", (f"t{n}-{i}", "r", "u", "t"))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert db.query("SELECT COUNT(*) FROM legal_holds") == [(80,)]


def test_embedded_default_lives_in_one_private_directory(tmp_path: Path) -> None:
    settings = StorageSettings(data_dir=tmp_path / "opplus")
    with Database.from_settings(settings) as db:
        db.execute("INSERT INTO legal_holds VALUES (?, ?, ?, ?)", ("s", "r", "u", "t"))
    assert stat.S_IMODE((tmp_path / "opplus").stat().st_mode) == 0o700
    files = list((tmp_path / "opplus").iterdir())
    assert files and all(f.name.startswith("opplus.sqlite3") for f in files)
    assert stat.S_IMODE((tmp_path / "opplus" / "opplus.sqlite3").stat().st_mode) == 0o600


def test_bad_urls() -> None:
    with pytest.raises(StoreError, match="scheme"):
        Database("mysql://x/y")
    with pytest.raises(StoreError, match="sqlite:///"):
        Database("sqlite://relative.db")
    with pytest.raises(StoreError, match="schema"):
        Database("postgresql://u@h/d", schema="Bad-Name")


@pytest.mark.postgres
@pytest.mark.skipif(postgres_dsn() is None, reason="OPPLUS_TEST_POSTGRES_DSN not set")
def test_repr_hides_the_password() -> None:
    dsn = postgres_dsn()
    assert dsn is not None
    with Database(dsn, schema="t_repr") as db:
        assert ":***@" in repr(db) or "@" not in dsn
        db.execute('DROP SCHEMA "t_repr" CASCADE')


def test_a_sqlite_store_never_imports_the_postgresql_driver(tmp_path: Path) -> None:
    """psycopg takes tenths of a second to import; a SQLite installation (the embedded
    default, every `opplus enrich` on it) must not pay for it."""
    code = textwrap.dedent(
        f"""
        import sys
        from hub.store import Database
        db = Database({f"sqlite:///{tmp_path / 'x.db'}"!r})
        db.execute("SELECT 1")
        db.close()
        print("psycopg" in sys.modules)
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
