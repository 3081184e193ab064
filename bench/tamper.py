"""The tamper matrix: what an insider with write access to the database (and no keys)
tries against the logs, and whether ``opplus audit verify`` notices.

    uv run python bench/tamper.py    # SQLite, and PostgreSQL when OPPLUS_TEST_POSTGRES_DSN is set

Each attack gets a fresh scene: three logs with entries, a signed checkpoint handed to
the witness (``<tmp>/witness``), then a few more entries that no checkpoint covers
yet, and an older copy of the database taken before that checkpoint. The attacker
then changes the database with plain SQL and recomputes everything that needs no key
(leaf hashes, subtree hashes, the tree head), using the public algorithm. Detection
is :meth:`hub.audit.AuditTrail.verify` as the auditor runs it, with the witness.

The scene also holds two encrypted dossiers with a stored registry response each, written
through the store log; the dossier-store attacks of
:data:`hub.store.testing.STORE_ATTACKS` (moving a dossier to another municipality,
deleting evidence, damaging an envelope, ...) run on it like the log attacks.

``ATTACKS`` is a list of ``Attack(name, function)``;
``tests/hub/audit/test_tamper_matrix.py`` runs the same list and asserts that every one
is detected and the control is not.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hub.audit import AuditTrail, FileWitness, Pseudonymiser, StoreLedger, TamperDetected
from hub.audit.checkpoint import Checkpoint
from hub.audit.log import NODE_LEVEL
from hub.audit.merkle import CompactRange, leaf_hash
from hub.audit.records import ACCESS_LOG, BRP_LOG, PROCESSING_LOG
from hub.store import Cipher, Database, DossierStore, EvidenceStore
from hub.store.testing import (
    POSTGRES_DSN_ENV,
    STORE_ATTACKS,
    sample_response,
    temporary_database,
)

#: the audit tables a rollback restores
AUDIT_TABLES = ("audit_logs", "audit_entries", "audit_nodes", "audit_checkpoints")
#: entries per log before the older copy, before the checkpoint, and after it
BEFORE_COPY, BEFORE_CHECKPOINT, TAIL = 20, 20, 4


@dataclass
class Scene:
    """A hub's logs after some work, as the attacker finds them."""

    backend: str
    db: Database
    signing_key: Ed25519PrivateKey
    pseudonym_key: bytes
    witness_dir: Path
    #: SQLite: a copy of the database file taken before the witnessed checkpoint
    old_copy: Path | None = None
    #: PostgreSQL: the audit tables' rows at that moment (a dump the attacker kept)
    old_rows: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)
    witnessed_size: int = BEFORE_COPY + BEFORE_CHECKPOINT

    def trail(self) -> AuditTrail:
        """The trail as the auditor's ``opplus audit verify`` opens it."""
        return AuditTrail(
            self.db,
            signing_key=self.signing_key,
            pseudonymiser=Pseudonymiser(self.pseudonym_key),
            witnesses=[FileWitness(self.witness_dir)],
        )


@dataclass(frozen=True)
class Attack:
    name: str
    run: Callable[[Scene], None]
    #: backends it applies to
    backends: tuple[str, ...] = ("sqlite", "postgresql")


def _payload(log: str, i: int) -> dict[str, Any]:
    kind = {PROCESSING_LOG: "processing", ACCESS_LOG: "access", BRP_LOG: "brp_protocol"}[log]
    return {
        "kind": kind,
        "trace_id": f"{i:032x}",
        "signal_id": f"sig-{i % 7}",
        "user_id": "o-hoorn-1",
        "action": "view",
        "n": i,
    }


def _append(trail: AuditTrail, start: int, count: int) -> None:
    for name in (PROCESSING_LOG, ACCESS_LOG, BRP_LOG):
        trail.logs[name].append_many([_payload(name, i) for i in range(start, start + count)])


def _store_dossiers(trail: AuditTrail) -> None:
    """Two dossiers (Enkhuizen, Hoorn) with a stored response each, through the store log."""
    cipher = Cipher(os.urandom(32))
    ledger = StoreLedger(trail.store)
    dossiers = DossierStore(trail.db, cipher, ledger=ledger)
    evidence = EvidenceStore(trail.db, cipher, ledger=ledger)
    for n, municipality in enumerate(("0388", "0405")):
        dossiers.save(f"d-{n}", f"sig-{n}", municipality, "af-1", {"n": n})
        evidence.save(sample_response(n), f"d-{n}", "a" * 32, signal_id=f"sig-{n}")


def _keep_old(scene: Scene, sqlite_path: Path | None, tmp: Path) -> None:
    if sqlite_path is not None:
        scene.old_copy = tmp / "old.sqlite3"
        with sqlite3.connect(sqlite_path) as src, sqlite3.connect(scene.old_copy) as dst:
            src.backup(dst)
        return
    for table in AUDIT_TABLES:
        scene.old_rows[table] = [tuple(r) for r in scene.db.query(f"SELECT * FROM {table}")]


