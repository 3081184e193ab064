"""Encrypted dossiers and raw responses at rest, on both backends."""

from __future__ import annotations

import hashlib
import os
from datetime import UTC, datetime

import pytest

from hub.store import (
    Cipher,
    Database,
    DecryptionFailed,
    DossierNotFound,
    DossierStore,
    EvidenceNotFound,
    EvidenceStore,
    StoreTampered,
)
from plugins import Evidence

DOSSIER = {
    "id": "d-1",
    "signal": {"id": "sig-1"},
    "facts": [
        {"attribute": "naam", "value": "Katarzyna Wiśniewska", "subject": "person:999970057"}
    ],
    "created": datetime(2026, 5, 1, 9, 30, tzinfo=UTC),
}


def test_dossier_round_trip_encrypted_at_rest(db: Database, cipher: Cipher) -> None:
    store = DossierStore(db, cipher)
    store.save("d-1", "sig-1", "0405", "officer-1", DOSSIER)
    loaded = store.load("d-1")
    assert loaded["facts"] == DOSSIER["facts"]
    assert loaded["created"] == "2026-05-01T09:30:00.000000Z"
    [(envelope,)] = db.query("SELECT envelope FROM dossiers WHERE id = ?", ("d-1",))
    assert b"999970057" not in bytes(envelope) and "Wiśniewska".encode() not in bytes(envelope)


def test_dossier_update_list_and_missing(db: Database, cipher: Cipher) -> None:
    store = DossierStore(db, cipher)
    store.save("d-1", "sig-1", "0405", "officer-1", {"v": 1})
    first = store.summary("d-1")
    store.save("d-1", "sig-1", "0405", "officer-1", {"v": 2})
    store.save("d-2", "sig-2", "0388", "officer-2", {"v": 3})
    assert store.load("d-1") == {"v": 2}
    assert store.summary("d-1").created_at == first.created_at
    assert [d.id for d in store.list(municipality="0405")] == ["d-1"]
    assert {d.id for d in store.list()} == {"d-1", "d-2"}
    assert [d.id for d in store.list(signal_id="sig-2", officer_id="officer-2")] == ["d-2"]
    with pytest.raises(DossierNotFound):
        store.load("nope")


def test_dossier_wrong_key_and_swapped_envelope(db: Database, cipher: Cipher) -> None:
    store = DossierStore(db, cipher)
    store.save("d-1", "sig-1", "0405", "o", {"a": 1})
    store.save("d-2", "sig-1", "0405", "o", {"b": 2})
    with pytest.raises(DecryptionFailed):
        DossierStore(db, Cipher(os.urandom(32))).load("d-1")
    db.execute(
        "UPDATE dossiers SET envelope = (SELECT envelope FROM dossiers WHERE id = ?) WHERE id = ?",
        ("d-1", "d-2"),
    )
    with pytest.raises(DecryptionFailed):
        store.load("d-2")


def evidence(body: bytes = b'{"personen": []}', request_id: str = "req-1") -> Evidence:
    return Evidence(
        operation="RaadpleegMetBurgerservicenummer",
        request_id=request_id,
        retrieved_at=datetime(2026, 5, 1, 9, 30, tzinfo=UTC),
        status_code=200,
        media_type="application/json",
        body=body,
        url="https://brp.example/haalcentraal/api/brp/personen",
    )


def test_evidence_round_trip(db: Database, cipher: Cipher) -> None:
    store = EvidenceStore(db, cipher)
    ev = evidence(b'{"burgerservicenummer": "999970057"}')
    row_id = store.save(ev, "d-1", "a" * 32, signal_id="sig-1")
    assert store.save(ev, "d-1", "a" * 32) == row_id  # stored once
    assert store.load(row_id) == ev
    [found] = store.find("req-1", sha256=ev.sha256)
    assert found.sha256 == hashlib.sha256(ev.body).hexdigest() and found.dossier_id == "d-1"
    assert [e.id for e in store.for_dossier("d-1")] == [row_id]
    [(envelope,)] = db.query("SELECT envelope FROM evidence WHERE id = ?", (row_id,))
    assert b"999970057" not in bytes(envelope)
    with pytest.raises(EvidenceNotFound):
        store.load("nope")


def test_evidence_tampering(db: Database, cipher: Cipher) -> None:
    store = EvidenceStore(db, cipher)
    row_id = store.save(evidence(), "d-1", "a" * 32)
    db.execute("UPDATE evidence SET sha256 = ? WHERE id = ?", ("0" * 64, row_id))
    with pytest.raises(StoreTampered):  # the hash column is bound to the envelope
        store.load(row_id)
    [(envelope,)] = db.query("SELECT envelope FROM evidence WHERE id = ?", (row_id,))
    bent = bytearray(bytes(envelope))
    bent[-1] ^= 1
    db.execute("UPDATE evidence SET envelope = ? WHERE id = ?", (bytes(bent), row_id))
    with pytest.raises(DecryptionFailed):
        store.load(row_id)
