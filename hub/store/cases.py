"""The case around a signal at rest: its notes, each text encrypted like a dossier.

A case has no row of its own: it is the sequence of its notes, oldest first. A note
of kind ``status`` carries the case's status and assignee in clear columns (a listing
filters on them without decrypting anything); those columns are bound to the
envelope (:data:`hub.store.ledger.TABLES`), so a status changed in the database does
not open, and every write is in the store log like a dossier's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .crypto import Cipher
from .db import Database, Row
from .ledger import Ledger
from .sealed import SealedRows, row_id
from .timestamps import format_ts, utc_now

__all__ = ["CaseNoteRow", "CaseStore"]


@dataclass(frozen=True, slots=True)
class CaseNoteRow:
    """One stored note with its text decrypted (``text`` is empty when none was given)."""

    id: str
    signal_id: str
    municipality: str
    officer_id: str
    kind: str
    status: str | None
    assignee: str | None
    created_at: str
    text: str


class CaseStore:
    """Add and read case notes, encrypted; ``ledger`` hears of every write."""

    def __init__(self, db: Database, cipher: Cipher, *, ledger: Ledger | None = None) -> None:
        self._db = db
        self._rows = SealedRows(db, cipher, "case_note", ledger=ledger)

    def add(
        self,
        signal_id: str,
        municipality: str,
        officer_id: str,
        kind: str,
        text: str,
        *,
        status: str | None = None,
        assignee: str | None = None,
    ) -> CaseNoteRow:
        """Store one note (a status change is a note of kind ``status``)."""
        note_id = row_id("n")
        values = (signal_id, municipality, officer_id, kind, status, assignee, format_ts(utc_now()))
        self._rows.insert(note_id, values, {"text": text})
        return _row(note_id, values, text)

    def notes(self, signal_id: str) -> list[CaseNoteRow]:
        """Every note of a signal's case, oldest first; :class:`DecryptionFailed` (a
        :class:`StoreTampered`) when one was changed outside opplus."""
        return [self._open(row) for row in self._rows.select("signal_id = ?", (signal_id,))]

    def statuses(self, signal_ids: Sequence[str]) -> dict[str, tuple[str, str | None]]:
        """The latest (status, assignee) per signal that has one; the clear columns,
        unchecked (a view of the case opens its notes and so checks them)."""
        if not signal_ids:
            return {}
        marks = ", ".join("?" * len(signal_ids))
        rows = self._db.query(
            "SELECT signal_id, status, assignee FROM case_notes"  # noqa: S608
            f" WHERE kind = 'status' AND signal_id IN ({marks}) ORDER BY id",
            tuple(signal_ids),
        )
        return {str(r[0]): (str(r[1]), None if r[2] is None else str(r[2])) for r in rows}

    def _open(self, row: Row) -> CaseNoteRow:
        note_id, values, content = self._rows.open(row)
        return _row(note_id, values, str(content["text"]))


def _row(note_id: str, values: Sequence[Any], text: str) -> CaseNoteRow:
    signal_id, municipality, officer_id, kind, status, assignee, created_at = values
    return CaseNoteRow(
        note_id, signal_id, municipality, officer_id, kind, status, assignee, created_at, text
    )
