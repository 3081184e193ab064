"""Dossiers at rest: one encrypted JSON document per dossier, a few columns in clear.

The clear columns (signal, municipality, officer, times) are what listing, access
checks and retention need; everything about persons stays inside the envelope.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any

from .crypto import Cipher
from .db import Database
from .errors import DossierNotFound
from .timestamps import format_ts, utc_now

__all__ = ["DossierStore", "DossierSummary"]

_KIND = "dossier"


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
    """Save, load and list encrypted dossiers."""

    def __init__(self, db: Database, cipher: Cipher) -> None:
        self._db = db
        self._cipher = cipher

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
        envelope = self._cipher.encrypt(plaintext, kind=_KIND, record_id=dossier_id)
        now = format_ts(utc_now())
        with self._db.transaction() as tx:
            tx.execute(
                "INSERT INTO dossiers (id, signal_id, municipality, officer_id, created_at,"
                " updated_at, key_id, envelope) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (id) DO UPDATE SET signal_id = excluded.signal_id,"
                " municipality = excluded.municipality, officer_id = excluded.officer_id,"
                " updated_at = excluded.updated_at, key_id = excluded.key_id,"
                " envelope = excluded.envelope",
                (
                    dossier_id,
                    signal_id,
                    municipality,
                    officer_id,
                    now,
                    now,
                    self._cipher.key_id,
                    envelope,
                ),
            )

    def load(self, dossier_id: str) -> dict[str, Any]:
        """The dossier as saved; :class:`DossierNotFound`, or :class:`DecryptionFailed`."""
        rows = self._db.query("SELECT envelope FROM dossiers WHERE id = ?", (dossier_id,))
        if not rows:
            raise DossierNotFound(f"no dossier {dossier_id!r}")
        plaintext = self._cipher.decrypt(rows[0][0], kind=_KIND, record_id=dossier_id)
        loaded: dict[str, Any] = json.loads(plaintext)
        return loaded

    def summary(self, dossier_id: str) -> DossierSummary:
        """The clear columns of one dossier (for access checks before decrypting)."""
        rows = self._db.query(
            "SELECT id, signal_id, municipality, officer_id, created_at, updated_at"
            " FROM dossiers WHERE id = ?",
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
    ) -> list[DossierSummary]:
        """Dossiers, newest first, optionally filtered; nothing is decrypted."""
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
        rows = self._db.query(
            "SELECT id, signal_id, municipality, officer_id, created_at, updated_at"  # noqa: S608
            f" FROM dossiers{clause} ORDER BY updated_at DESC, id LIMIT ? OFFSET ?",
            (*params, limit, offset),
        )
        return [DossierSummary(*row) for row in rows]
