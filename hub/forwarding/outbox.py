"""The durable outbox: a delivery is recorded before its first attempt, then claimed by a
worker under a lease, sent, and marked delivered — or retried with backoff, or failed
after its attempt budget with the last error kept.

States: ``queued`` -> ``sending`` -> ``delivered`` (-> ``acknowledged``), or ``failed``.
A ``sending`` row whose lease has run out belongs to a worker that died mid-delivery:
it is *stuck*, is reported as such, and is claimed again (the idempotency key makes the
second send harmless to the receiver). On PostgreSQL several workers share the queue
with ``FOR UPDATE SKIP LOCKED``; SQLite serialises writers itself.
"""

from __future__ import annotations

import json
import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from plugins import Delivery, Officer, Purpose, Receipt, TraceContext

from ..store import Cipher, Database
from ..store.timestamps import format_ts, parse_ts, utc_now

__all__ = ["DeliveryRow", "Outbox", "backoff_seconds"]

_KIND = "delivery"
_COLUMNS = (
    "id, idempotency_key, dossier_id, signal_id, municipality, table_name, state, attempts,"
    " max_attempts, next_attempt_at, lease_until, worker, last_error, receipt_reference,"
    " receipt_detail, receipt_sha256, payload_sha256, confirmed_by, created_at, updated_at,"
    " delivered_at"
)


@dataclass(frozen=True)
class DeliveryRow:
    """A delivery as the outbox knows it (no payload: that stays encrypted)."""

    id: str
    idempotency_key: str
    dossier_id: str
    signal_id: str
    municipality: str
    table_name: str
    state: str
    attempts: int
    max_attempts: int
    next_attempt_at: str
    lease_until: str | None
    worker: str | None
    last_error: str | None
    receipt_reference: str | None
    receipt_detail: str | None
    receipt_sha256: str | None
    payload_sha256: str
    confirmed_by: str
    created_at: str
    updated_at: str
    delivered_at: str | None

    def stuck(self, now: datetime | None = None) -> bool:
        """Sending, but its worker's lease ran out: the worker died mid-delivery."""
        if self.state != "sending" or self.lease_until is None:
            return False
        return parse_ts(self.lease_until) < (now or utc_now())


def backoff_seconds(attempt: int, *, base: float = 2.0, cap: float = 600.0) -> float:
    """Exponential backoff with full jitter before attempt ``attempt + 1``."""
    return random.uniform(0, min(cap, base * 2 ** max(0, attempt - 1)))


