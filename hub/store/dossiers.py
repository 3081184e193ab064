"""Dossiers at rest: one encrypted JSON document per dossier, a few columns in clear.

The clear columns (signal, municipality, officer, times) are what listing, access
checks and retention need; everything about persons stays inside the envelope. Those
columns are bound to the envelope (:data:`hub.store.ledger.TABLES`): a row whose
municipality was changed in the database does not open (:class:`StoreTampered`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any

from .crypto import Cipher
from .db import Database, Row
from .errors import DecryptionFailed, DossierNotFound, StoreTampered
from .ledger import TABLES, Ledger, StoreWrite, bound_of, envelope_sha256
from .timestamps import format_ts, utc_now

__all__ = ["DossierStore", "DossierSummary"]

_KIND = "dossier"
#: the summary is the id and exactly the bound columns
_SUMMARY = ", ".join(("id", *TABLES[_KIND][1]))


@dataclass(frozen=True, slots=True)
class DossierSummary:
    """What a listing shows of a dossier without decrypting it."""

    id: str
    signal_id: str
    municipality: str
    officer_id: str
    created_at: str
    updated_at: str


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return format_ts(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (set, frozenset, tuple)):
        return sorted(value) if isinstance(value, (set, frozenset)) else list(value)
    raise TypeError(f"cannot store a {type(value).__name__} in a dossier")


class DossierStore:
    """Save, load and list encrypted dossiers; ``ledger`` hears of every write."""

    def __init__(self, db: Database, cipher: Cipher, *, ledger: Ledger | None = None) -> None:
        self._db = db
        self._cipher = cipher
        self._ledger = ledger

    def save(
        self,
        dossier_id: str,
        signal_id: str,
        municipality: str,
        officer_id: str,
        dossier: dict[str, Any],
    ) -> None:
        """Store (or replace) a dossier. Datetimes are stored as ISO 8601 text."""
        plaintext = json.dumps(dossier, default=_json_default, ensure_ascii=False).encode()
        now = format_ts(utc_now())
        with self._db.transaction() as tx:
            # a replaced dossier keeps its creation time, and that time is bound too
            row = tx.one(
                "SELECT created_at FROM dossiers WHERE id = ?" + tx.dialect.for_update,  # noqa: S608
                (dossier_id,),
            )
            created = now if row is None else str(row[0])
            bound = bound_of(_KIND, (signal_id, municipality, officer_id, created, now))
            envelope = self._cipher.encrypt(
                plaintext, kind=_KIND, record_id=dossier_id, bound=bound
            )
            tx.execute(
                "INSERT INTO dossiers (id, signal_id, municipality, officer_id, created_at,"
                " updated_at, key_id, envelope) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (id) DO UPDATE SET signal_id = excluded.signal_id,"
                " municipality = excluded.municipality, officer_id = excluded.officer_id,"
                " created_at = excluded.created_at, updated_at = excluded.updated_at,"
                " key_id = excluded.key_id, envelope = excluded.envelope",
                (
                    dossier_id,
                    signal_id,
                    municipality,
                    officer_id,
                    created,
                    now,
                    self._cipher.key_id,
                    envelope,
                ),
            )
            if self._ledger is not None:
                self._ledger(StoreWrite(_KIND, dossier_id, bound, envelope_sha256(envelope)))

    def load(self, dossier_id: str) -> dict[str, Any]:
        """The dossier as saved; :class:`DossierNotFound`, :class:`StoreTampered` when
        it or its clear columns were changed, or :class:`DecryptionFailed`."""
        return self.open(dossier_id)[1]

    def open(self, dossier_id: str) -> tuple[DossierSummary, dict[str, Any]]:
        """The clear columns and the dossier, read together and checked against each
        other: an access decision on the returned summary is safe."""
        rows = self._db.query(
            f"SELECT {_SUMMARY}, envelope FROM dossiers WHERE id = ?",  # noqa: S608
            (dossier_id,),
        )
        if not rows:
            raise DossierNotFound(f"no dossier {dossier_id!r}")
        summary, plaintext = self._decrypt(rows[0])
        try:
            loaded: dict[str, Any] = json.loads(plaintext)
        except ValueError:  # only a version-1 envelope can get here (nothing bound)
            raise StoreTampered(f"dossier {dossier_id}: content is not a dossier") from None
        return summary, loaded

    def _decrypt(self, row: Row) -> tuple[DossierSummary, bytes]:
        summary = DossierSummary(*row[:-1])
        bound = bound_of(_KIND, row[1:-1])
        plaintext = self._cipher.decrypt(
            bytes(row[-1]), kind=_KIND, record_id=summary.id, bound=bound
        )
        return summary, plaintext

    def summary(self, dossier_id: str) -> DossierSummary:
        """The clear columns of one dossier, unchecked (use :meth:`open` to decide access)."""
        rows = self._db.query(
            f"SELECT {_SUMMARY} FROM dossiers WHERE id = ?",  # noqa: S608
            (dossier_id,),
        )
        if not rows:
            raise DossierNotFound(f"no dossier {dossier_id!r}")
        return DossierSummary(*rows[0])

    def list(
        self,
        *,
        signal_id: str | None = None,
        municipality: str | None = None,
        officer_id: str | None = None,
        limit: int = 100,
        offset: int = 0,
        checked: bool = False,
    ) -> list[DossierSummary]:
        """Dossiers, newest first, optionally filtered; nothing is decrypted, unless
        ``checked``: then rows whose columns do not match their envelope are left out
        (a listing by municipality must not show a dossier moved there by hand)."""
        where, params = [], []
        for column, value in (
            ("signal_id", signal_id),
            ("municipality", municipality),
            ("officer_id", officer_id),
        ):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        envelope = ", envelope" if checked else ""
        rows = self._db.query(
            f"SELECT {_SUMMARY}{envelope} FROM dossiers{clause}"  # noqa: S608
            " ORDER BY updated_at DESC, id LIMIT ? OFFSET ?",
            (*params, limit, offset),
        )
        if not checked:
            return [DossierSummary(*row) for row in rows]
        return [s for s in (self._checked(row) for row in rows) if s is not None]

    def _checked(self, row: Row) -> DossierSummary | None:
        try:
            return self._decrypt(row)[0]
        except DecryptionFailed:
            return None
