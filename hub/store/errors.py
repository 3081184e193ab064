"""The errors of the storage layer, one type per failure.

The tree::

    StoreError                  base; never raised itself
    ├── KeyMissing              a key the configuration needs is not there (start-up error)
    ├── KeyInvalid              a key is there but malformed (wrong length, not base64)
    ├── MigrationError          the database schema is in a state this hub does not know
    ├── DecryptionFailed        an envelope cannot be opened (e.g. its key is not loaded)
    │   └── StoreTampered       the envelope, or a clear column bound to it, was changed
    │       └── IntegrityError  stored plaintext does not match its recorded SHA-256
    └── NotFound                no record with that id
        ├── DossierNotFound
        └── EvidenceNotFound

Messages never contain key material or a BSN.
"""

from __future__ import annotations

__all__ = [
    "DecryptionFailed",
    "DossierNotFound",
    "EvidenceNotFound",
    "IntegrityError",
    "KeyInvalid",
    "KeyMissing",
    "MigrationError",
    "NotFound",
    "StoreError",
    "StoreTampered",
]


class StoreError(Exception):
    """Base of every storage error."""


class KeyMissing(StoreError):
    """A key the configuration needs is missing: never fall back to plaintext."""


class KeyInvalid(StoreError):
    """A key was found but cannot be used (wrong length, not base64, wrong type)."""


class MigrationError(StoreError):
    """The schema is newer than this hub, was changed by hand, or needs migrating."""


class DecryptionFailed(StoreError):
    """An envelope could not be opened: wrong or unknown key, or tampered data."""


class StoreTampered(DecryptionFailed):
    """A stored record was changed outside the hub: a damaged or truncated envelope,
    or a clear column (municipality, officer, times...) that no longer matches it."""


class IntegrityError(StoreTampered):
    """Decrypted data does not match the SHA-256 recorded beside it."""


class NotFound(StoreError):
    """No record with the given id."""


class DossierNotFound(NotFound):
    """No dossier with the given id."""


class EvidenceNotFound(NotFound):
    """No stored registry response with the given id."""
