"""Pseudonymised data subject ids: a keyed HMAC, so the logs hold no BSN.

An auditor who holds the key finds a person's log lines by hashing the BSN on the
fly (:meth:`Pseudonymiser.all_pseudonyms` covers earlier keys after a key change);
without the key the pseudonym cannot be turned back into a BSN, nor guessed by
hashing all nine-digit numbers.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence

from plugins import AddressRef, BusinessRef, PersonRef, Subject, is_valid_bsn

__all__ = ["Pseudonymiser"]

#: the ``data_subject_id_type`` per subject kind
SUBJECT_ID_TYPES = {"person": "BSN", "business": "KvK", "address": "adres"}


def _key_id(key: bytes) -> str:
    return hashlib.sha256(b"opplus key id/pseudonym\x00" + key).hexdigest()[:16]


class Pseudonymiser:
    """HMAC-SHA256 of ``"<type>\\x00<id>"`` under the pseudonym key, as hex."""

    def __init__(self, key: bytes, *, previous: Sequence[bytes] = ()) -> None:
        if len(key) < 32:
            raise ValueError("a pseudonym key is at least 32 bytes")
        self._keys = [key, *previous]
        self.key_id = _key_id(key)

    def __repr__(self) -> str:
        return f"Pseudonymiser(key_id={self.key_id!r})"

    @staticmethod
    def _normalise(value: str, id_type: str) -> str:
        if id_type == "BSN":
            value = value.replace(" ", "").replace(".", "")
            if not is_valid_bsn(value):
                raise ValueError(  # never echo the value
                    "geen geldig BSN: 9 cijfers 0-9 die de elfproef doorstaan"
                )
        return value

    def _hmac(self, key: bytes, value: str, id_type: str) -> str:
        message = f"{id_type}\x00{self._normalise(value, id_type)}".encode()
        return hmac.new(key, message, hashlib.sha256).hexdigest()

    def pseudonymise(self, value: str, id_type: str = "BSN") -> str:
        """The pseudonym of ``value`` under the current key."""
        return self._hmac(self._keys[0], value, id_type)

    def all_pseudonyms(self, value: str, id_type: str = "BSN") -> list[str]:
        """Its pseudonyms under the current and earlier keys (for searching)."""
        return [self._hmac(k, value, id_type) for k in self._keys]

    def subject(self, subject: Subject) -> tuple[str, str]:
        """``(data_subject_id_type, pseudonym)`` of a plugin subject."""
        id_type = SUBJECT_ID_TYPES[subject.kind]
        if isinstance(subject, PersonRef):
            return id_type, self.pseudonymise(subject.burgerservicenummer, id_type)
        if isinstance(subject, (AddressRef, BusinessRef)):
            return id_type, self.pseudonymise(subject.key, id_type)
        raise TypeError(f"not a subject: {type(subject).__name__}")