@contextmanager
def scene(backend: str, tmp: Path) -> Iterator[Scene]:
    """A fresh scene on ``backend`` (``sqlite`` or ``postgresql``) in ``tmp``."""
    with temporary_database(backend, tmp) as db:  # type: ignore[arg-type]
        s = Scene(
            backend=backend,
            db=db,
            signing_key=Ed25519PrivateKey.generate(),
            pseudonym_key=os.urandom(32),
            witness_dir=tmp / "witness",
        )
        s.witness_dir.mkdir()
        trail = s.trail()
        _append(trail, 0, BEFORE_COPY)
        _store_dossiers(trail)
        trail.checkpoint()
        _keep_old(s, tmp / "test.sqlite3" if backend == "sqlite" else None, tmp)
        _append(trail, BEFORE_COPY, BEFORE_CHECKPOINT)
        trail.checkpoint()
        _append(trail, s.witnessed_size, TAIL)
        yield s


# -- what the attacker can do without a key ---------------------------------------


def recompute_head(db: Database, log: str) -> None:
    """Rebuild the subtree hashes and the tree head from the stored leaf hashes."""
    tree = CompactRange()
    nodes: list[tuple[str, int, int, bytes]] = []

    def keep(level: int, index: int, value: bytes) -> None:
        if level >= NODE_LEVEL:
            nodes.append((log, level, index, value))

    for (leaf,) in db.query(
        "SELECT leaf_hash FROM audit_entries WHERE log = ? ORDER BY idx", (log,)
    ):
        tree.append(bytes(leaf), keep)
    with db.transaction() as tx:
        tx.execute("DELETE FROM audit_nodes WHERE log = ?", (log,))
        tx.executemany("INSERT INTO audit_nodes (log, level, idx, hash) VALUES (?, ?, ?, ?)", nodes)
        tx.execute(
            "UPDATE audit_logs SET size = ?, frontier = ? WHERE name = ?",
            (tree.size, tree.frontier, log),
        )


def cut(db: Database, log: str, keep: int, *, drop_checkpoints_above: int | None) -> None:
    """Delete every entry from ``keep`` on, the checkpoints that would betray it, and
    recompute the head."""
    db.execute("DELETE FROM audit_entries WHERE log = ? AND idx >= ?", (log, keep))
    if drop_checkpoints_above is not None:
        db.execute(
            "DELETE FROM audit_checkpoints WHERE log = ? AND size > ?",
            (log, drop_checkpoints_above),
        )
    recompute_head(db, log)


def _truncate_recompute_head(s: Scene) -> None:
    half = s.witnessed_size // 2
    cut(s.db, PROCESSING_LOG, half, drop_checkpoints_above=half)


