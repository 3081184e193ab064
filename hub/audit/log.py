"""An append-only Merkle log in a database table, with signed checkpoints.

Each entry is a JSON payload stored as its RFC 8785 bytes, with its leaf hash
``SHA-256(0x00 || payload)`` stored *beside* it: retention may null the payload, the
leaf hash stays and the tree still verifies. A few payload fields are copied into
columns for search (subject pseudonym, officer, signal, connector, trace); a keyed
MAC over index, leaf hash and those columns lets :meth:`MerkleLog.verify` name the
first changed, moved, inserted or deleted entry, not only notice that the head moved.

Table layout (see :mod:`hub.store.migrations`): ``audit_logs`` holds each log's size
and frontier (the compact range, so an append costs O(log n) and never re-reads the
log), ``audit_entries`` the entries, ``audit_nodes`` the perfect subtree hashes from
level 8 up (proofs read O(log n) of them plus one block of 256 leaf hashes), and
``audit_checkpoints`` the signed tree heads. The head row carries a MAC too
(:func:`head_mac`): without the key nobody can cut the tail and write a matching head,
and an append or checkpoint refuses to build on a head whose MAC does not hold.
Appends lock the log's head row, so
concurrent writers (threads or processes) serialise; :meth:`append_many` commits a
group in one transaction.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from hub.store.db import Database, Tx
from hub.store.keys import public_key_id
from hub.store.migrations import HEAD_MAC_MIGRATION, migration_version
from hub.store.timestamps import format_ts, parse_ts, utc_now

from .canonical import canonical_json
from .checkpoint import Checkpoint
from .errors import CheckpointError, EntryNotFound, RetentionError
from .merkle import (
    CompactRange,
    inclusion_proof,
    leaf_hash,
    leaves_subtree,
    node_hash,
    verify_inclusion,
)

if TYPE_CHECKING:
    from .findings import VerifyReport

__all__ = ["NODE_LEVEL", "InclusionProof", "LogEntry", "MerkleLog", "entry_mac", "head_mac"]

#: perfect subtrees from this level up are stored (one row per 2**8 leaves, and up)
NODE_LEVEL = 8

#: the indexed columns, in MAC order
COLUMNS = (
    "kind",
    "recorded_at",
    "retain_until",
    "trace_id",
    "subject",
    "officer_id",
    "signal_id",
    "connector",
    "confidential",
    "redacted_by",
)
_ENTRY_SELECT = "idx, leaf_hash, mac, payload, " + ", ".join(COLUMNS)


def entry_mac(key: bytes, log: str, index: int, leaf: bytes, columns: Sequence[Any]) -> bytes:
    """The MAC of one entry: binds its position, leaf hash and indexed columns."""
    # json.dumps with default settings: unambiguous, and its fast path (verify runs it 1M times)
    message = json.dumps([log, index, leaf.hex(), *columns])
    return hmac.digest(key, message.encode(), "sha256")


def head_mac(key: bytes, log: str, size: int, frontier: bytes) -> bytes:
    """The MAC of a log's tree head (its size and frontier, hence its root)."""
    # a 4-element list: never equal to an entry's 13-element MAC message
    message = json.dumps(["opplus log head v1", log, size, frontier.hex()])
    return hmac.digest(key, message.encode(), "sha256")


def head_mac_holds(
    key: bytes | None, log: str, size: int, frontier: bytes, mac: bytes | None
) -> bool:
    """Whether a stored head is the hub's own; an empty new log has no MAC yet."""
    if key is None:
        return True
    if mac is None:
        return size == 0
    return hmac.compare_digest(bytes(mac), head_mac(key, log, size, frontier))


