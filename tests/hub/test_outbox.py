"""The outbox state machine, on SQLite and PostgreSQL, including two workers sharing
the queue on PostgreSQL (SKIP LOCKED) and stuck deliveries taken over after a lease."""

from __future__ import annotations

import concurrent.futures
import os
import uuid
from dataclasses import replace
from datetime import timedelta

import pytest

from hub.forwarding.outbox import Outbox
from hub.store import Cipher, Database
from hub.store.testing import BACKENDS, temporary_database
from hub.store.timestamps import utc_now
from plugins import Delivery, Officer, Purpose, Receipt, TraceContext


@pytest.fixture(params=BACKENDS)
def db(request, tmp_path):
    with temporary_database(request.param, tmp_path) as database:
        yield database


def delivery(n: int = 0) -> Delivery:
    body = b'{"facts":[]}'
    return Delivery(
        id=str(uuid.uuid4()),
        idempotency_key=f"key-{n}-{uuid.uuid4().hex}",
        table="riec",
        table_label="RIEC",
        dossier_id="d1",
        signal_id="s1",
        payload={"facts": []},
        payload_json=body,
        payload_sha256="0" * 64,
        rendering_html="<p>x</p>",
        officer=Officer("o1", "Officer", "0405"),
        purpose=Purpose("VA", "n", "g"),
        trace=TraceContext.new_trace(),
    )


def outbox(db: Database) -> Outbox:
    return Outbox(db, Cipher(os.urandom(32)))


def test_enqueue_claim_deliver(db):
    box = outbox(db)
    d = delivery()
    row = box.enqueue(d, municipality="0405", max_attempts=3, confirmed_by="o1")
    assert row.state == "queued" and row.attempts == 0
    [claimed] = box.claim("w1")
    assert claimed.state == "sending" and claimed.attempts == 1 and claimed.worker == "w1"
    assert box.claim("w2") == []  # leased
    full = box.delivery(claimed)
    assert full.payload_json == d.payload_json and full.idempotency_key == d.idempotency_key
    done = box.delivered(claimed.id, Receipt("ref-1", "ok", "a" * 64), worker="w1")
    assert done.state == "delivered" and done.receipt_reference == "ref-1"
    assert done.delivered_at is not None


def test_payload_is_encrypted_at_rest(db):
    box = outbox(db)
    d = delivery()
    box.enqueue(d, municipality="0405", max_attempts=3, confirmed_by="o1")
    [(envelope,)] = db.query("SELECT envelope FROM deliveries")
    assert b"facts" not in bytes(envelope)


def test_transient_failure_backs_off_then_fails_after_budget(db):
    box = outbox(db)
    row = box.enqueue(delivery(), municipality="0405", max_attempts=2, confirmed_by="o1")
    box.claim("w")
    again = box.attempt_failed(row.id, "503", transient=True, retry_after=30, worker="w")
    assert again.state == "queued" and again.last_error == "503"
    assert box.claim("w") == []  # not due for 30 s
    later = utc_now() + timedelta(seconds=31)
    [second] = box.claim("w", now=later)
    assert second.attempts == 2
    final = box.attempt_failed(row.id, "503 again", transient=True, retry_after=None, worker="w")
    assert final.state == "failed" and final.last_error == "503 again"
    assert box.requeue(row.id).state == "queued"


def test_permanent_failure_fails_at_once(db):
    box = outbox(db)
    row = box.enqueue(delivery(), municipality="0405", max_attempts=5, confirmed_by="o1")
    box.claim("w")
    assert (
        box.attempt_failed(row.id, "401", transient=False, retry_after=None, worker="w").state
        == "failed"
    )


def test_stuck_delivery_is_detected_and_taken_over(db):
    box = outbox(db)
    row = box.enqueue(delivery(), municipality="0405", max_attempts=5, confirmed_by="o1")
    box.claim("dead-worker", lease_s=1)
    later = utc_now() + timedelta(seconds=2)
    assert box.get(row.id).stuck(later)
    [taken] = box.claim("w2", now=later)
    assert taken.worker == "w2" and taken.attempts == 2
    # the dead worker can no longer finish it
    box.delivered(row.id, Receipt("x", "late"), worker="dead-worker")
    assert box.get(row.id).state == "sending"


def test_duplicate_idempotency_key_is_refused(db):
    box = outbox(db)
    d = delivery()
    box.enqueue(d, municipality="0405", max_attempts=5, confirmed_by="o1")
    dup = replace(d, id=str(uuid.uuid4()))
    with pytest.raises(Exception):  # noqa: B017 - either backend's unique violation
        box.enqueue(dup, municipality="0405", max_attempts=5, confirmed_by="o1")
    assert len(box.list()) == 1


@pytest.mark.postgres
def test_two_workers_share_the_queue_without_overlap(tmp_path):
    with temporary_database("postgresql", tmp_path) as db:
        box = outbox(db)
        for n in range(40):
            box.enqueue(delivery(n), municipality="0405", max_attempts=3, confirmed_by="o1")
        # a second process-like worker: its own connection to the same schema
        with Database(os.environ["OPPLUS_TEST_POSTGRES_DSN"], schema=db.schema) as db2:
            box2 = Outbox(db2, box.cipher)

            def drain(b: Outbox, name: str) -> list[str]:
                got: list[str] = []
                while rows := b.claim(name, limit=3):
                    got += [r.id for r in rows]
                return got

            with concurrent.futures.ThreadPoolExecutor(2) as pool:
                a, b = pool.map(lambda args: drain(*args), [(box, "w1"), (box2, "w2")])
        assert len(a) + len(b) == 40 and not set(a) & set(b)
        assert a and b  # both took part
