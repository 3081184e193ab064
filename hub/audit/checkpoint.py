"""Signed checkpoints: a log's tree head (name, size, root hash, time) under Ed25519.

The signed message is ``b"opplus checkpoint v1\\n"`` followed by the RFC 8785 JSON of
``{"log", "root_hash" (hex), "size", "timestamp"}``. :meth:`Checkpoint.to_json` is
the form to hand to an auditor or publish elsewhere: a copy kept outside the
database is what makes truncating or rewriting the log detectable later.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from hub.store.keys import public_key_id

from .canonical import canonical_json

__all__ = ["Checkpoint", "load_public_key", "verify_checkpoint"]

_PREFIX = b"opplus checkpoint v1\n"


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A signed tree head."""

    log: str
    size: int
    root_hash: bytes
    timestamp: str
    key_id: str
    signature: bytes

    @staticmethod
    def message(log: str, size: int, root_hash: bytes, timestamp: str) -> bytes:
        """The bytes that are signed."""
        body = {"log": log, "root_hash": root_hash.hex(), "size": size, "timestamp": timestamp}
        return _PREFIX + canonical_json(body)

    @classmethod
    def sign(
        cls, key: Ed25519PrivateKey, log: str, size: int, root_hash: bytes, timestamp: str
    ) -> Checkpoint:
        signature = key.sign(cls.message(log, size, root_hash, timestamp))
        return cls(log, size, root_hash, timestamp, public_key_id(key.public_key()), signature)

    def verify(self, keys: Mapping[str, Ed25519PublicKey]) -> bool:
        """True when signed by one of ``keys`` (by key id) and unchanged."""
        key = keys.get(self.key_id)
        if key is None:
            return False
        try:
            key.verify(
                self.signature, self.message(self.log, self.size, self.root_hash, self.timestamp)
            )
        except InvalidSignature:
            return False
        return True

    def to_json(self) -> dict[str, Any]:
        return {
            "log": self.log,
            "size": self.size,
            "root_hash": self.root_hash.hex(),
            "timestamp": self.timestamp,
            "key_id": self.key_id,
            "signature": base64.b64encode(self.signature).decode("ascii"),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Checkpoint:
        return cls(
            log=str(data["log"]),
            size=int(data["size"]),
            root_hash=bytes.fromhex(str(data["root_hash"])),
            timestamp=str(data["timestamp"]),
            key_id=str(data["key_id"]),
            signature=base64.b64decode(str(data["signature"])),
        )


def load_public_key(text: str) -> Ed25519PublicKey:
    """A public key from base64 of its 32 raw bytes (as :meth:`Keys.public_key_text`)."""
    return Ed25519PublicKey.from_public_bytes(base64.b64decode(text))


def verify_checkpoint(checkpoint: Mapping[str, Any], public_key: str) -> bool:
    """Third-party check: a checkpoint's JSON against a base64 public key."""
    key = load_public_key(public_key)
    return Checkpoint.from_json(checkpoint).verify({public_key_id(key): key})
