"""Retention: delete what is due per data class, record it, honour legal holds.

Data classes and where their clock runs:

* ``dossier`` — ``dossiers.updated_at``; ``raw_responses`` — ``evidence.stored_at``:
  rows are deleted, a :class:`~hub.audit.records.DeletionReceipt` listing their ids
  goes to the access log, and a deletion entry per row to the store log (so that a
  retention delete is told apart from a silent one, :mod:`hub.audit.store_check`);
* ``processing_log``, ``access_log``, ``brp_protocol`` — the entry's log time (or the
  retention its processing activity carried): the payload and its search columns are
  deleted, the leaf hash stays (the tree and every checkpoint still verify), and a
  receipt naming the entry ranges goes to the same log.

Anything tied to a signal under a legal hold is kept, in every class. Receipts are
never deleted. Each class is deleted and receipted in one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from hub.store.db import Database, Tx
from hub.store.timestamps import days_before, format_ts, utc_now

from .log import LogEntry
from .records import ACCESS_LOG, BRP_LOG, PROCESSING_LOG, DeletionReceipt
from .settings import RetentionSettings
from .store_log import deletion_entries
from .trail import AuditTrail

__all__ = ["DATA_CLASSES", "LegalHold", "LegalHolds", "Retention", "RetentionReport"]

DATA_CLASSES = ("dossier", "raw_responses", "processing_log", "access_log", "brp_protocol")
_LOG_OF_CLASS = {
    "processing_log": PROCESSING_LOG,
    "access_log": ACCESS_LOG,
    "brp_protocol": BRP_LOG,
}
_NOT_HELD = "NOT IN (SELECT signal_id FROM legal_holds)"


@dataclass(frozen=True, slots=True)
class LegalHold:
    """A signal whose data must not be deleted, with who placed the hold and why."""

    signal_id: str
    reason: str
    placed_by: str
    placed_at: str


class LegalHolds:
    """Place, lift and list legal holds (log the action in the access log yourself)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def place(self, signal_id: str, *, reason: str, placed_by: str) -> LegalHold:
        hold = LegalHold(signal_id, reason, placed_by, format_ts(utc_now()))
        self._db.execute(
            "INSERT INTO legal_holds (signal_id, reason, placed_by, placed_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (signal_id) DO UPDATE SET reason = excluded.reason,"
            " placed_by = excluded.placed_by, placed_at = excluded.placed_at",
            (hold.signal_id, hold.reason, hold.placed_by, hold.placed_at),
        )
        return hold

    def release(self, signal_id: str) -> bool:
        """Lift the hold; True when there was one."""
        return self._db.execute("DELETE FROM legal_holds WHERE signal_id = ?", (signal_id,)) > 0

    def is_held(self, signal_id: str) -> bool:
        return bool(self._db.query("SELECT 1 FROM legal_holds WHERE signal_id = ?", (signal_id,)))

    def all(self) -> list[LegalHold]:
        rows = self._db.query(
            "SELECT signal_id, reason, placed_by, placed_at FROM legal_holds ORDER BY placed_at"
        )
        return [LegalHold(*row) for row in rows]


@dataclass(frozen=True, slots=True)
class RetentionReport:
    """What one run deleted per data class, and the receipts it wrote."""

    performed_at: str
    deleted: dict[str, int] = field(default_factory=dict)
    receipts: dict[str, LogEntry] = field(default_factory=dict)


def _ranges(indices: Sequence[int]) -> tuple[tuple[int, int], ...]:
    out: list[list[int]] = []
    for i in indices:
        if out and out[-1][1] == i:
            out[-1][1] = i + 1
        else:
            out.append([i, i + 1])
    return tuple((a, b) for a, b in out)


