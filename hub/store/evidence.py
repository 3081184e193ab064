"""Raw registry responses at rest: the body encrypted, its SHA-256 in clear.

Facts name their response by ``request_id`` and ``response_sha256``; the clear hash
lets an auditor check a fact's provenance without decrypting, and every load checks
that the decrypted body still has that hash. Every clear column is bound to the
envelope (:data:`hub.store.ledger.TABLES`): a changed column does not open.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from plugins import Evidence

from .crypto import Cipher
from .db import Database
from .errors import EvidenceNotFound, IntegrityError
from .ledger import TABLES, Ledger, StoreWrite, bound_of, envelope_sha256
from .timestamps import format_ts, parse_ts, utc_now

__all__ = ["EvidenceStore", "StoredEvidence"]

_KIND = "evidence"
#: the id and exactly the bound columns
_COLUMNS = ", ".join(("id", *TABLES[_KIND][1]))


@dataclass(frozen=True, slots=True)
class StoredEvidence:
    """A stored response's clear columns (no body)."""

    id: str
    dossier_id: str
    signal_id: str | None
    trace_id: str
    request_id: str
    operation: str
    url: str
    status_code: int
    media_type: str
    retrieved_at: str
    sha256: str
    stored_at: str


class EvidenceStore:
    """Save and load registry responses, encrypted; ``ledger`` hears of every write."""

    def __init__(self, db: Database, cipher: Cipher, *, ledger: Ledger | None = None) -> None:
        self._db = db
        self._cipher = cipher
        self._ledger = ledger

    @staticmethod
    def evidence_id(evidence: Evidence, dossier_id: str) -> str:
        """The row id: the same response saved twice for one dossier is stored once."""
        text = f"{dossier_id}\x00{evidence.request_id}\x00{evidence.sha256}"
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    def save(
        self,
        evidence: Evidence,
        dossier_id: str,
        trace_id: str,
        *,
        signal_id: str | None = None,
    ) -> str:
        """Store a response for a dossier; returns its id. ``signal_id`` lets a legal
        hold on the signal protect the response before the dossier itself is saved."""
        row_id = self.evidence_id(evidence, dossier_id)
        bound = bound_of(
            _KIND,
            (
                dossier_id,
                signal_id,
                trace_id,
                evidence.request_id,
                evidence.operation,
                evidence.url,
                evidence.status_code,
                evidence.media_type,
                format_ts(evidence.retrieved_at),
                evidence.sha256,
                format_ts(utc_now()),
            ),
        )
        envelope = self._cipher.encrypt(evidence.body, kind=_KIND, record_id=row_id, bound=bound)
        with self._db.transaction() as tx:
            added = tx.execute(
                f"INSERT INTO evidence ({_COLUMNS}, key_id, envelope)"  # noqa: S608
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (id) DO NOTHING",
                (row_id, *bound.values(), self._cipher.key_id, envelope),
            )
            if added and self._ledger is not None:
                self._ledger(StoreWrite(_KIND, row_id, bound, envelope_sha256(envelope)))
        return row_id

    def load(self, evidence_id: str) -> Evidence:
        """The response as it came; :class:`IntegrityError` when its hash changed."""
        rows = self._db.query(
            f"SELECT {_COLUMNS}, envelope FROM evidence WHERE id = ?",  # noqa: S608
            (evidence_id,),
        )
        if not rows:
            raise EvidenceNotFound(f"no stored response {evidence_id!r}")
        return self._open(rows[0])

    def find(self, request_id: str, *, sha256: str | None = None) -> list[StoredEvidence]:
        """Stored responses with this request id (and hash): a fact's provenance lookup."""
        sql = f"SELECT {_COLUMNS} FROM evidence WHERE request_id = ?"  # noqa: S608
        params: list[str] = [request_id]
        if sha256 is not None:
            sql += " AND sha256 = ?"
            params.append(sha256)
        return [StoredEvidence(*row) for row in self._db.query(sql + " ORDER BY id", params)]

    def for_dossier(self, dossier_id: str) -> list[StoredEvidence]:
        """The responses stored for a dossier (clear columns only)."""
        rows = self._db.query(
            f"SELECT {_COLUMNS} FROM evidence WHERE dossier_id = ? ORDER BY retrieved_at, id",  # noqa: S608
            (dossier_id,),
        )
        return [StoredEvidence(*row) for row in rows]

    def _open(self, row: tuple[Any, ...]) -> Evidence:
        meta = StoredEvidence(*row[:-1])
        bound = bound_of(_KIND, row[1:-1])
        body = self._cipher.decrypt(bytes(row[-1]), kind=_KIND, record_id=meta.id, bound=bound)
        if hashlib.sha256(body).hexdigest() != meta.sha256:
            raise IntegrityError(f"stored response {meta.id}: body does not match its SHA-256")
        return Evidence(
            operation=meta.operation,
            request_id=meta.request_id,
            retrieved_at=parse_ts(meta.retrieved_at),
            status_code=meta.status_code,
            media_type=meta.media_type,
            body=body,
            url=meta.url,
        )
