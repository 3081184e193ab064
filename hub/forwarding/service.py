"""The forwarding machinery: suggest tables, build a table's payload (preview),
queue it in the outbox, deliver due deliveries through the tables' transports, keep
feedback and tell the reporter.

Who may do any of this, and the access log of it, is :mod:`hub.usecases.forwarding`;
this module only does what it is told. What is sent is exactly the previewed payload;
every delivery is a disclosure in the processing log.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import uuid
from dataclasses import dataclass

import structlog

from plugins import Delivery, DeliveryFailed, Officer, PersonRef, Purpose, TraceContext

from ..accountability import Actor, Storage, bsns_in
from ..audit import DisclosureRecord
from ..config import Config
from ..dossier import Dossier
from ..runtime import Runtime
from ..store.timestamps import format_ts, utc_now
from .minimise import Payload, Tailoring, build_payload
from .outbox import DeliveryRow, Outbox
from .render import render_payload_html
from .routing import Suggestion, suggest_tables

__all__ = ["NOTICE_TABLE", "AlreadyForwarded", "Feedback", "ForwardingService", "Preview"]

#: the outbox's table name for notices to the colleague who reported a signal
NOTICE_TABLE = "@melder"

log = structlog.get_logger(__name__)


class AlreadyForwarded(Exception):
    """This exact payload already went (or is going) to this table."""

    def __init__(self, row: DeliveryRow) -> None:
        super().__init__(f"al doorgestuurd naar {row.table_name} (levering {row.id}, {row.state})")
        self.row = row


@dataclass(frozen=True)
class Preview:
    table: str
    label: str
    payload: Payload
    rendering_html: str

    @property
    def withheld(self) -> list[str]:
        return self.payload.withheld


@dataclass(frozen=True)
class Feedback:
    id: str
    delivery_id: str
    dossier_id: str
    source: str
    received_at: str
    text: str


class ForwardingService:
    """Forwarding for one process: the outbox over the store, transports from plugins."""

    def __init__(self, config: Config, runtime: Runtime, storage: Storage) -> None:
        self.config = config
        self.runtime = runtime
        self.storage = storage
        self.outbox = Outbox(storage.db, storage.keys.cipher())

    # -- officer ----------------------------------------------------------------------

    def suggestions(self, dossier: Dossier) -> list[Suggestion]:
        return suggest_tables(self.config, dossier)

    def preview(
        self, dossier: Dossier, table_name: str, tailoring: Tailoring | None = None
    ) -> Preview:
        """Exactly what ``table_name`` would receive, and what is withheld (whether it
        may receive it is :mod:`hub.usecases.forwarding`'s decision)."""
        table = self.config.tables[table_name]
        payload = build_payload(dossier, table_name, table, tailoring)
        return Preview(table_name, table.label, payload, render_payload_html(payload, table.label))

    def enqueue(self, dossier: Dossier, preview: Preview, actor: Actor) -> DeliveryRow:
        """Queue exactly the previewed payload, confirmed by ``actor`` (sent by a worker);
        AlreadyForwarded when this payload already went (or is going) to this table."""
        payload = preview.payload
        key = hashlib.sha256(
            f"{dossier.id}\x00{preview.table}\x00{payload.sha256}".encode()
        ).hexdigest()
        existing = [r for r in self.outbox.list(dossier_id=dossier.id) if r.idempotency_key == key]
        if existing:
            raise AlreadyForwarded(existing[0])
        delivery = Delivery(
            id=str(uuid.uuid4()),
            idempotency_key=key,
            table=preview.table,
            table_label=preview.label,
            dossier_id=dossier.id,
            signal_id=dossier.signal_id,
            payload=payload.data,
            payload_json=payload.body,
            payload_sha256=payload.sha256,
            rendering_html=preview.rendering_html,
            officer=Officer(actor.id, actor.name, dossier.signal["municipality"]),
            purpose=Purpose(dossier.purpose.id, dossier.purpose.name, dossier.purpose.legal_ground),
            trace=TraceContext(dossier.trace_id, uuid.uuid4().hex[:16]),
        )
        return self.outbox.enqueue(
            delivery,
            municipality=dossier.signal["municipality"],
            max_attempts=self.config.tables[preview.table].max_attempts,
            confirmed_by=actor.id,
        )

    # -- worker -----------------------------------------------------------------------

    async def deliver_due(
        self, worker: str, *, limit: int = 10, lease_s: float = 120.0
    ) -> list[DeliveryRow]:
        """One pass: claim due deliveries, send them concurrently, record the results."""
        await self.runtime.start_other_fakes()
        rows = await asyncio.to_thread(self.outbox.claim, worker, limit=limit, lease_s=lease_s)
        if not rows:
            return []
        done = list(await asyncio.gather(*(self._deliver(row, worker, lease_s) for row in rows)))
        for row in done:
            if row.state == "failed":  # given up: an officer must decide what now
                await asyncio.to_thread(
                    self.storage.notifications.add, row.municipality, "levering_mislukt", row.id
                )
        return done

    async def _deliver(self, row: DeliveryRow, worker: str, lease_s: float) -> DeliveryRow:
        delivery = await asyncio.to_thread(self.outbox.delivery, row)
        try:
            if delivery.notice is not None:
                transport = self.runtime.table_transport(
                    row.table_name, notice_to=str(delivery.payload["to"])
                )
            else:
                transport = self.runtime.table_transport(row.table_name)
        except Exception as exc:  # a table removed from the configuration, bad settings
            return await asyncio.to_thread(
                self.outbox.attempt_failed,
                row.id,
                f"tafel niet bruikbaar: {exc}",
                transient=False,
                retry_after=None,
                worker=worker,
            )
        try:
            async with asyncio.timeout(lease_s * 0.9):
                receipt = await transport.deliver(delivery)
        except DeliveryFailed as exc:
            log.warning(
                "delivery_failed",
                delivery_id=row.id,
                table=row.table_name,
                attempt=row.attempts,
                transient=exc.transient,
            )
            return await asyncio.to_thread(
                self.outbox.attempt_failed,
                row.id,
                str(exc),
                transient=exc.transient,
                retry_after=exc.retry_after,
                worker=worker,
            )
        except TimeoutError:
            return await asyncio.to_thread(
                self.outbox.attempt_failed,
                row.id,
                "geen antwoord binnen de leasetijd",
                transient=True,
                retry_after=None,
                worker=worker,
            )
        except Exception as exc:  # a transport bug must not lose the delivery
            log.error("transport_crashed", delivery_id=row.id, error_type=type(exc).__name__)
            return await asyncio.to_thread(
                self.outbox.attempt_failed,
                row.id,
                f"transportfout {type(exc).__name__}: {exc}",
                transient=True,
                retry_after=None,
                worker=worker,
            )
        finally:
            await transport.aclose()

        def finish() -> DeliveryRow:
            with self.storage.db.transaction():
                done = self.outbox.delivered(row.id, receipt, worker=worker)
                if delivery.notice is None:
                    self.storage.trail.record(self._disclosures(delivery, done))
            return done

        return await asyncio.to_thread(finish)

    def _disclosures(self, delivery: Delivery, row: DeliveryRow) -> list[DisclosureRecord]:
        """One record per data subject whose data is in the payload: its subjects, and
        every person a sent value names (e.g. the co-residents of an address)."""
        purpose = self.config.purpose(delivery.purpose.id)
        withhold = bool(purpose and purpose.withhold_from_subject)
        table = self.config.tables.get(row.table_name)
        pseudonymiser = self.storage.trail.pseudonymiser
        facts = delivery.payload.get("facts", [])
        # (id_type, pseudonym) -> (attributes sent about them, any of them Bibob)
        disclosed: dict[tuple[str, str], tuple[set[str], bool]] = {}

        def add(who: tuple[str, str], attributes: list[str], bibob: bool) -> None:
            fields, was_bibob = disclosed.setdefault(who, (set(), False))
            fields.update(attributes)
            disclosed[who] = (fields, was_bibob or bibob)

        for subject in delivery.payload.get("subjects", []):
            own = [f for f in facts if f["subject"] == subject["key"]]
            if subject["kind"] == "person":
                who = pseudonymiser.subject(
                    PersonRef(subject["identifiers"]["burgerservicenummer"])
                )
            else:
                id_type = {"address": "adres", "business": "KvK"}[subject["kind"]]
                who = (id_type, pseudonymiser.pseudonymise(subject["key"], id_type))
            add(
                who, [f["attribute"] for f in own], any(f["classification"] == "bibob" for f in own)
            )
        for fact in facts:
            for bsn in sorted(set(bsns_in(fact["value"]))):
                who = pseudonymiser.subject(PersonRef(bsn))
                add(who, [fact["attribute"]], fact["classification"] == "bibob")
        return [
            DisclosureRecord(
                trace_id=delivery.trace.trace_id,
                span_id=delivery.trace.span_id,
                time=utc_now(),
                recipient=row.table_name,
                recipient_label=table.label if table else row.table_name,
                transport=table.transport if table else "?",
                delivery_id=row.id,
                dossier_id=row.dossier_id,
                signal_id=row.signal_id,
                municipality=row.municipality,
                payload_sha256=row.payload_sha256,
                receipt_reference=row.receipt_reference,
                fields=tuple(sorted(fields)),
                data_subject_id=pseudonym,
                data_subject_id_type=id_type,
                pseudonym_key_id=pseudonymiser.key_id,
                processing_activity_id=delivery.purpose.id,
                processing_activity_name=delivery.purpose.name,
                legal_ground=delivery.purpose.legal_ground,
                retention_days=purpose.retention_days if purpose else 1,
                confidential=withhold or bibob,
            )
            for (id_type, pseudonym), (fields, bibob) in disclosed.items()
        ]

    # -- feedback (step 7) ------------------------------------------------------------

    def store_feedback(self, row: DeliveryRow, text: str, source: str) -> Feedback:
        """Keep a table's feedback on a delivery (encrypted), acknowledge the delivery
        and tell the reporter; who may give it is :mod:`hub.usecases.forwarding`'s."""
        feedback_id = str(uuid.uuid4())
        now = format_ts(utc_now())
        cipher = self.storage.keys.cipher()
        envelope = cipher.encrypt(
            json.dumps({"text": text}).encode(), kind="feedback", record_id=feedback_id
        )
        with self.storage.db.transaction() as tx:
            tx.execute(
                "INSERT INTO feedback (id, delivery_id, dossier_id, signal_id, source,"
                " received_at, key_id, envelope) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    feedback_id,
                    row.id,
                    row.dossier_id,
                    row.signal_id,
                    source,
                    now,
                    cipher.key_id,
                    envelope,
                ),
            )
            self.outbox.acknowledge(row.id)
            self._enqueue_notice(row)
        return Feedback(feedback_id, row.id, row.dossier_id, source, now, text)

    def _enqueue_notice(self, row: DeliveryRow) -> None:
        """Tell the reporting colleague, once per signal, that it was handled."""
        notices = self.config.notices
        if not notices.enabled or row.table_name == NOTICE_TABLE:
            return
        dossier = self.storage.load_dossier(row.dossier_id)
        reporter = dossier.signal.get("reporter") or {}
        email = reporter.get("email")
        if not email:
            return
        key = hashlib.sha256(f"notice\x00{dossier.signal_id}".encode()).hexdigest()
        if any(r.idempotency_key == key for r in self.outbox.list(dossier_id=dossier.id)):
            return
        text = notices.text.format(naam=reporter.get("name", "collega"))
        payload = {"kind": "notice", "to": email, "text": text}
        body = json.dumps(payload, ensure_ascii=False).encode()
        self.outbox.enqueue(
            Delivery(
                id=str(uuid.uuid4()),
                idempotency_key=key,
                table=NOTICE_TABLE,
                table_label="Melder",
                dossier_id=dossier.id,
                signal_id=dossier.signal_id,
                payload=payload,
                payload_json=body,
                payload_sha256=hashlib.sha256(body).hexdigest(),
                rendering_html="",
                officer=Officer(
                    dossier.officer.id, dossier.officer.name, dossier.officer.municipality
                ),
                purpose=Purpose(
                    dossier.purpose.id, dossier.purpose.name, dossier.purpose.legal_ground
                ),
                trace=TraceContext(dossier.trace_id, uuid.uuid4().hex[:16]),
                notice=text,
            ),
            municipality=row.municipality,
            max_attempts=8,
            confirmed_by=row.confirmed_by,
        )

    def feedback_for(self, dossier_id: str) -> list[Feedback]:
        rows = self.storage.db.query(
            "SELECT id, delivery_id, dossier_id, source, received_at, envelope FROM feedback"
            " WHERE dossier_id = ? ORDER BY received_at",
            (dossier_id,),
        )
        cipher = self.storage.keys.cipher()
        return [
            Feedback(
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                json.loads(cipher.decrypt(bytes(r[5]), kind="feedback", record_id=r[0]))["text"],
            )
            for r in rows
        ]
