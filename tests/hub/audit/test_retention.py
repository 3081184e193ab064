"""Retention per data class, legal holds, receipts, and verification afterwards."""

from __future__ import annotations

import os
from datetime import timedelta
from types import SimpleNamespace

import pytest

from hub.audit import (
    ACCESS_LOG,
    BRP_LOG,
    PROCESSING_LOG,
    AuditTrail,
    LegalHolds,
    Retention,
    RetentionError,
    StoreLedger,
    search,
)
from hub.store import Cipher, Database, DossierNotFound, DossierStore, EvidenceStore, utc_now
from hub.store.testing import sample_response


@pytest.fixture
def world(trail: AuditTrail, db: Database, kit: SimpleNamespace) -> SimpleNamespace:
    """Two signals, each with a dossier, a response and a logged BRP call."""
    cipher = Cipher(os.urandom(32))
    ledger = StoreLedger(trail.store)
    dossiers = DossierStore(db, cipher, ledger=ledger)
    evidence_store = EvidenceStore(db, cipher, ledger=ledger)
    for signal, bsn in (("sig-open", kit.BSN), ("sig-held", kit.OTHER_BSN)):
        dossiers.save(f"d-{signal}", signal, "0405", "o-hoorn-1", {"signal": signal})
        evidence_store.save(sample_response(len(signal)), f"d-{signal}", "a" * 32)
        trail.record(kit.brp_call(trail.pseudonymiser, bsn=bsn, signal=signal))
    LegalHolds(db).place("sig-held", reason="strafrechtelijk onderzoek", placed_by="auditor-1")
    trail.checkpoint()
    return SimpleNamespace(dossiers=dossiers, evidence=evidence_store)


def test_nothing_is_due_yet(trail: AuditTrail, world: SimpleNamespace) -> None:
    report = Retention(trail).run()
    assert sum(report.deleted.values()) == 0 and report.receipts == {}


def test_everything_due_except_the_held_signal(
    trail: AuditTrail, db: Database, world: SimpleNamespace, kit: SimpleNamespace
) -> None:
    later = utc_now() + timedelta(days=7306)
    report = Retention(trail).run(now=later)
    assert report.deleted == {
        "dossier": 1,
        "raw_responses": 1,
        "processing_log": 1,
        "access_log": 1,
        "brp_protocol": 1,
    }
    with pytest.raises(DossierNotFound):
        world.dossiers.load("d-sig-open")
    assert world.dossiers.load("d-sig-held") == {"signal": "sig-held"}
    assert [e.dossier_id for e in world.evidence.for_dossier("d-sig-held")] == ["d-sig-held"]
    assert world.evidence.for_dossier("d-sig-open") == []

    # deleted log entries keep their leaf hash; the receipts say what, why and when
    deleted = trail.processing.entry(0)
    assert deleted.payload is None and deleted.redacted_by is not None and deleted.intact
    receipt = trail.processing.entry(deleted.redacted_by).payload
    assert receipt is not None and receipt["kind"] == "deletion"
    assert receipt["entries"] == [[0, 1]] and receipt["data_class"] == "processing_log"
    assert "1826 days" in receipt["reason"] and receipt["cutoff"]
    dossier_receipt = report.receipts["dossier"]
    assert dossier_receipt.log == ACCESS_LOG and dossier_receipt.payload is not None
    assert dossier_receipt.payload["ids"] == ["d-sig-open"]
    # ...and the store log has a deletion entry per row, pointing at that receipt
    deletions = [e.payload for e in search(trail, logs=["store"]) if e.payload]
    deletions = [p for p in deletions if p.get("action") == "delete"]
    assert sorted(p["record"] for p in deletions) == ["dossier", "evidence"]
    assert all(
        p["reason"].startswith("retention") and p["envelope_sha256"] is None for p in deletions
    )
    dossier_deletion = next(p for p in deletions if p["record"] == "dossier")
    assert f"access log entry {dossier_receipt.index}" in dossier_deletion["reason"]
    assert {p["record_id"] for p in deletions if p["record"] == "dossier"} == {"d-sig-open"}

    # the person of the open signal is gone from the logs; the held one is not
    assert search(trail, bsn=kit.BSN) == []
    assert {e.log for e in search(trail, bsn=kit.OTHER_BSN)} == {PROCESSING_LOG, BRP_LOG}

    # verification still passes, against the checkpoints from before the deletion
    trail.checkpoint()
    assert all(r.ok for r in trail.verify())
    assert trail.processing.verify().redacted == 1

    # receipts are never deleted; a second run has nothing left to do
    again = Retention(trail).run(now=later + timedelta(days=1))
    assert sum(again.deleted.values()) == 0
    with pytest.raises(RetentionError):
        trail.processing.redact([deleted.redacted_by], {"kind": "deletion"})


def test_brp_protocol_outlives_the_other_logs(trail: AuditTrail, world: SimpleNamespace) -> None:
    report = Retention(trail).run(now=utc_now() + timedelta(days=2000))
    assert report.deleted["processing_log"] == 1 and report.deleted["access_log"] == 1
    assert report.deleted["brp_protocol"] == 0
    assert trail.brp_protocol.entry(0).payload is not None


def test_released_hold_lets_retention_proceed(
    trail: AuditTrail, db: Database, world: SimpleNamespace
) -> None:
    holds = LegalHolds(db)
    assert holds.is_held("sig-held") and [h.signal_id for h in holds.all()] == ["sig-held"]
    assert holds.release("sig-held") and not holds.release("sig-held")
    report = Retention(trail).run(now=utc_now() + timedelta(days=7306))
    assert report.deleted["dossier"] == 2 and report.deleted["brp_protocol"] == 2
    assert all(r.ok for r in trail.verify())


def test_forwarded_payloads_and_feedback_go_with_their_dossier(
    trail: AuditTrail, db: Database, world: SimpleNamespace
) -> None:
    from hub.forwarding.outbox import Outbox
    from plugins import Delivery, Officer, Purpose, TraceContext

    box = Outbox(db, Cipher(os.urandom(32)))
    for signal in ("sig-open", "sig-held"):
        box.enqueue(
            Delivery(
                id=f"dl-{signal}",
                idempotency_key=f"k-{signal}",
                table="riec",
                table_label="RIEC",
                dossier_id=f"d-{signal}",
                signal_id=signal,
                payload={},
                payload_json=b"{}",
                payload_sha256="0" * 64,
                rendering_html="",
                officer=Officer("o", "O", "0405"),
                purpose=Purpose("VA", "n", "g"),
                trace=TraceContext.new_trace(),
            ),
            municipality="0405",
            max_attempts=3,
            confirmed_by="o",
        )
    Retention(trail).run(now=utc_now() + timedelta(days=7306))
    assert [r.id for r in box.list()] == ["dl-sig-held"]  # the held signal keeps it


def test_case_notes_go_with_the_last_dossier_of_their_signal(
    trail: AuditTrail, db: Database, world: SimpleNamespace
) -> None:
    from hub.audit.store_check import check_store
    from hub.store import CaseStore

    cases = CaseStore(db, Cipher(os.urandom(32)), ledger=StoreLedger(trail.store))
    for signal in ("sig-open", "sig-held"):
        cases.add(signal, "0405", "o-hoorn-1", "notitie", "gebeld")
    Retention(trail).run(now=utc_now() + timedelta(days=7306))
    assert [r[0] for r in db.query("SELECT signal_id FROM case_notes")] == ["sig-held"]
    assert check_store(trail.store).ok  # deleted with a deletion entry
