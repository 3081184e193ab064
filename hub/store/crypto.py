"""AES-256-GCM envelopes for what is encrypted at rest: dossiers and registry responses.

An envelope is self-describing::

    b"OPE" | version (1) | key-id length (1) | key id (ASCII) | nonce (12) | ciphertext+tag

The associated data is the header (so the key id and version cannot be swapped) plus
the record kind and id: an envelope moved to another row (another dossier) does not
open. The nonce is 96 random bits per envelope. Old keys may be kept for decryption
after a key change (``previous``); new envelopes always use the current key.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .errors import DecryptionFailed, KeyInvalid

__all__ = ["KEY_BYTES", "Cipher", "key_id"]

KEY_BYTES = 32
_MAGIC = b"OPE\x01"
_NONCE = 12


def key_id(key: bytes, purpose: str) -> str:
    """A short public name for a key: a domain-separated hash, not the key."""
    return hashlib.sha256(f"opplus key id/{purpose}\x00".encode() + key).hexdigest()[:16]


class Cipher:
    """Encrypts and decrypts envelopes with AES-256-GCM."""

    def __init__(self, key: bytes, *, previous: Sequence[bytes] = ()) -> None:
        keys = [key, *previous]
        for k in keys:
            if len(k) != KEY_BYTES:
                raise KeyInvalid(f"an encryption key is {KEY_BYTES} bytes (AES-256)")
        self.key_id = key_id(key, "encryption")
        self._current = AESGCM(key)
        self._by_id = {key_id(k, "encryption"): AESGCM(k) for k in keys}

    def __repr__(self) -> str:
        return f"Cipher(key_id={self.key_id!r})"

    def encrypt(self, plaintext: bytes, *, kind: str, record_id: str) -> bytes:
        """Seal ``plaintext`` for the row ``kind``/``record_id``."""
        kid = self.key_id.encode("ascii")
        nonce = os.urandom(_NONCE)
        header = _MAGIC + bytes([len(kid)]) + kid + nonce
        return header + self._current.encrypt(nonce, plaintext, _aad(header, kind, record_id))

    def decrypt(self, envelope: bytes, *, kind: str, record_id: str) -> bytes:
        """Open an envelope; :class:`DecryptionFailed` on a wrong key or any change."""
        envelope = bytes(envelope)
        if not envelope.startswith(_MAGIC) or len(envelope) < len(_MAGIC) + 1:
            raise DecryptionFailed(f"{kind} {record_id}: not an opplus envelope")
        n = envelope[len(_MAGIC)]
        start = len(_MAGIC) + 1
        kid = envelope[start : start + n].decode("ascii", errors="replace")
        header_end = start + n + _NONCE
        if len(envelope) < header_end + 16:
            raise DecryptionFailed(f"{kind} {record_id}: envelope is truncated")
        aead = self._by_id.get(kid)
        if aead is None:
            raise DecryptionFailed(
                f"{kind} {record_id}: encrypted with key {kid}, which is not loaded"
            )
        header = envelope[:header_end]
        nonce = header[-_NONCE:]
        try:
            return aead.decrypt(nonce, envelope[header_end:], _aad(header, kind, record_id))
        except InvalidTag:
            raise DecryptionFailed(
                f"{kind} {record_id}: authentication failed (tampered data or wrong key)"
            ) from None


def _aad(header: bytes, kind: str, record_id: str) -> bytes:
    return header + kind.encode() + b"\x00" + record_id.encode()
