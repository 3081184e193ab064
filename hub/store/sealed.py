"""Append-only encrypted rows: what a case note and a report have in common.

A row is an id, the clear columns of its kind (:data:`hub.store.ledger.TABLES`, bound
to the envelope) and a JSON object in the envelope. Writing one tells the ledger in
the same transaction; reading one checks the binding, so a clear column changed in
the database raises :class:`~hub.store.errors.DecryptionFailed`.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from typing import Any

from .crypto import Cipher
from .db import Database, Row
from .ledger import TABLES, Ledger, StoreWrite, bound_of, envelope_sha256
from .timestamps import utc_now

__all__ = ["SealedRows", "row_id"]


def row_id(prefix: str) -> str:
    """A new row id; time first, so rows written in the same microsecond still sort in
    write order."""
    return f"{prefix}-{utc_now().strftime('%Y%m%d%H%M%S%f')}-{secrets.token_hex(4)}"


class SealedRows:
    """Insert and open the rows of one record kind."""

    def __init__(
        self, db: Database, cipher: Cipher, kind: str, *, ledger: Ledger | None = None
    ) -> None:
        self._db = db
        self._cipher = cipher
        self._kind = kind
        self._ledger = ledger
        self.table, columns = TABLES[kind]
        #: the id and the clear columns, in the order of TABLES
        self.columns = ", ".join(("id", *columns))

    def insert(self, rid: str, values: Sequence[Any], content: dict[str, Any]) -> None:
        bound = bound_of(self._kind, values)
        plaintext = json.dumps(content, ensure_ascii=False).encode()
        envelope = self._cipher.encrypt(plaintext, kind=self._kind, record_id=rid, bound=bound)
        marks = ", ".join("?" * (len(values) + 3))
        with self._db.transaction() as tx:
            tx.execute(
                f"INSERT INTO {self.table} ({self.columns}, key_id, envelope)"  # noqa: S608
                f" VALUES ({marks})",
                (rid, *values, self._cipher.key_id, envelope),
            )
            if self._ledger is not None:
                self._ledger(StoreWrite(self._kind, rid, bound, envelope_sha256(envelope)))

    def select(self, where: str, params: Sequence[Any]) -> list[Row]:
        """Rows of ``SELECT <columns>, envelope`` matching ``where``, in id order."""
        return self._db.query(
            f"SELECT {self.columns}, envelope FROM {self.table}"  # noqa: S608
            f" WHERE {where} ORDER BY id",
            tuple(params),
        )

    def open(self, row: Row) -> tuple[str, Sequence[Any], dict[str, Any]]:
        """The id, clear values and content of a selected row, checked."""
        rid, values = str(row[0]), row[1:-1]
        plaintext = self._cipher.decrypt(
            bytes(row[-1]), kind=self._kind, record_id=rid, bound=bound_of(self._kind, values)
        )
        content: dict[str, Any] = json.loads(plaintext)
        return rid, values, content
