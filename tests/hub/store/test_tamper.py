"""Tampering with the encrypted tables, without the keys, on both backends: a changed
clear column or a damaged envelope does not open, and says so with a typed error."""

from __future__ import annotations

import os

import pytest

from hub.store import (
    Cipher,
    Database,
    DecryptionFailed,
    DossierStore,
    EvidenceStore,
    StoreTampered,
)
from hub.store.crypto import envelope_version
from hub.store.testing import STORE_ATTACKS, Attack, legacy_envelope, sample_response

HOORN, ENKHUIZEN = "0405", "0388"


def fill(db: Database, cipher: Cipher) -> tuple[DossierStore, EvidenceStore, str]:
    dossiers, evidence = DossierStore(db, cipher), EvidenceStore(db, cipher)
    dossiers.save("d-1", "sig-1", ENKHUIZEN, "af-enkhuizen", {"facts": ["geheim"]})
    row = evidence.save(sample_response(), "d-1", "a" * 32, signal_id="sig-1")
    return dossiers, evidence, row


def test_a_dossier_moved_to_another_municipality_does_not_open(
    db: Database, cipher: Cipher
) -> None:
    dossiers, _, _ = fill(db, cipher)
    db.execute("UPDATE dossiers SET municipality = ? WHERE id = ?", (HOORN, "d-1"))
    # the clear column says Hoorn now, but the envelope was sealed for Enkhuizen
    assert dossiers.summary("d-1").municipality == HOORN
    with pytest.raises(StoreTampered, match="d-1"):
        dossiers.open("d-1")
    assert dossiers.list(municipality=HOORN, checked=True) == []
    assert [d.id for d in dossiers.list(municipality=HOORN)] == ["d-1"]  # unchecked: raw


@pytest.mark.parametrize(
    "column", ["signal_id", "municipality", "officer_id", "created_at", "updated_at"]
)
def test_every_bound_dossier_column_is_checked(db: Database, cipher: Cipher, column: str) -> None:
    dossiers, _, _ = fill(db, cipher)
    db.execute(f"UPDATE dossiers SET {column} = {column} || 'x' WHERE id = ?", ("d-1",))
    with pytest.raises(StoreTampered):
        dossiers.load("d-1")


@pytest.mark.parametrize("column", ["dossier_id", "signal_id", "stored_at", "url", "operation"])
def test_every_bound_evidence_column_is_checked(db: Database, cipher: Cipher, column: str) -> None:
    _, evidence, row = fill(db, cipher)
    db.execute(f"UPDATE evidence SET {column} = {column} || 'x' WHERE id = ?", (row,))
    with pytest.raises(StoreTampered):
        evidence.load(row)


@pytest.mark.parametrize(("name", "attack"), [a for a in STORE_ATTACKS if "dossier:" in a[0]])
def test_dossier_attacks_never_open_and_never_crash(
    db: Database, cipher: Cipher, name: str, attack: Attack
) -> None:
    dossiers, _, _ = fill(db, cipher)
    attack(db)
    rows = [s.id for s in dossiers.list()]
    if name.endswith("row deleted"):
        assert rows == []  # found by the store check, not here
        return
    attacked = [r for r in rows if r != "d-1"] if "copied" in name else rows
    assert attacked
    for row_id in attacked:
        # a typed error naming the row (no IndexError, UnicodeError...), never content
        with pytest.raises(DecryptionFailed) as caught:
            dossiers.load(row_id)
        assert row_id in str(caught.value) and "geheim" not in str(caught.value)
    assert [s.id for s in dossiers.list(checked=True)] == [r for r in rows if r not in attacked]


def test_damaged_envelopes_are_typed_errors(cipher: Cipher) -> None:
    sealed = cipher.encrypt(b"inhoud", kind="dossier", record_id="d-1", bound={"m": "0405"})
    bent_kid = bytearray(sealed)
    bent_kid[6] ^= 0x01
    cases = {
        "empty": b"",
        "magic only": sealed[:4],
        "header only": sealed[:30],
        "one byte short": sealed[:-1],
        "flipped tag": sealed[:-1] + bytes([sealed[-1] ^ 1]),
        "unknown version": sealed[:3] + b"\x09" + sealed[4:],
    }
    for name, envelope in cases.items():
        with pytest.raises(StoreTampered):
            cipher.decrypt(envelope, kind="dossier", record_id="d-1", bound={"m": "0405"})
            pytest.fail(f"{name}: opened")
    with pytest.raises(DecryptionFailed, match="not loaded"):
        cipher.decrypt(bytes(bent_kid), kind="dossier", record_id="d-1", bound={"m": "0405"})
    with pytest.raises(StoreTampered):
        cipher.decrypt(sealed, kind="dossier", record_id="d-1", bound={"m": "0388"})


def test_version_1_envelopes_still_open(db: Database) -> None:
    key = os.urandom(32)
    cipher = Cipher(key)
    dossiers = DossierStore(db, cipher)
    dossiers.save("d-old", "sig-1", HOORN, "af-hoorn", {"x": 0})
    old = legacy_envelope(key, b'{"oud": true}', "dossier", "d-old")
    db.execute("UPDATE dossiers SET envelope = ? WHERE id = ?", (old, "d-old"))
    assert envelope_version(old) == 1
    assert dossiers.load("d-old") == {"oud": True}
    assert envelope_version(cipher.encrypt(b"x", kind="k", record_id="r")) == 2