class Retention:
    """Runs retention over the store and the trail's logs."""

    def __init__(self, trail: AuditTrail, settings: RetentionSettings | None = None) -> None:
        self.trail = trail
        self.db = trail.db
        self.settings = settings or trail.retention

    def run(self, *, now: datetime | None = None) -> RetentionReport:
        """Delete everything due at ``now`` (default: the current time)."""
        now = now or utc_now()
        report = RetentionReport(performed_at=format_ts(now))
        for data_class in DATA_CLASSES:
            days: int = getattr(self.settings, data_class)
            cutoff = days_before(now, days)
            receipt = DeletionReceipt(
                data_class=data_class,
                reason=f"retention period of {days} days ended",
                performed_at=now,
                retention_days=days,
                cutoff=cutoff,
            )
            with self.db.transaction() as tx:
                if data_class in _LOG_OF_CLASS:
                    entry, count = self._logs(tx, data_class, cutoff, format_ts(now), receipt)
                else:
                    entry, count = self._rows(tx, data_class, cutoff, receipt)
            report.deleted[data_class] = count
            if entry is not None:
                report.receipts[data_class] = entry
        return report

    def _rows(
        self, tx: Tx, data_class: str, cutoff: str, receipt: DeletionReceipt
    ) -> tuple[LogEntry | None, int]:
        if data_class == "dossier":
            rows = tx.query(
                "SELECT id FROM dossiers WHERE updated_at < ?"  # noqa: S608
                f" AND signal_id {_NOT_HELD} ORDER BY id",
                (cutoff,),
            )
            table, record = "dossiers", "dossier"
        else:
            rows = tx.query(
                "SELECT e.id FROM evidence e LEFT JOIN dossiers d ON d.id = e.dossier_id"  # noqa: S608
                f" WHERE e.stored_at < ? AND COALESCE(e.signal_id, d.signal_id, '') {_NOT_HELD}"
                " ORDER BY e.id",
                (cutoff,),
            )
            table, record = "evidence", "evidence"
        ids = [str(r[0]) for r in rows]
        if not ids:
            return None, 0
        payload = replace(receipt, ids=tuple(ids), count=len(ids)).to_payload()
        entry = self.trail.access.append(payload)
        reason = f"retention: {receipt.reason} (receipt: access log entry {entry.index})"
        self.trail.store.append_many(deletion_entries(tx, record, ids, reason))
        tx.executemany(f"DELETE FROM {table} WHERE id = ?", [(i,) for i in ids])  # noqa: S608
        if table == "dossiers":
            # what was forwarded from a dossier (the outbox's payload copies) and the
            # tables' feedback on it go with the dossier
            for dependent in ("deliveries", "feedback"):
                tx.executemany(
                    f"DELETE FROM {dependent} WHERE dossier_id = ?",  # noqa: S608
                    [(i,) for i in ids],
                )
            # the officer's case notes go with the last dossier of their signal
            notes = [
                str(r[0])
                for r in tx.query(
                    "SELECT id FROM case_notes WHERE signal_id NOT IN"
                    " (SELECT signal_id FROM dossiers) ORDER BY id"
                )
            ]
            if notes:
                self.trail.store.append_many(deletion_entries(tx, "case_note", notes, reason))
                tx.executemany("DELETE FROM case_notes WHERE id = ?", [(i,) for i in notes])
        return entry, len(ids)

    def _logs(
        self, tx: Tx, data_class: str, cutoff: str, now: str, receipt: DeletionReceipt
    ) -> tuple[LogEntry | None, int]:
        log = self.trail.logs[_LOG_OF_CLASS[data_class]]
        rows = tx.query(
            "SELECT idx FROM audit_entries WHERE log = ? AND payload IS NOT NULL"  # noqa: S608
            " AND kind <> 'deletion'"
            " AND ((retain_until IS NULL AND recorded_at < ?) OR retain_until < ?)"
            f" AND (signal_id IS NULL OR signal_id {_NOT_HELD}) ORDER BY idx",
            (log.name, cutoff, now),
        )
        indices = [int(r[0]) for r in rows]
        if not indices:
            return None, 0
        payload = replace(receipt, entries=_ranges(indices), count=len(indices)).to_payload()
        return log.redact(indices, payload), len(indices)
