"""Signatures already accepted, so that each is accepted once.

A signed request could be sent again for as long as its ``t`` is within the tolerance;
the store keeps a hash of every accepted signature until then, in the database, so
that every process of the hub refuses the second copy. Expired entries are deleted as
new ones arrive.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from plugins import SIGNATURE_TOLERANCE_S

from ..store import Database, format_ts, utc_now

__all__ = ["SignatureReplays"]


class SignatureReplays:
    def __init__(self, db: Database, *, tolerance_s: int = SIGNATURE_TOLERANCE_S) -> None:
        self.db = db
        self.tolerance_s = tolerance_s

    def first_use(self, signature: str, timestamp: int) -> bool:
        """Record ``signature`` (made at ``timestamp``); False when it was seen before."""
        # Past t + tolerance the signature is refused as expired anyway.
        expires = datetime.fromtimestamp(timestamp + self.tolerance_s, tz=UTC)
        digest = hashlib.sha256(signature.encode()).hexdigest()
        with self.db.transaction() as tx:
            tx.execute(
                "DELETE FROM web_signature_replays WHERE expires_at <= ?", (format_ts(utc_now()),)
            )
            inserted = tx.execute(
                "INSERT INTO web_signature_replays (signature_hash, expires_at) VALUES (?, ?)"
                " ON CONFLICT (signature_hash) DO NOTHING",
                (digest, format_ts(expires)),
            )
        return bool(inserted)
