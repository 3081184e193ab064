"""AES-256-GCM envelopes for what is encrypted at rest: dossiers and registry responses.

An envelope is self-describing::

    b"OPE" | version (1) | key-id length (1) | key id (ASCII) | nonce (12) | ciphertext+tag

The associated data is the header (so the key id and version cannot be swapped) plus
the record kind and id: an envelope moved to another row (another dossier) does not
open. Version 2 also binds the row's clear columns (``bound``: municipality, officer,
times...), so a row whose authorisation or retention columns were changed in the
database does not open either (:class:`StoreTampered`). Version 1 envelopes, written
before that, still open with their old associated data: stored data is never lost.

The nonce is 96 random bits per envelope. Old keys may be kept for decryption after a
key change (``previous``); new envelopes always use the current key.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping, Sequence

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .errors import DecryptionFailed, KeyInvalid, StoreTampered

__all__ = ["KEY_BYTES", "Bound", "Cipher", "envelope_version", "key_id"]

KEY_BYTES = 32
_PREFIX = b"OPE"
_V1, _V2 = 1, 2
_NONCE = 12
_TAG = 16

#: the clear columns an envelope is bound to (text, integers or NULL)
Bound = Mapping[str, str | int | None]


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

    def encrypt(
        self, plaintext: bytes, *, kind: str, record_id: str, bound: Bound | None = None
    ) -> bytes:
        """Seal ``plaintext`` for the row ``kind``/``record_id`` with clear columns ``bound``."""
        kid = self.key_id.encode("ascii")
        nonce = os.urandom(_NONCE)
        header = _PREFIX + bytes([_V2, len(kid)]) + kid + nonce
        aad = _aad(header, _V2, kind, record_id, bound or {})
        return header + self._current.encrypt(nonce, plaintext, aad)

    def decrypt(
        self, envelope: bytes, *, kind: str, record_id: str, bound: Bound | None = None
    ) -> bytes:
        """Open an envelope; :class:`StoreTampered` when it or a bound column changed,
        :class:`DecryptionFailed` when its key is not loaded."""
        envelope = bytes(envelope)
        what = f"{kind} {record_id}"
        version = envelope_version(envelope)
        if version is None:
            raise StoreTampered(f"{what}: not an opplus envelope")
        n = envelope[len(_PREFIX) + 1]
        start = len(_PREFIX) + 2
        header_end = start + n + _NONCE
        if len(envelope) < header_end + _TAG:
            raise StoreTampered(f"{what}: envelope is truncated")
        kid = envelope[start : start + n].decode("ascii", errors="replace")
        aead = self._by_id.get(kid)
        if aead is None:
            # a flipped byte in the key id lands here too: say both
            raise DecryptionFailed(
                f"{what}: encrypted with key {kid!r}, which is not loaded"
                " (a key that was removed, or a damaged envelope)"
            )
        header = envelope[:header_end]
        aad = _aad(header, version, kind, record_id, bound or {})
        try:
            return aead.decrypt(header[-_NONCE:], envelope[header_end:], aad)
        except InvalidTag:
            raise StoreTampered(
                f"{what}: authentication failed: the envelope or a column bound to it was changed"
            ) from None


def envelope_version(envelope: bytes) -> int | None:
    """The format version of an envelope (1 or 2), or None when it is not one."""
    head = bytes(envelope[: len(_PREFIX) + 2])
    if len(head) < len(_PREFIX) + 2 or not head.startswith(_PREFIX):
        return None
    version = head[len(_PREFIX)]
    return version if version in (_V1, _V2) else None


def _aad(header: bytes, version: int, kind: str, record_id: str, bound: Bound) -> bytes:
    if version == _V1:
        return header + kind.encode() + b"\x00" + record_id.encode()
    # sorted keys, no whitespace: the same columns always give the same bytes
    columns = json.dumps(
        {"kind": kind, "id": record_id, "columns": dict(bound)},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return header + b"opplus aad v2\x00" + columns.encode()
