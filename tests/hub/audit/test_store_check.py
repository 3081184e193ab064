"""The store log and ``verify`` over the encrypted tables, on both backends: every
write is logged with its bound columns and envelope hash, a retention delete is
receipted, and each attack on the tables is found and names the record."""

from __future__ import annotations

import os
from datetime import timedelta
from types import SimpleNamespace

import pytest

from hub.audit import (
    STORE_REPORT,
    AuditTrail,
    Retention,
    StoreLedger,
    TamperDetected,
    adopt_unlogged,
    search,
)
from hub.store import Cipher, Database, DossierStore, EvidenceStore, StoreTampered, utc_now
from hub.store.crypto import envelope_version
from hub.store.testing import STORE_ATTACKS, Attack, legacy_envelope, sample_response


@pytest.fixture
def store(trail: AuditTrail, db: Database) -> SimpleNamespace:
    """Two dossiers (Enkhuizen and Hoorn) with a stored response each, logged."""
    cipher = Cipher(os.urandom(32))
    ledger = StoreLedger(trail.store)
    dossiers = DossierStore(db, cipher, ledger=ledger)
    evidence = EvidenceStore(db, cipher, ledger=ledger)
    for n, (dossier_id, municipality) in enumerate((("d-1", "0388"), ("d-2", "0405"))):
        dossiers.save(dossier_id, f"sig-{n}", municipality, "af-1", {"n": n})
        evidence.save(sample_response(n), dossier_id, "a" * 32, signal_id=f"sig-{n}")
    return SimpleNamespace(cipher=cipher, dossiers=dossiers, evidence=evidence)


def store_report(trail: AuditTrail) -> object:
    with pytest.raises(TamperDetected) as caught:
        trail.verify()
    [report] = [r for r in caught.value.reports if r.log == STORE_REPORT]
    assert not report.ok
    assert [r.log for r in caught.value.reports if not r.ok] == [STORE_REPORT]
    return report


def test_every_write_is_logged_with_its_columns_and_envelope_hash(
    trail: AuditTrail, db: Database, store: SimpleNamespace
) -> None:
    entries = [e.payload for e in search(trail, logs=["store"]) if e.payload]
    assert [(p["record"], p["action"]) for p in entries] == [
        ("dossier", "write"),
        ("evidence", "write"),
    ] * 2
    first = entries[0]
    assert first["columns"]["municipality"] == "0388" and first["signal_id"] == "sig-0"
    assert len(first["envelope_sha256"]) == 64 and len(first["columns_sha256"]) == 64
    # a registry URL may hold a postcode: only its hash is in the log
    assert "url" not in entries[1]["columns"] and "1621AB" not in str(entries)
    reports = trail.verify()
    assert reports[-1].log == STORE_REPORT and reports[-1].ok
    assert reports[-1].size == 4 and "4 record(s) match" in reports[-1].summary()


def test_a_resaved_dossier_is_logged_again(trail: AuditTrail, store: SimpleNamespace) -> None:
    store.dossiers.save("d-1", "sig-0", "0388", "af-1", {"n": 10})
    assert trail.verify()[-1].ok


def test_a_deleted_evidence_row_is_named(
    trail: AuditTrail, db: Database, store: SimpleNamespace
) -> None:
    [row] = store.evidence.for_dossier("d-2")
    db.execute("DELETE FROM evidence WHERE id = ?", (row.id,))
    report = store_report(trail)
    first = report.first  # type: ignore[attr-defined]
    assert first.problem == "record_missing"
    assert f"evidence {row.id} of dossier d-2: deleted without a deletion entry" in first.detail
    assert row.id in report.summary()  # type: ignore[attr-defined]


def test_a_changed_municipality_is_named(
    trail: AuditTrail, db: Database, store: SimpleNamespace
) -> None:
    db.execute("UPDATE dossiers SET municipality = '0405' WHERE id = 'd-1'")
    first = store_report(trail).first  # type: ignore[attr-defined]
    assert first.problem == "record_altered"
    assert first.detail.startswith("dossier d-1: column(s) municipality changed")


def test_an_unreadable_store_entry_is_a_finding_not_a_crash(
    trail: AuditTrail, store: SimpleNamespace
) -> None:
    trail.store.append({"kind": "store", "n": 1})  # a store entry without its fields
    first = store_report(trail).first  # type: ignore[attr-defined]
    assert first.problem == "malformed"
    assert "not a store record" in first.detail


def test_a_retention_delete_is_not_a_silent_delete(
    trail: AuditTrail, store: SimpleNamespace
) -> None:
    report = Retention(trail).run(now=utc_now() + timedelta(days=7306))
    assert report.deleted["dossier"] == 2 and report.deleted["raw_responses"] == 2
    [check] = [r for r in trail.verify() if r.log == STORE_REPORT]
    assert check.ok and check.size == 0 and check.redacted == 4


@pytest.mark.parametrize(("name", "attack"), STORE_ATTACKS, ids=[n for n, _ in STORE_ATTACKS])
def test_every_attack_on_the_tables_is_detected(
    trail: AuditTrail, db: Database, store: SimpleNamespace, name: str, attack: Attack
) -> None:
    attack(db)
    report = store_report(trail)
    record = name.split(":")[0]
    first = report.first  # type: ignore[attr-defined]
    assert first.detail.startswith(record), first.detail


def test_rows_from_before_the_store_log_are_adopted_once(trail: AuditTrail, db: Database) -> None:
    cipher = Cipher(os.urandom(32))
    DossierStore(db, cipher).save("d-old", "sig-old", "0405", "af-1", {"oud": True})
    first = store_report(trail).first  # type: ignore[attr-defined]
    assert first.problem == "unlogged" and "d-old" in first.detail
    assert adopt_unlogged(db, trail.store, cipher) == 1
    assert adopt_unlogged(db, trail.store, cipher) == 0
    assert trail.verify()[-1].ok
    db.execute("UPDATE dossiers SET municipality = '0388'")
    assert store_report(trail).first.problem == "record_altered"  # type: ignore[attr-defined]


def test_a_version_1_envelope_is_resealed_with_its_columns_bound(
    trail: AuditTrail, db: Database
) -> None:
    key = os.urandom(32)
    cipher = Cipher(key)
    dossiers = DossierStore(db, cipher)
    dossiers.save("d-old", "sig-old", "0388", "af-1", {})
    old = legacy_envelope(key, b'{"oud": true}', "dossier", "d-old")
    db.execute("UPDATE dossiers SET envelope = ? WHERE id = 'd-old'", (old,))
    assert adopt_unlogged(db, trail.store, cipher) == 1
    [(sealed,)] = db.query("SELECT envelope FROM dossiers WHERE id = 'd-old'")
    assert envelope_version(bytes(sealed)) == 2 and dossiers.load("d-old") == {"oud": True}
    db.execute("UPDATE dossiers SET municipality = '0405' WHERE id = 'd-old'")
    with pytest.raises(StoreTampered):
        dossiers.load("d-old")