def _truncate_drop_checkpoints(s: Scene) -> None:
    cut(s.db, BRP_LOG, s.witnessed_size // 2, drop_checkpoints_above=-1)


def _delete_last_access(s: Scene) -> None:
    # only the tail no checkpoint covers yet: the witness cannot see these
    cut(s.db, ACCESS_LOG, s.witnessed_size + TAIL - 3, drop_checkpoints_above=None)


def _modify_payload(s: Scene) -> None:
    (text,) = s.db.query(
        "SELECT payload FROM audit_entries WHERE log = ? AND idx = 5", (PROCESSING_LOG,)
    )[0]
    forged = text.replace("o-hoorn-1", "o-enkhuizen-9")
    s.db.execute(
        "UPDATE audit_entries SET payload = ?, leaf_hash = ? WHERE log = ? AND idx = 5",
        (forged, leaf_hash(forged.encode()), PROCESSING_LOG),
    )
    recompute_head(s.db, PROCESSING_LOG)


def _reorder(s: Scene) -> None:
    with s.db.transaction() as tx:
        tx.execute("UPDATE audit_entries SET idx = -1 WHERE log = ? AND idx = 3", (ACCESS_LOG,))
        tx.execute("UPDATE audit_entries SET idx = 3 WHERE log = ? AND idx = 4", (ACCESS_LOG,))
        tx.execute("UPDATE audit_entries SET idx = 4 WHERE log = ? AND idx = -1", (ACCESS_LOG,))
    recompute_head(s.db, ACCESS_LOG)


def _insert(s: Scene) -> None:
    size = s.witnessed_size + TAIL
    with s.db.transaction() as tx:
        for idx in range(size - 1, 6, -1):  # make room at 7, from the top down
            tx.execute(
                "UPDATE audit_entries SET idx = ? WHERE log = ? AND idx = ?",
                (idx + 1, PROCESSING_LOG, idx),
            )
        text = '{"action":"view","kind":"processing","user_id":"o-hoorn-1"}'
        tx.execute(
            "INSERT INTO audit_entries (log, idx, leaf_hash, mac, payload, kind, recorded_at)"
            " VALUES (?, 7, ?, ?, ?, 'processing', '2026-01-01T00:00:00.000000Z')",
            (PROCESSING_LOG, leaf_hash(text.encode()), b"\x00" * 32, text),
        )
    recompute_head(s.db, PROCESSING_LOG)


def _replace_checkpoints(s: Scene) -> None:
    keep = s.witnessed_size // 2
    cut(s.db, PROCESSING_LOG, keep, drop_checkpoints_above=-1)
    size, frontier = s.db.query(
        "SELECT size, frontier FROM audit_logs WHERE name = ?", (PROCESSING_LOG,)
    )[0]
    root = CompactRange.from_frontier(int(size), bytes(frontier)).root()
    own = Checkpoint.sign(
        Ed25519PrivateKey.generate(), PROCESSING_LOG, int(size), root, "2026-01-01T00:00:00Z"
    )
    s.db.execute(
        "INSERT INTO audit_checkpoints (log, size, signed_at, root_hash, key_id, signature)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (own.log, own.size, own.timestamp, own.root_hash, own.key_id, own.signature),
    )


def _drop_newest_checkpoint_row(s: Scene) -> None:
    s.db.execute(
        "DELETE FROM audit_checkpoints WHERE log = ? AND size = ?",
        (ACCESS_LOG, s.witnessed_size),
    )


def _empty_every_log(s: Scene) -> None:
    with s.db.transaction() as tx:
        for table in ("audit_entries", "audit_nodes", "audit_checkpoints"):
            tx.execute(f"DELETE FROM {table}")
        tx.execute("UPDATE audit_logs SET size = 0, frontier = ?, head_mac = NULL", (b"",))


def _roll_back_database(s: Scene) -> None:
    if s.old_copy is not None:  # SQLite: the whole file, as a restored backup
        path = Path(s.db.query("PRAGMA database_list")[0][2])
        with sqlite3.connect(s.old_copy) as src, sqlite3.connect(path) as dst:
            src.backup(dst)
        return
    with s.db.transaction() as tx:  # PostgreSQL: the audit tables from an older dump
        for table, rows in s.old_rows.items():
            tx.execute(f"DELETE FROM {table}")
            if rows:
                marks = ", ".join("?" * len(rows[0]))
                tx.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)


def _nothing(s: Scene) -> None:
    """The control: an untouched scene must verify."""


CONTROL = Attack("no change (control: must verify)", _nothing)

ATTACKS: list[Attack] = [
    Attack("truncate tail + recompute head", _truncate_recompute_head),
    Attack("truncate + drop all checkpoints", _truncate_drop_checkpoints),
    Attack("delete last access-log entries", _delete_last_access),
    Attack("modify an entry payload (+ leaf hash, tree)", _modify_payload),
    Attack("reorder two entries", _reorder),
    Attack("insert an entry", _insert),
    Attack("replace the checkpoint rows (own key)", _replace_checkpoints),
    Attack("drop the newest checkpoint row", _drop_newest_checkpoint_row),
    Attack("empty every log", _empty_every_log),
    Attack("roll the whole database back to an older copy", _roll_back_database),
    *(
        Attack(name, lambda s, attack=attack: attack(s.db))  # type: ignore[misc]
        for name, attack in STORE_ATTACKS
    ),
]


def detected(s: Scene) -> tuple[bool, str]:
    """Whether verification notices, and its first finding."""
    try:
        s.trail().verify()
    except TamperDetected as exc:
        return True, f"{exc.first.log}: {exc.first.detail}" if exc.first else str(exc)
    return False, "verifies"


def try_attack(attack: Attack, backend: str) -> tuple[bool, str]:
    """Run ``attack`` on a fresh scene; ``(detected, first finding)``."""
    tmp = Path(tempfile.mkdtemp(prefix="opplus-tamper-"))
    try:
        with scene(backend, tmp) as s:
            attack.run(s)
            return detected(s)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> int:
    backends = ["sqlite"] + (["postgresql"] if os.environ.get(POSTGRES_DSN_ENV) else [])
    width = max(len(a.name) for a in [CONTROL, *ATTACKS])
    print(f"{'kind tried':<{width}}  " + "".join(f"{b:<12}" for b in backends) + "first finding")
    wrong = 0
    for attack in [CONTROL, *ATTACKS]:
        cells, how = [], ""
        for backend in backends:
            if backend not in attack.backends:
                cells.append(f"{'n/a':<12}")
                continue
            found, detail = try_attack(attack, backend)
            how = how or detail
            if attack is CONTROL:
                label = "FALSE ALARM" if found else "verifies"
            else:
                label = "detected" if found else "MISSED"
            cells.append(f"{label:<12}")
            wrong += found == (attack is CONTROL)
        print(f"{attack.name:<{width}}  " + "".join(cells) + how[:90])
    print("\ndetected = opplus audit verify fails; the control must verify.")
    print("all as expected" if not wrong else f"{wrong} unexpected outcome(s)")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
