"""The ``store`` log: one entry for every write and deletion of an encrypted record.

An entry's payload::

    {"kind": "store", "action": "write" | "delete" | "adopt",
     "record": "dossier" | "evidence", "record_id": "...",
     "columns": {the bound columns, but ``url``}, "columns_sha256": "...",
     "envelope_sha256": "..." (null for a deletion), "signal_id": "...", "reason": ...}

``columns_sha256`` covers every bound column (a registry URL may hold a postcode, so
it is in the log only through that hash). :mod:`hub.audit.store_check` compares the
tables with the latest entry per record. ``adopt`` entries take in the rows that were
written before this log existed: their version-1 envelopes are resealed to bind their
columns as they are then, and from then on they are checked like any other row.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from hub.store.crypto import Bound, Cipher, envelope_version
from hub.store.db import Database, Tx
from hub.store.errors import DecryptionFailed
from hub.store.ledger import TABLES, StoreWrite, bound_of, envelope_sha256

from .canonical import canonical_json
from .log import MerkleLog

__all__ = ["StoreLedger", "adopt_unlogged", "columns_sha256", "deletion_entries", "store_entry"]

#: the payload kind of every store log entry, and of the adoption marker (entry 0)
STORE_KIND = "store"
ADOPTION_KIND = "store_adoption"
#: bound columns that may carry personal data: in the log only through columns_sha256
_UNLOGGED = frozenset({"url"})
_BATCH = 200


def columns_sha256(record: str, record_id: str, columns: Bound) -> str:
    """The hash of a row's bound columns, as the store log records it."""
    text = canonical_json({"record": record, "id": record_id, "columns": dict(columns)})
    return hashlib.sha256(text).hexdigest()


def store_entry(write: StoreWrite, action: str, reason: str | None = None) -> dict[str, Any]:
    """The store log payload of one write, deletion or adoption."""
    columns = dict(write.columns)
    entry: dict[str, Any] = {
        "kind": STORE_KIND,
        "action": action,
        "record": write.record,
        "record_id": write.record_id,
        "columns": {k: v for k, v in columns.items() if k not in _UNLOGGED},
        "columns_sha256": columns_sha256(write.record, write.record_id, columns),
        "envelope_sha256": write.envelope_sha256,
        "signal_id": columns.get("signal_id"),
        "reason": reason,
    }
    if "officer_id" in columns:
        entry["officer_id"] = columns["officer_id"]
    return entry


class StoreLedger:
    """The stores' ledger callback: appends each write to the store log. The store
    calls it inside the write's transaction, which the append joins."""

    def __init__(self, log: MerkleLog) -> None:
        self.log = log

    def __call__(self, write: StoreWrite) -> None:
        self.log.append(store_entry(write, "write"))


def _rows(tx: Tx, record: str, ids: Sequence[str]) -> list[tuple[Any, ...]]:
    table, columns = TABLES[record]
    marks = ", ".join("?" * len(ids))
    return tx.query(
        f"SELECT id, {', '.join(columns)}, envelope FROM {table} WHERE id IN ({marks})"  # noqa: S608
        " ORDER BY id",
        tuple(ids),
    )


def deletion_entries(
    tx: Tx, record: str, ids: Sequence[str], reason: str
) -> list[Mapping[str, Any]]:
    """The store log entries for rows about to be deleted (read before the DELETE)."""
    entries: list[Mapping[str, Any]] = []
    for start in range(0, len(ids), _BATCH):
        for row in _rows(tx, record, ids[start : start + _BATCH]):
            write = StoreWrite(record, str(row[0]), bound_of(record, row[1:-1]), None)
            entries.append(store_entry(write, "delete", reason))
    return entries


def adopt_unlogged(db: Database, log: MerkleLog, cipher: Cipher) -> int:
    """Once per database: log every row written before the store log existed (entry 0
    marks that this was done), resealing version-1 envelopes with their columns
    bound. A legacy envelope that does not open is left as it is: verification then
    reports it, like any row that does not open. Returns the number of rows adopted."""
    if db.query("SELECT 1 FROM audit_entries WHERE log = ? AND idx = 0", (log.name,)):
        return 0
    with db.transaction() as tx:
        # lock the log head: of two processes starting together, one adopts
        lock = "SELECT size FROM audit_logs WHERE name = ?" + tx.dialect.for_update  # noqa: S608
        tx.one(lock, (log.name,))
        if tx.one("SELECT 1 FROM audit_entries WHERE log = ? AND idx = 0", (log.name,)):
            return 0
        entries: list[Mapping[str, Any]] = []
        for record, (table, _) in TABLES.items():
            ids = [str(r[0]) for r in tx.query(f"SELECT id FROM {table} ORDER BY id")]  # noqa: S608
            for start in range(0, len(ids), _BATCH):
                for row in _rows(tx, record, ids[start : start + _BATCH]):
                    write = _reseal(tx, record, row, cipher)
                    if write is not None:
                        entries.append(store_entry(write, "adopt", "written before the store log"))
        marker = {"kind": ADOPTION_KIND, "count": len(entries)}
        log.append_many([marker, *entries])
    return len(entries)


def _reseal(tx: Tx, record: str, row: tuple[Any, ...], cipher: Cipher) -> StoreWrite | None:
    record_id, bound, envelope = str(row[0]), bound_of(record, row[1:-1]), bytes(row[-1])
    try:
        plaintext = cipher.decrypt(envelope, kind=record, record_id=record_id, bound=bound)
    except DecryptionFailed:
        return None
    if envelope_version(envelope) == 1:
        envelope = cipher.encrypt(plaintext, kind=record, record_id=record_id, bound=bound)
        tx.execute(
            f"UPDATE {TABLES[record][0]} SET envelope = ?, key_id = ? WHERE id = ?",  # noqa: S608
            (envelope, cipher.key_id, record_id),
        )
    return StoreWrite(record, record_id, bound, envelope_sha256(envelope))
