"""What officers are told (issue 12, "Notifications"): a new report, an enrichment
finished, a delivery failed, a table's feedback. A notification holds no case details
— its kind, a reference (a report, dossier or delivery id) and for whom: every
officer of a municipality (``login`` empty) or one officer. Each officer marks it
read for themself (``notification_reads``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .db import Database
from .sealed import row_id
from .timestamps import format_ts, utc_now

__all__ = ["NotificationRow", "NotificationStore"]


@dataclass(frozen=True, slots=True)
class NotificationRow:
    id: str
    municipality: str
    login: str
    kind: str
    ref: str
    created_at: str
    read: bool


class NotificationStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    def add(self, municipality: str, kind: str, ref: str, *, login: str = "") -> str:
        """Tell the officers of ``municipality`` (or only ``login``) of ``kind``/``ref``."""
        nid = row_id("b")
        self._db.execute(
            "INSERT INTO notifications (id, municipality, login, kind, ref, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (nid, municipality, login, kind, ref, format_ts(utc_now())),
        )
        return nid

    def for_officer(
        self, login: str, municipalities: Sequence[str], *, limit: int = 100
    ) -> list[NotificationRow]:
        """The newest notifications meant for ``login``, each with whether they read it."""
        if not municipalities:
            return []
        marks = ", ".join("?" * len(municipalities))
        rows = self._db.query(
            "SELECT n.id, n.municipality, n.login, n.kind, n.ref, n.created_at,"  # noqa: S608
            " r.login IS NOT NULL FROM notifications n LEFT JOIN notification_reads r"
            " ON r.notification_id = n.id AND r.login = ?"
            f" WHERE n.municipality IN ({marks}) AND (n.login = '' OR n.login = ?)"
            " ORDER BY n.id DESC LIMIT ?",
            (login, *municipalities, login, limit),
        )
        return [
            NotificationRow(
                str(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4]), str(r[5]), bool(r[6])
            )
            for r in rows
        ]

    def mark_read(self, login: str, ids: Sequence[str]) -> None:
        """Mark notifications read for ``login`` (again: no change)."""
        now = format_ts(utc_now())
        with self._db.transaction() as tx:
            for nid in ids:
                if not tx.query(
                    "SELECT 1 FROM notification_reads WHERE notification_id = ? AND login = ?",
                    (nid, login),
                ):
                    tx.execute(
                        "INSERT INTO notification_reads (notification_id, login, read_at)"
                        " VALUES (?, ?, ?)",
                        (nid, login, now),
                    )

    def ids_about(self, kind: str, ref: str) -> list[str]:
        rows = self._db.query(
            "SELECT id FROM notifications WHERE kind = ? AND ref = ?", (kind, ref)
        )
        return [str(r[0]) for r in rows]
