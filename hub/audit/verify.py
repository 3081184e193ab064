"""Verification of one Merkle log: recompute everything, name the first bad entry.

One streaming pass over the entries, in index order, on a consistent snapshot:

1. the indices run 0, 1, 2... (a gap is a deleted entry, anything else an insertion);
2. each payload still hashes to its stored leaf hash (deleted payloads excepted);
3. each entry's MAC still binds its index, leaf hash and indexed columns (when the
   verifier holds the MAC key) — this names a changed, moved or inserted entry even
   when the attacker recomputed its leaf hash;
4. the leaf hashes are folded into a :class:`~hub.audit.merkle.CompactRange`, which
   gives the root at every checkpoint's size and the subtree hashes the consistency
   proofs need (collected on the fly, so memory stays O(log n) per checkpoint).

Then: the stored tree head equals the recomputed one and its MAC holds; every
checkpoint (stored, and any kept elsewhere) has a valid signature, its root equals the
recomputed root at its size, and an RFC 9162 consistency proof from it to the current
head verifies; the stored subtree hashes (used to serve proofs) are right; and every
deleted payload is covered by a deletion receipt in the same log.

With ``witnessed`` (the checkpoints a witness kept outside the database, see
:mod:`hub.audit.witness`), the newest of them is checked like the stored ones — so a
log cut below it, or rewritten, fails even when the database's own checkpoints were
dropped with it — and each of them must still be among the stored checkpoints.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .checkpoint import Checkpoint
from .findings import Finding, VerifyReport
from .log import COLUMNS, NODE_LEVEL, entry_mac, head_mac_holds
from .merkle import EMPTY_ROOT, CompactRange, consistency_proof, verify_consistency

if TYPE_CHECKING:
    from .log import MerkleLog

__all__ = ["Finding", "VerifyReport", "verify_log"]

_MAX_FINDINGS = 100


@dataclass
class _Findings:
    log: str
    items: list[Finding] = field(default_factory=list)
    more: int = 0

    def add(self, problem: str, index: int | None, detail: str, cp: int | None = None) -> None:
        if len(self.items) < _MAX_FINDINGS:
            self.items.append(Finding(self.log, problem, index, detail, cp))
        else:
            self.more += 1


def _covered(start: int, end: int, ranges: list[list[int]]) -> bool:
    pos = start
    for lo, hi in sorted(ranges):
        if lo <= pos < hi:
            pos = hi
        if pos >= end:
            return True
    return pos >= end


class _Scan:
    """The streaming pass over the entries (the hot loop: keep it lean)."""

    def __init__(self, log: MerkleLog, found: _Findings, sizes: set[int], head_size: int) -> None:
        self.log, self.found, self.sizes = log, found, sizes
        self.tree = CompactRange()
        self.roots: dict[int, bytes] = {0: EMPTY_ROOT}
        self.receipts: dict[int, str] = {}
        self.redacted: list[list[Any]] = []  # runs [start, end, receipt index]
        self.redacted_count = 0
        self.captured: dict[tuple[int, int], bytes] = {}
        # The subtrees the consistency proofs to the head will need: a dry run of
        # proof generation records them, the pass captures their hashes.
        self.needed: set[tuple[int, int]] = set()
        for size in sizes:
            if 0 < size < head_size:
                consistency_proof(size, head_size, self._record)

    def _record(self, level: int, index: int) -> bytes:
        self.needed.add((level, index))
        return EMPTY_ROOT

    def _capture(self, level: int, index: int, value: bytes) -> None:
        if level >= NODE_LEVEL or (level, index) in self.needed:
            self.captured[(level, index)] = value

    def subtree(self, level: int, index: int) -> bytes:
        return self.captured[(level, index)]

    def run(self, rows: Iterable[tuple[Any, ...]]) -> None:
        name, mac_key, found, tree, sizes = (
            self.log.name,
            self.log.mac_key,
            self.found,
            self.tree,
            self.sizes,
        )
        sha256, capture = hashlib.sha256, self._capture
        expected = 0
        for row in rows:
            index = row[0]
            if index != expected:
                if index > expected:
                    found.add("missing", expected, f"entries {expected} to {index - 1} are missing")
                else:
                    found.add("inserted", index, f"entry {index} is not part of the log")
                expected = index
            leaf = bytes(row[1])
            text = row[3]
            if text is not None:
                if sha256(b"\x00" + text.encode("utf-8")).digest() != leaf:
                    found.add(
                        "payload_altered",
                        index,
                        f"entry {index}: payload does not match its leaf hash",
                    )
                elif row[4] == "deletion":
                    self.receipts[index] = text
            else:
                self._redacted(index, row[-1])
            if mac_key is not None:
                mac = row[2]
                if mac is None or entry_mac(mac_key, name, index, leaf, row[4:]) != bytes(mac):
                    found.add(
                        "entry_altered",
                        index,
                        f"entry {index}: changed, moved or inserted (its MAC does not hold)",
                    )
            tree.append(leaf, capture)
            expected += 1
            if tree.size in sizes:
                self.roots[tree.size] = tree.root()

    def _redacted(self, index: int, by: int | None) -> None:
        self.redacted_count += 1
        runs = self.redacted
        if runs and runs[-1][1] == index and runs[-1][2] == by:
            runs[-1][1] = index + 1
        else:
            runs.append([index, index + 1, by])


def _check_head(
    found: _Findings, scan: _Scan, head_size: int, head_frontier: bytes, holds: bool
) -> None:
    n = scan.tree.size
    if n < head_size:
        found.add("truncated", n, f"the tree head says {head_size} entries; {n} are there")
    elif n > head_size:
        found.add("beyond_head", head_size, f"{n - head_size} entries beyond the tree head")
    elif scan.tree.frontier != head_frontier:
        found.add("head_altered", None, "the stored tree head does not match the entries")
    if not holds:
        found.add(
            "head_altered",
            None,
            f"the stored tree head (size {head_size}) was not written by the hub "
            "(its MAC does not hold): entries may have been cut from the end",
        )


def _check_checkpoints(
    found: _Findings,
    log: MerkleLog,
    checkpoints: list[Checkpoint],
    scan: _Scan,
    head_size: int,
    witnessed: frozenset[Checkpoint],
) -> None:
    n, root = scan.tree.size, scan.tree.root()
    good = 0  # every entry below this is covered by a checkpoint that holds
    for cp in checkpoints:
        kind = "witnessed checkpoint" if cp in witnessed else "checkpoint"
        when = f"{kind} of {cp.timestamp} (size {cp.size})"
        if not cp.verify(log.trusted_keys):
            found.add(
                "checkpoint_signature", None, f"{when}: signature invalid or unknown key", cp.size
            )
        elif cp.size > n:
            found.add(
                "truncated",
                n,
                f"{when}: {cp.size} entries signed, the database log has only {n}",
                cp.size,
            )
        elif scan.roots.get(cp.size) != cp.root_hash:
            found.add(
                "checkpoint_root",
                good,
                f"{when}: entries {good} to {cp.size - 1} were changed (root differs)",
                cp.size,
            )
        elif n == head_size and not verify_consistency(
            cp.size, n, cp.root_hash, root, consistency_proof(cp.size, n, scan.subtree)
        ):
            found.add(
                "checkpoint_inconsistent", good, f"{when}: no consistency with the head", cp.size
            )
        else:
            good = max(good, cp.size)


def _check_nodes(found: _Findings, rows: Iterable[tuple[Any, ...]], scan: _Scan) -> None:
    stored = 0
    for level, index, value in rows:
        stored += 1
        if scan.captured.get((int(level), int(index))) != bytes(value):
            first = int(index) << int(level)
            found.add(
                "node_altered",
                None,
                f"stored subtree hash at level {level} from entry {first} is wrong",
            )
    expected = sum(1 for (level, _) in scan.captured if level >= NODE_LEVEL)
    if stored != expected:
        found.add(
            "node_altered", None, f"{expected} stored subtree hashes expected, {stored} found"
        )


def _check_redactions(found: _Findings, scan: _Scan) -> None:
    parsed: dict[int, list[list[int]]] = {}
    for start, end, by in scan.redacted:
        ranges = None
        if by is not None and by in scan.receipts:
            if by not in parsed:
                parsed[by] = json.loads(scan.receipts[by]).get("entries", [])
            ranges = parsed[by]
        if ranges is None or not _covered(start, end, ranges):
            found.add(
                "redaction_unreceipted",
                start,
                f"entries {start} to {end - 1}: payload deleted without a deletion receipt",
            )


def _check_witnessed_stored(
    found: _Findings, stored: set[Checkpoint], witnessed: Sequence[Checkpoint]
) -> None:
    """A checkpoint is stored before it is witnessed: a witnessed one the database
    lacks was deleted or changed there."""
    for cp in witnessed:
        if cp not in stored:
            found.add(
                "checkpoint_dropped",
                None,
                f"witnessed checkpoint of {cp.timestamp} (size {cp.size}) is missing or "
                "changed in the database",
                cp.size,
            )


def verify_log(
    log: MerkleLog,
    *,
    external_checkpoints: Sequence[Checkpoint] = (),
    witnessed: Sequence[Checkpoint] = (),
) -> VerifyReport:
    """Verify ``log`` completely; the report lists what is wrong (empty when all is well).

    ``external_checkpoints``: copies from elsewhere, checked like the stored ones;
    ``witnessed``: what a witness kept of this log (see the module docstring).
    """
    started = time.perf_counter()
    name = log.name
    found = _Findings(name)
    mine = [c for c in witnessed if c.log == name]
    newest = max(mine, key=lambda c: (c.size, c.timestamp), default=None)
    with log.db.snapshot() as r:
        head = r.one("SELECT size, frontier, head_mac FROM audit_logs WHERE name = ?", (name,))
        head_size, head_frontier = (int(head[0]), bytes(head[1])) if head else (0, b"")
        holds = head_mac_holds(
            log.mac_key,
            name,
            head_size,
            head_frontier,
            None if head is None or head[2] is None else bytes(head[2]),
        )
        stored = {
            Checkpoint(row[0], int(row[1]), bytes(row[2]), row[3], row[4], bytes(row[5]))
            for row in r.query(
                "SELECT log, size, root_hash, signed_at, key_id, signature"
                " FROM audit_checkpoints WHERE log = ?",
                (name,),
            )
        }
        _check_witnessed_stored(found, stored, mine)
        checkpoints = [*stored, *(c for c in external_checkpoints if c.log == name)]
        if newest is not None and newest not in stored:
            checkpoints.append(newest)
        checkpoints.sort(key=lambda c: (c.size, c.timestamp))
        scan = _Scan(log, found, {c.size for c in checkpoints}, head_size)
        scan.run(
            r.stream(
                f"SELECT idx, leaf_hash, mac, payload, {', '.join(COLUMNS)}"  # noqa: S608
                " FROM audit_entries WHERE log = ? ORDER BY idx",
                (name,),
            )
        )
        _check_head(found, scan, head_size, head_frontier, holds)
        _check_checkpoints(found, log, checkpoints, scan, head_size, frozenset(mine))
        _check_nodes(
            found,
            r.stream(
                "SELECT level, idx, hash FROM audit_nodes WHERE log = ? ORDER BY level, idx",
                (name,),
            ),
            scan,
        )
    _check_redactions(found, scan)
    return VerifyReport(
        log=name,
        size=scan.tree.size,
        root_hash=scan.tree.root(),
        checkpoints=len(checkpoints),
        redacted=scan.redacted_count,
        seconds=time.perf_counter() - started,
        findings=tuple(found.items),
        more_findings=found.more,
    )
