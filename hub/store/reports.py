"""Colleagues' reports at rest (issue 12, steps 1 and 2), each encrypted like a dossier.

A report is one row of kind ``melding``; a row about it (the officer's feedback, an
officer having read it) names the report in ``report_id`` (a report's own row names
itself). The content is a JSON object in the envelope; the clear columns
(municipality, author, kind, time) are bound to it (:data:`hub.store.ledger.TABLES`),
so a report moved to another municipality or author in the database does not open,
and every write is in the store log.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .crypto import Cipher
from .db import Database, Row
from .ledger import Ledger
from .sealed import SealedRows, row_id
from .timestamps import format_ts, utc_now

__all__ = ["ReportRow", "ReportStore"]


@dataclass(frozen=True, slots=True)
class ReportRow:
    """One stored report, or row about one, with its content decrypted."""

    id: str
    report_id: str
    municipality: str
    author_id: str
    kind: str
    created_at: str
    content: dict[str, str]


class ReportStore:
    """Add and read reports and the rows about them, encrypted; ``ledger`` hears of
    every write."""

    def __init__(self, db: Database, cipher: Cipher, *, ledger: Ledger | None = None) -> None:
        self._rows = SealedRows(db, cipher, "report", ledger=ledger)

    def add(
        self,
        municipality: str,
        author_id: str,
        kind: str,
        content: Mapping[str, str],
        *,
        report_id: str | None = None,
    ) -> ReportRow:
        """Store a report (``report_id`` None) or a row about the report ``report_id``."""
        rid = row_id("m" if report_id is None else "r")
        values = (report_id or rid, municipality, author_id, kind, format_ts(utc_now()))
        self._rows.insert(rid, values, dict(content))
        return _row(rid, values, dict(content))

    def by_author(self, author_id: str) -> list[ReportRow]:
        """The reports ``author_id`` wrote, with every row about them, oldest first."""
        return self._select(
            "report_id IN (SELECT id FROM reports WHERE author_id = ? AND kind = 'melding')",
            (author_id,),
        )

    def by_municipality(self, municipality: str) -> list[ReportRow]:
        """Every report of a municipality and every row about them, oldest first."""
        return self._select("municipality = ?", (municipality,))

    def about(self, report_id: str) -> list[ReportRow]:
        """A report and the rows about it, oldest first (empty: no such report)."""
        return self._select("report_id = ?", (report_id,))

    def _select(self, where: str, params: Sequence[Any]) -> list[ReportRow]:
        return [self._open(row) for row in self._rows.select(where, params)]

    def _open(self, row: Row) -> ReportRow:
        rid, values, content = self._rows.open(row)
        return _row(rid, values, {str(k): str(v) for k, v in content.items()})


def _row(rid: str, values: Sequence[Any], content: dict[str, str]) -> ReportRow:
    report_id, municipality, author_id, kind, created_at = values
    return ReportRow(rid, report_id, municipality, author_id, kind, created_at, content)