class Outbox:
    """The deliveries table, and the state machine over it."""

    def __init__(self, db: Database, cipher: Cipher) -> None:
        self.db = db
        self.cipher = cipher

    # -- writing ----------------------------------------------------------------------

    def enqueue(
        self, delivery: Delivery, *, municipality: str, max_attempts: int, confirmed_by: str
    ) -> DeliveryRow:
        """Record a confirmed delivery (state ``queued``) before anything is sent."""
        secret = {
            "payload_json": delivery.payload_json.decode(),
            "rendering_html": delivery.rendering_html,
            "table_label": delivery.table_label,
            "officer": {
                "id": delivery.officer.id,
                "name": delivery.officer.name,
                "municipality": delivery.officer.municipality,
            },
            "purpose": {
                "id": delivery.purpose.id,
                "name": delivery.purpose.name,
                "legal_ground": delivery.purpose.legal_ground,
            },
            "trace": {"trace_id": delivery.trace.trace_id, "span_id": delivery.trace.span_id},
            "notice": delivery.notice,
        }
        envelope = self.cipher.encrypt(
            json.dumps(secret).encode(), kind=_KIND, record_id=delivery.id
        )
        now = format_ts(utc_now())
        with self.db.transaction() as tx:
            tx.execute(
                "INSERT INTO deliveries (id, idempotency_key, dossier_id, signal_id, municipality,"
                " table_name, state, attempts, max_attempts, next_attempt_at, payload_sha256,"
                " confirmed_by, created_at, updated_at, key_id, envelope)"
                " VALUES (?, ?, ?, ?, ?, ?, 'queued', 0, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    delivery.id,
                    delivery.idempotency_key,
                    delivery.dossier_id,
                    delivery.signal_id,
                    municipality,
                    delivery.table,
                    max_attempts,
                    now,
                    delivery.payload_sha256,
                    confirmed_by,
                    now,
                    now,
                    self.cipher.key_id,
                    envelope,
                ),
            )
        return self.get(delivery.id)

    def claim(
        self, worker: str, *, lease_s: float = 120.0, limit: int = 10, now: datetime | None = None
    ) -> list[DeliveryRow]:
        """Take up to ``limit`` due deliveries (queued and due, or stuck) for ``worker``."""
        now = now or utc_now()
        stamp = format_ts(now)
        lease = format_ts(now + timedelta(seconds=lease_s))
        lock = " FOR UPDATE SKIP LOCKED" if self.db.dialect.name == "postgresql" else ""
        with self.db.transaction() as tx:
            rows = tx.query(
                "SELECT id FROM deliveries WHERE"
                " (state = 'queued' AND next_attempt_at <= ?)"
                " OR (state = 'sending' AND lease_until < ?)"
                f" ORDER BY next_attempt_at LIMIT ?{lock}",
                (stamp, stamp, limit),
            )
            ids = [r[0] for r in rows]
            for delivery_id in ids:
                tx.execute(
                    "UPDATE deliveries SET state = 'sending', attempts = attempts + 1,"
                    " lease_until = ?, worker = ?, updated_at = ? WHERE id = ?",
                    (lease, worker, stamp, delivery_id),
                )
        return [self.get(i) for i in ids]

    def delivered(self, delivery_id: str, receipt: Receipt, *, worker: str) -> DeliveryRow:
        now = format_ts(utc_now())
        state = "acknowledged" if receipt.acknowledged else "delivered"
        with self.db.transaction() as tx:
            tx.execute(
                "UPDATE deliveries SET state = ?, lease_until = NULL, last_error = NULL,"
                " receipt_reference = ?, receipt_detail = ?, receipt_sha256 = ?,"
                " delivered_at = ?, updated_at = ? WHERE id = ? AND worker = ?",
                (
                    state,
                    receipt.reference,
                    receipt.detail,
                    receipt.response_sha256,
                    now,
                    now,
                    delivery_id,
                    worker,
                ),
            )
        return self.get(delivery_id)

    def attempt_failed(
        self,
        delivery_id: str,
        error: str,
        *,
        transient: bool,
        retry_after: float | None,
        worker: str,
    ) -> DeliveryRow:
        """Back to ``queued`` with backoff, or ``failed`` when permanent or out of budget."""
        row = self.get(delivery_id)
        now = utc_now()
        final = not transient or row.attempts >= row.max_attempts
        wait = retry_after if retry_after is not None else backoff_seconds(row.attempts)
        with self.db.transaction() as tx:
            tx.execute(
                "UPDATE deliveries SET state = ?, lease_until = NULL, last_error = ?,"
                " next_attempt_at = ?, updated_at = ? WHERE id = ? AND worker = ?",
                (
                    "failed" if final else "queued",
                    error[:2000],
                    format_ts(now + timedelta(seconds=wait)),
                    format_ts(now),
                    delivery_id,
                    worker,
                ),
            )
        return self.get(delivery_id)

    def acknowledge(self, delivery_id: str) -> DeliveryRow:
        """The table confirmed receipt (e.g. with its feedback)."""
        with self.db.transaction() as tx:
            tx.execute(
                "UPDATE deliveries SET state = 'acknowledged', updated_at = ?"
                " WHERE id = ? AND state IN ('delivered', 'acknowledged')",
                (format_ts(utc_now()), delivery_id),
            )
        return self.get(delivery_id)

    def requeue(self, delivery_id: str) -> DeliveryRow:
        """Give a failed delivery a fresh attempt budget (an officer's decision)."""
        now = format_ts(utc_now())
        with self.db.transaction() as tx:
            tx.execute(
                "UPDATE deliveries SET state = 'queued', attempts = 0,"
                " next_attempt_at = ?, updated_at = ? WHERE id = ? AND state = 'failed'",
                (now, now, delivery_id),
            )
        return self.get(delivery_id)

    # -- reading ----------------------------------------------------------------------

    def get(self, delivery_id: str) -> DeliveryRow:
        rows = self.db.query(f"SELECT {_COLUMNS} FROM deliveries WHERE id = ?", (delivery_id,))
        if not rows:
            raise KeyError(delivery_id)
        return DeliveryRow(*rows[0])

    def list(
        self,
        *,
        state: str | None = None,
        dossier_id: str | None = None,
        municipalities: tuple[str, ...] | None = None,
        limit: int = 200,
    ) -> list[DeliveryRow]:
        where: list[str] = []
        params: list[object] = []
        if state == "stuck":
            where.append("state = 'sending' AND lease_until < ?")
            params.append(format_ts(utc_now()))
        elif state:
            where.append("state = ?")
            params.append(state)
        if dossier_id:
            where.append("dossier_id = ?")
            params.append(dossier_id)
        if municipalities is not None:
            if not municipalities:
                return []
            where.append(f"municipality IN ({', '.join('?' * len(municipalities))})")
            params.extend(municipalities)
        sql = f"SELECT {_COLUMNS} FROM deliveries"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY created_at DESC LIMIT ?"
        params.append(limit)
        return [DeliveryRow(*r) for r in self.db.query(sql, tuple(params))]

    def delivery(self, row: DeliveryRow) -> Delivery:
        """The full delivery, decrypted, as the transport gets it."""
        rows = self.db.query("SELECT envelope FROM deliveries WHERE id = ?", (row.id,))
        secret: dict[str, Any] = json.loads(
            self.cipher.decrypt(bytes(rows[0][0]), kind=_KIND, record_id=row.id)
        )
        body = secret["payload_json"].encode()
        trace = secret["trace"]
        return Delivery(
            id=row.id,
            idempotency_key=row.idempotency_key,
            table=row.table_name,
            table_label=secret["table_label"],
            dossier_id=row.dossier_id,
            signal_id=row.signal_id,
            payload=json.loads(body),
            payload_json=body,
            payload_sha256=row.payload_sha256,
            rendering_html=secret["rendering_html"],
            officer=Officer(**secret["officer"]),
            purpose=Purpose(**secret["purpose"]),
            trace=TraceContext(trace["trace_id"], trace["span_id"]),
            attempt=row.attempts,
            notice=secret.get("notice"),
        )


def new_delivery_id() -> str:
    return str(uuid.uuid4())
