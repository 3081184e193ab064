"""The case around a signal at rest: its notes, each text encrypted like a dossier.

A case has no row of its own: it is the sequence of its notes, oldest first. A note
of kind ``status`` carries the case's status and assignee in clear columns (a listing
filters on them without decrypting anything); those columns are bound to the
envelope (:data:`hub.store.ledger.TABLES`), so a status changed in the database does
not open, and every write is in the store log like a dossier's.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .crypto import Cipher
from .db import Database, Row
from .ledger import TABLES, Ledger, StoreWrite, bound_of, envelope_sha256
from .timestamps import format_ts, utc_now

__all__ = ["CaseNoteRow", "CaseStore"]

_KIND = "case_note"
_COLUMNS = ", ".join(("id", *TABLES[_KIND][1]))


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


def _note_id() -> str:
    # time first, so notes written in the same microsecond still sort in write order
    return f"n-{utc_now().strftime('%Y%m%d%H%M%S%f')}-{secrets.token_hex(4)}"


class CaseStore:
    """Add and read case notes, encrypted; ``ledger`` hears of every write."""

    def __init__(self, db: Database, cipher: Cipher, *, ledger: Ledger | None = None) -> None:
        self._db = db
        self._cipher = cipher
        self._ledger = ledger

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
        note_id, now = _note_id(), format_ts(utc_now())
        values = (signal_id, municipality, officer_id, kind, status, assignee, now)
        bound = bound_of(_KIND, values)
        plaintext = json.dumps({"text": text}, ensure_ascii=False).encode()
        envelope = self._cipher.encrypt(plaintext, kind=_KIND, record_id=note_id, bound=bound)
        with self._db.transaction() as tx:
            tx.execute(
                f"INSERT INTO case_notes ({_COLUMNS}, key_id, envelope)"  # noqa: S608
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (note_id, *values, self._cipher.key_id, envelope),
            )
            if self._ledger is not None:
                self._ledger(StoreWrite(_KIND, note_id, bound, envelope_sha256(envelope)))
        return _row(note_id, values, text)

    def notes(self, signal_id: str) -> list[CaseNoteRow]:
        """Every note of a signal's case, oldest first; :class:`DecryptionFailed` (a
        :class:`StoreTampered`) when one was changed outside opplus."""
        rows = self._db.query(
            f"SELECT {_COLUMNS}, envelope FROM case_notes WHERE signal_id = ?"  # noqa: S608
            " ORDER BY id",
            (signal_id,),
        )
        return [self._open(row) for row in rows]

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
        note_id, values = str(row[0]), row[1:-1]
        plaintext = self._cipher.decrypt(
            bytes(row[-1]), kind=_KIND, record_id=note_id, bound=bound_of(_KIND, values)
        )
        return _row(note_id, values, str(json.loads(plaintext)["text"]))


def _row(note_id: str, values: Sequence[Any], text: str) -> CaseNoteRow:
    signal_id, municipality, officer_id, kind, status, assignee, created_at = values
    return CaseNoteRow(
        note_id, signal_id, municipality, officer_id, kind, status, assignee, created_at, text
    )
