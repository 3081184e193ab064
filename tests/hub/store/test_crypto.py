"""AES-GCM envelopes: round trip, wrong key, tampering, binding to the record."""

from __future__ import annotations

import os

import pytest

from hub.store import Cipher, DecryptionFailed, KeyInvalid


def test_round_trip_and_random_nonce(cipher: Cipher) -> None:
    plain = b'{"naam": "Wi\xc5\x9bniewska"}'
    one = cipher.encrypt(plain, kind="dossier", record_id="d-1")
    two = cipher.encrypt(plain, kind="dossier", record_id="d-1")
    assert one != two  # a fresh nonce each time
    assert plain not in one
    assert cipher.decrypt(one, kind="dossier", record_id="d-1") == plain
    assert cipher.decrypt(two, kind="dossier", record_id="d-1") == plain
    assert cipher.key_id.encode() in one  # the envelope names its key


def test_wrong_key_is_refused(cipher: Cipher) -> None:
    sealed = cipher.encrypt(b"secret", kind="dossier", record_id="d-1")
    with pytest.raises(DecryptionFailed, match="not loaded"):
        Cipher(os.urandom(32)).decrypt(sealed, kind="dossier", record_id="d-1")


def test_previous_key_still_opens_old_envelopes(cipher: Cipher) -> None:
    old_key = os.urandom(32)
    sealed = Cipher(old_key).encrypt(b"old", kind="evidence", record_id="e-1")
    rotated = Cipher(os.urandom(32), previous=[old_key])
    assert rotated.decrypt(sealed, kind="evidence", record_id="e-1") == b"old"
    assert Cipher(old_key).key_id.encode() not in rotated.encrypt(
        b"new", kind="evidence", record_id="e-1"
    )


def test_every_tampered_byte_is_detected(cipher: Cipher) -> None:
    sealed = cipher.encrypt(b"payload of some length", kind="dossier", record_id="d-1")
    for i in range(len(sealed)):
        bent = bytearray(sealed)
        bent[i] ^= 0x01
        with pytest.raises(DecryptionFailed):
            cipher.decrypt(bytes(bent), kind="dossier", record_id="d-1")
    with pytest.raises(DecryptionFailed):
        cipher.decrypt(sealed[:-1], kind="dossier", record_id="d-1")
    with pytest.raises(DecryptionFailed):
        cipher.decrypt(sealed[:20], kind="dossier", record_id="d-1")
    with pytest.raises(DecryptionFailed):
        cipher.decrypt(b"plaintext", kind="dossier", record_id="d-1")


def test_envelope_is_bound_to_its_record(cipher: Cipher) -> None:
    sealed = cipher.encrypt(b"x", kind="dossier", record_id="d-1")
    with pytest.raises(DecryptionFailed):
        cipher.decrypt(sealed, kind="dossier", record_id="d-2")
    with pytest.raises(DecryptionFailed):
        cipher.decrypt(sealed, kind="evidence", record_id="d-1")


def test_key_length_and_repr() -> None:
    with pytest.raises(KeyInvalid):
        Cipher(b"short")
    key = os.urandom(32)
    assert key.hex() not in repr(Cipher(key))
