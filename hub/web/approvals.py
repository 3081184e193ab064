"""Changes of a user's municipalities, kept as a visible history.

Which municipalities an officer works for decides which dossiers they read, so a
change is never silent: each is a row here (before, after, who asked, who decided)
and a line in the access log. Taking municipalities away takes effect at once;
adding one (widening) waits until a second administrator approves it — four eyes —
so one administrator alone cannot give an officer (or a system account) another
municipality's dossiers. A newer request for the same user supersedes a pending one.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Literal

from ..literals import one_of
from ..store import Database, format_ts, utc_now

__all__ = ["ChangeState", "MunicipalityChange", "MunicipalityChanges"]

ChangeState = Literal["pending", "applied", "approved", "rejected", "superseded"]
CHANGE_STATES: tuple[ChangeState, ...] = (
    "pending",
    "applied",
    "approved",
    "rejected",
    "superseded",
)

_COLUMNS = (
    "id, login, before_codes, after_codes, requested_by, requested_at, state, decided_by,"
    " decided_at"
)


def _codes(text: object) -> tuple[str, ...]:
    return tuple(part for part in str(text).split(",") if part)


@dataclass(frozen=True)
class MunicipalityChange:
    id: str
    login: str
    before: tuple[str, ...]
    after: tuple[str, ...]
    requested_by: str
    requested_at: str
    state: ChangeState
    decided_by: str | None
    decided_at: str | None

    @property
    def added(self) -> tuple[str, ...]:
        return tuple(c for c in self.after if c not in self.before)

    @property
    def removed(self) -> tuple[str, ...]:
        return tuple(c for c in self.before if c not in self.after)


def _change(row: tuple[object, ...]) -> MunicipalityChange:
    id_, login, before, after, by, at, state, decided_by, decided_at = row
    return MunicipalityChange(
        id=str(id_),
        login=str(login),
        before=_codes(before),
        after=_codes(after),
        requested_by=str(by),
        requested_at=str(at),
        state=one_of(state, CHANGE_STATES, "web_municipality_changes.state"),
        decided_by=None if decided_by is None else str(decided_by),
        decided_at=None if decided_at is None else str(decided_at),
    )


class MunicipalityChanges:
    def __init__(self, db: Database) -> None:
        self.db = db

    def record(
        self,
        login: str,
        before: tuple[str, ...],
        after: tuple[str, ...],
        requested_by: str,
        *,
        pending: bool,
    ) -> MunicipalityChange:
        """A new change (``pending``, or ``applied`` by its requester); an older pending
        change of the same user is superseded."""
        change_id = uuid.uuid4().hex[:12]
        now = format_ts(utc_now())
        with self.db.transaction() as tx:
            tx.execute(
                "UPDATE web_municipality_changes SET state = 'superseded', decided_by = ?,"
                " decided_at = ? WHERE login = ? AND state = 'pending'",
                (requested_by, now, login),
            )
            tx.execute(
                f"INSERT INTO web_municipality_changes ({_COLUMNS})"  # noqa: S608
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    change_id,
                    login,
                    ",".join(before),
                    ",".join(after),
                    requested_by,
                    now,
                    "pending" if pending else "applied",
                    None if pending else requested_by,
                    None if pending else now,
                ),
            )
        found = self.get(change_id)
        assert found is not None
        return found

    def get(self, change_id: str) -> MunicipalityChange | None:
        rows = self.db.query(
            f"SELECT {_COLUMNS} FROM web_municipality_changes WHERE id = ?",  # noqa: S608
            (change_id,),
        )
        return _change(rows[0]) if rows else None

    def recent(self, limit: int = 100) -> list[MunicipalityChange]:
        """Pending changes first, then the newest decided ones."""
        rows = self.db.query(
            f"SELECT {_COLUMNS} FROM web_municipality_changes"  # noqa: S608
            " ORDER BY CASE WHEN state = 'pending' THEN 0 ELSE 1 END, requested_at DESC"
            " LIMIT ?",
            (limit,),
        )
        return [_change(row) for row in rows]

    def decide(self, change_id: str, state: ChangeState, decided_by: str) -> bool:
        """Close a pending change; False when it was not pending (any more)."""
        changed = self.db.execute(
            "UPDATE web_municipality_changes SET state = ?, decided_by = ?, decided_at = ?"
            " WHERE id = ? AND state = 'pending'",
            (state, decided_by, format_ts(utc_now()), change_id),
        )
        return bool(changed)
