"""The columns each encrypted table binds to its envelopes, and the note a store hands
to the audit trail for every write (the ``store`` Merkle log; see
:mod:`hub.audit.store_log` and :mod:`hub.audit.store_check`).

The stores cannot import the audit package (it imports them), so they take a
:data:`Ledger` callback, called inside the write's own transaction: a row and its log
entry commit together or not at all.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .crypto import Bound

__all__ = [
    "BOUND_COLUMNS",
    "TABLES",
    "Ledger",
    "StoreWrite",
    "bound_of",
    "envelope_sha256",
]

#: per record kind: its table and the clear columns bound into its envelopes (the id
#: is bound as the record id). Every column that access checks, listing or retention
#: read is here; for evidence simply all of them, since a row is written once.
TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "dossier": (
        "dossiers",
        ("signal_id", "municipality", "officer_id", "created_at", "updated_at"),
    ),
    "evidence": (
        "evidence",
        (
            "dossier_id",
            "signal_id",
            "trace_id",
            "request_id",
            "operation",
            "url",
            "status_code",
            "media_type",
            "retrieved_at",
            "sha256",
            "stored_at",
        ),
    ),
    # a case is its notes: the latest "status" note holds the status and assignee
    "case_note": (
        "case_notes",
        (
            "signal_id",
            "municipality",
            "officer_id",
            "kind",
            "status",
            "assignee",
            "created_at",
        ),
    ),
    # a colleague's report (kind "melding") and the officer's feedback on it
    # ("terugkoppeling", report_id naming the report)
    "report": (
        "reports",
        ("report_id", "municipality", "author_id", "kind", "created_at"),
    ),
}
BOUND_COLUMNS = {kind: columns for kind, (_, columns) in TABLES.items()}


@dataclass(frozen=True, slots=True)
class StoreWrite:
    """One row written (or deleted, ``envelope_sha256`` None) in an encrypted table."""

    record: str
    record_id: str
    columns: Bound
    envelope_sha256: str | None


#: called by a store inside the transaction of each write
Ledger = Callable[[StoreWrite], None]


def envelope_sha256(envelope: bytes) -> str:
    return hashlib.sha256(bytes(envelope)).hexdigest()


def bound_of(record: str, values: Sequence[Any]) -> dict[str, str | int | None]:
    """The bound columns of a row, from its values in :data:`TABLES` order."""
    names = BOUND_COLUMNS[record]
    return {
        name: None if v is None else (v if isinstance(v, int) else str(v))
        for name, v in zip(names, values, strict=True)
    }