def _columns(payload: Mapping[str, Any], recorded_at: str) -> tuple[Any, ...]:
    retain_until = None
    if isinstance(payload.get("retention_days"), int):
        retain_until = format_ts(parse_ts(recorded_at) + timedelta(days=payload["retention_days"]))
    confidential = payload.get("confidential")
    return (
        str(payload["kind"]),
        recorded_at,
        retain_until,
        payload.get("trace_id"),
        payload.get("data_subject_id"),
        # access records name a user, BRP protocol records an officer: one column
        payload.get("officer_id", payload.get("user_id")),
        payload.get("signal_id"),
        payload.get("connector"),
        None if confidential is None else int(bool(confidential)),
        None,
    )


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One entry as stored; ``payload`` is None once retention deleted it.

    ``intact`` is whether the payload still hashes to the leaf (and the MAC holds,
    when the reader has the key) — a quick check; :meth:`MerkleLog.verify` is the full one.
    """

    log: str
    index: int
    leaf_hash: bytes
    recorded_at: str
    kind: str
    payload: dict[str, Any] | None
    redacted_by: int | None = None
    intact: bool = True


@dataclass(frozen=True, slots=True)
class InclusionProof:
    """Proof that an entry is in the log at a signed tree head; checkable by anyone
    with the public key (:meth:`check`, or :func:`hub.audit.merkle.verify_inclusion`)."""

    log: str
    index: int
    tree_size: int
    leaf_hash: bytes
    path: tuple[bytes, ...]
    root_hash: bytes
    checkpoint: Checkpoint
    leaf: bytes | None

    def check(self, public_key: Ed25519PublicKey) -> bool:
        """Leaf data, audit path and checkpoint signature all agree."""
        if self.leaf is not None and leaf_hash(self.leaf) != self.leaf_hash:
            return False
        if (self.checkpoint.size, self.checkpoint.root_hash) != (self.tree_size, self.root_hash):
            return False
        if not self.checkpoint.verify({public_key_id(public_key): public_key}):
            return False
        return verify_inclusion(
            self.leaf_hash, self.index, self.tree_size, self.path, self.root_hash
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "log": self.log,
            "index": self.index,
            "tree_size": self.tree_size,
            "leaf_hash": self.leaf_hash.hex(),
            "path": [p.hex() for p in self.path],
            "root_hash": self.root_hash.hex(),
            "checkpoint": self.checkpoint.to_json(),
            "leaf": None if self.leaf is None else self.leaf.decode("utf-8"),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> InclusionProof:
        """Read :meth:`to_json` back (what a third party does before :meth:`check`)."""
        leaf = data.get("leaf")
        return cls(
            log=str(data["log"]),
            index=int(data["index"]),
            tree_size=int(data["tree_size"]),
            leaf_hash=bytes.fromhex(str(data["leaf_hash"])),
            path=tuple(bytes.fromhex(str(p)) for p in data["path"]),
            root_hash=bytes.fromhex(str(data["root_hash"])),
            checkpoint=Checkpoint.from_json(data["checkpoint"]),
            leaf=None if leaf is None else str(leaf).encode("utf-8"),
        )


class _StoredTree:
    """Subtree hashes read from the database: stored nodes, else a block of leaves."""

    def __init__(self, tx: Tx, log: str, size: int) -> None:
        self._tx, self._log, self._size = tx, log, size
        self._blocks: dict[int, Any] = {}

    def __call__(self, level: int, index: int) -> bytes:
        if level >= NODE_LEVEL:
            row = self._tx.one(
                "SELECT hash FROM audit_nodes WHERE log = ? AND level = ? AND idx = ?",
                (self._log, level, index),
            )
            if row is not None:
                return bytes(row[0])
            return node_hash(self(level - 1, 2 * index), self(level - 1, 2 * index + 1))
        first = index << level
        block = first >> NODE_LEVEL
        sub = self._blocks.get(block)
        if sub is None:
            start = block << NODE_LEVEL
            rows = self._tx.query(
                "SELECT leaf_hash FROM audit_entries WHERE log = ? AND idx >= ? AND idx < ?"
                " ORDER BY idx",
                (self._log, start, min(start + (1 << NODE_LEVEL), self._size)),
            )
            sub = leaves_subtree([bytes(r[0]) for r in rows])
            self._blocks[block] = sub
        return bytes(sub(level, index - ((block << NODE_LEVEL) >> level)))


class MerkleLog:
    """One named append-only log (``processing``, ``access``, ``brp_protocol``...).

    ``signing_key`` signs checkpoints (and is trusted for verifying them, with
    ``trusted_keys``); ``mac_key`` keys the per-entry MAC (None: no MACs written or
    checked, e.g. for a third party verifying with only a public key).
    """

    def __init__(
        self,
        db: Database,
        name: str,
        *,
        signing_key: Ed25519PrivateKey | None = None,
        trusted_keys: Sequence[Ed25519PublicKey] = (),
        mac_key: bytes | None = None,
    ) -> None:
        self.db = db
        self.name = name
        self._signing_key = signing_key
        keys = list(trusted_keys)
        if signing_key is not None:
            keys.append(signing_key.public_key())
        self.trusted_keys = {public_key_id(k): k for k in keys}
        self.mac_key = mac_key
        with db.transaction() as tx:
            tx.execute(
                "INSERT INTO audit_logs (name, size, frontier) VALUES (?, 0, ?)"
                " ON CONFLICT (name) DO NOTHING",
                (name, b""),
            )
            if mac_key is not None and migration_version(HEAD_MAC_MIGRATION) in db.migrated_now:
                self._adopt_head(tx)

    def __repr__(self) -> str:
        return f"MerkleLog({self.name!r})"

    def _adopt_head(self, tx: Tx) -> None:
        """The upgrade that added head MACs ran in this very process: MAC the heads
        written before it, as they are (trust on first use; that migration runs once)."""
        size, frontier, mac = self._head_row(tx)
        if mac is None and self.mac_key is not None:
            mac = head_mac(self.mac_key, self.name, size, frontier)
            tx.execute("UPDATE audit_logs SET head_mac = ? WHERE name = ?", (mac, self.name))

    # -- writing -------------------------------------------------------------------

    def append(self, payload: Mapping[str, Any]) -> LogEntry:
        """Append one payload (must have ``kind``); durable when the transaction commits."""
        return self.append_many([payload])[0]

    def append_many(self, payloads: Sequence[Mapping[str, Any]]) -> list[LogEntry]:
        """Append a group in one transaction: one durable commit for the lot.

        Called inside an open ``db.transaction()`` (same thread), it joins that
        transaction, so a caller can commit log entries with its own changes.
        """
        with self.db.transaction() as tx:
            return self._append(tx, payloads)

    def _head_row(self, tx: Tx) -> tuple[int, bytes, bytes | None]:
        """``(size, frontier, head MAC)`` as stored, locked for the transaction."""
        row = tx.one(
            "SELECT size, frontier, head_mac FROM audit_logs WHERE name = ?"  # noqa: S608
            + tx.dialect.for_update,
            (self.name,),
        )
        if row is None:
            raise EntryNotFound(f"log {self.name!r} does not exist")
        return int(row[0]), bytes(row[1]), None if row[2] is None else bytes(row[2])

    def _head(self, tx: Tx) -> tuple[CompactRange, bool]:
        """The stored head (locked for the transaction) and whether its MAC holds."""
        size, frontier, mac = self._head_row(tx)
        holds = head_mac_holds(self.mac_key, self.name, size, frontier, mac)
        return CompactRange.from_frontier(size, frontier), holds

    def _append(self, tx: Tx, payloads: Sequence[Mapping[str, Any]]) -> list[LogEntry]:
        tree, holds = self._head(tx)
        recorded_at = format_ts(utc_now())
        nodes: list[tuple[str, int, int, bytes]] = []

        def keep(level: int, index: int, value: bytes) -> None:
            if level >= NODE_LEVEL:
                nodes.append((self.name, level, index, value))

        rows: list[tuple[Any, ...]] = []
        entries: list[LogEntry] = []
        for payload in payloads:
            if "kind" not in payload:
                raise ValueError("a log payload needs a 'kind'")
            data = dict(payload)
            data.setdefault("logged_at", recorded_at)
            text = canonical_json(data)
            leaf = leaf_hash(text)
            index = tree.size
            tree.append(leaf, keep)
            columns = _columns(data, recorded_at)
            mac = (
                None
                if self.mac_key is None
                else entry_mac(self.mac_key, self.name, index, leaf, columns)
            )
            rows.append((self.name, index, leaf, mac, text.decode("utf-8"), *columns))
            entries.append(LogEntry(self.name, index, leaf, recorded_at, str(data["kind"]), data))
        tx.executemany(
            f"INSERT INTO audit_entries (log, idx, leaf_hash, mac, payload, {', '.join(COLUMNS)})"  # noqa: S608
            f" VALUES ({', '.join('?' * (5 + len(COLUMNS)))})",
            rows,
        )
        tx.executemany("INSERT INTO audit_nodes (log, level, idx, hash) VALUES (?, ?, ?, ?)", nodes)
        # A head that was not the hub's stays unMACed, so verify keeps reporting it
        # instead of the next append laundering it.
        mac = (
            head_mac(self.mac_key, self.name, tree.size, tree.frontier)
            if self.mac_key is not None and holds
            else None
        )
        tx.execute(
            "UPDATE audit_logs SET size = ?, frontier = ?, head_mac = ? WHERE name = ?",
            (tree.size, tree.frontier, mac, self.name),
        )
        return entries

    def checkpoint(self) -> Checkpoint:
        """Sign the current tree head and store the checkpoint."""
        if self._signing_key is None:
            raise CheckpointError(f"log {self.name!r}: no signing key to make a checkpoint")
        key = self._signing_key
        with self.db.transaction() as t:
            tree, holds = self._head(t)
            if not holds:
                raise CheckpointError(
                    f"log {self.name!r}: the stored tree head was changed outside the hub "
                    "(its MAC does not hold); run opplus audit verify"
                )
            cp = Checkpoint.sign(key, self.name, tree.size, tree.root(), format_ts(utc_now()))
            t.execute(
                "INSERT INTO audit_checkpoints (log, size, signed_at, root_hash, key_id, signature)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (cp.log, cp.size, cp.timestamp, cp.root_hash, cp.key_id, cp.signature),
            )
        return cp

    def redact(self, indices: Iterable[int], receipt: Mapping[str, Any]) -> LogEntry:
        """Delete the payloads of ``indices`` and append ``receipt`` naming them, atomically.

        Leaf hashes stay, so the tree and every checkpoint still verify. Deletion
        receipts themselves are never deleted (:class:`RetentionError`). Joins an open
        transaction like :meth:`append_many`.
        """
        wanted = sorted(set(indices))
        with self.db.transaction() as t:
            receipt_entry = self._append(t, [receipt])[0]
            by = receipt_entry.index
            updates: list[tuple[Any, ...]] = []
            for chunk_start in range(0, len(wanted), 500):
                chunk = wanted[chunk_start : chunk_start + 500]
                marks = ", ".join("?" * len(chunk))
                rows = t.query(
                    f"SELECT idx, leaf_hash, kind, recorded_at, retain_until FROM audit_entries"  # noqa: S608
                    f" WHERE log = ? AND idx IN ({marks})",
                    (self.name, *chunk),
                )
                if len(rows) != len(chunk):
                    raise EntryNotFound(f"log {self.name!r}: some entries to delete do not exist")
                for index, leaf, kind, recorded_at, retain_until in rows:
                    if kind == "deletion":
                        raise RetentionError(
                            f"log {self.name!r}: entry {index} is a deletion receipt"
                        )
                    columns = (
                        kind,
                        recorded_at,
                        retain_until,
                        None,
                        None,
                        None,
                        None,
                        None,
                        None,
                        by,
                    )
                    mac = (
                        None
                        if self.mac_key is None
                        else entry_mac(self.mac_key, self.name, int(index), bytes(leaf), columns)
                    )
                    updates.append((mac, by, self.name, index))
            t.executemany(
                "UPDATE audit_entries SET payload = NULL, trace_id = NULL, subject = NULL,"
                " officer_id = NULL, signal_id = NULL, connector = NULL, confidential = NULL,"
                " mac = ?, redacted_by = ? WHERE log = ? AND idx = ?",
                updates,
            )
        return receipt_entry

    # -- reading -------------------------------------------------------------------

    def head(self) -> tuple[int, bytes]:
        """``(size, root hash)`` of the log now, from the stored frontier."""
        with self.db.transaction() as tx:
            tree, _ = self._head(tx)
        return tree.size, tree.root()

    def size(self) -> int:
        return self.head()[0]

    def checkpoints(self) -> list[Checkpoint]:
        """All stored checkpoints, oldest first."""
        rows = self.db.query(
            "SELECT log, size, root_hash, signed_at, key_id, signature FROM audit_checkpoints"
            " WHERE log = ? ORDER BY size, signed_at",
            (self.name,),
        )
        return [Checkpoint(r[0], int(r[1]), bytes(r[2]), r[3], r[4], bytes(r[5])) for r in rows]

    def entry(self, index: int) -> LogEntry:
        """One entry, with a quick integrity check (``intact``)."""
        rows = self.db.query(
            f"SELECT {_ENTRY_SELECT} FROM audit_entries WHERE log = ? AND idx = ?",  # noqa: S608
            (self.name, index),
        )
        if not rows:
            raise EntryNotFound(f"log {self.name!r} has no entry {index}")
        return self.to_entry(rows[0])

    def to_entry(self, row: Sequence[Any]) -> LogEntry:
        """A :class:`LogEntry` from a row selected as ``idx, leaf_hash, mac, payload,
        <COLUMNS>`` (the order :data:`COLUMNS` gives)."""
        index, leaf, mac, text = int(row[0]), bytes(row[1]), row[2], row[3]
        columns = tuple(row[4:])
        intact = text is None or leaf_hash(text.encode("utf-8")) == leaf
        if self.mac_key is not None:
            expected = entry_mac(self.mac_key, self.name, index, leaf, columns)
            intact = intact and mac is not None and hmac.compare_digest(bytes(mac), expected)
        return LogEntry(
            log=self.name,
            index=index,
            leaf_hash=leaf,
            recorded_at=str(columns[1]),
            kind=str(columns[0]),
            payload=None if text is None else json.loads(text),
            redacted_by=None if columns[-1] is None else int(columns[-1]),
            intact=intact,
        )

    def prove(self, index: int, *, checkpoint: Checkpoint | None = None) -> InclusionProof:
        """An inclusion proof of entry ``index`` at a signed tree head.

        Uses ``checkpoint``, else the latest stored checkpoint that covers the entry,
        else makes a new checkpoint (which needs the signing key).
        """
        if checkpoint is None:
            covering = [c for c in self.checkpoints() if c.size > index]
            checkpoint = covering[-1] if covering else self.checkpoint()
        if not 0 <= index < checkpoint.size:
            raise EntryNotFound(
                f"log {self.name!r}: entry {index} is not under checkpoint {checkpoint.size}"
            )
        with self.db.snapshot() as tx:
            row = tx.one(
                "SELECT leaf_hash, payload FROM audit_entries WHERE log = ? AND idx = ?",
                (self.name, index),
            )
            if row is None:
                raise EntryNotFound(f"log {self.name!r} has no entry {index}")
            path = inclusion_proof(
                index, checkpoint.size, _StoredTree(tx, self.name, checkpoint.size)
            )
        return InclusionProof(
            log=self.name,
            index=index,
            tree_size=checkpoint.size,
            leaf_hash=bytes(row[0]),
            path=tuple(path),
            root_hash=checkpoint.root_hash,
            checkpoint=checkpoint,
            leaf=None if row[1] is None else str(row[1]).encode("utf-8"),
        )

    def verify(self, *, external_checkpoints: Sequence[Checkpoint] = ()) -> VerifyReport:
        """Recompute everything; returns a clean :class:`~hub.audit.verify.VerifyReport`
        or raises :class:`~hub.audit.errors.TamperDetected` naming the first bad entry.

        ``external_checkpoints``: copies kept outside the database (they catch a
        rewrite that also replaced the stored checkpoints).
        """
        from .errors import TamperDetected
        from .verify import verify_log

        report = verify_log(self, external_checkpoints=external_checkpoints)
        if not report.ok:
            raise TamperDetected([report])
        return report
