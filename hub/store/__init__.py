"""Storage: one database API over SQLite and PostgreSQL, encryption at rest, keys.

* :class:`Database` — open from a URL, migrated on open, sync and thread-safe.
* :class:`DossierStore`, :class:`EvidenceStore`, :class:`CaseStore` — encrypted
  dossiers, raw responses and the officers' case notes.
* :class:`Cipher` — the AES-256-GCM envelope; :func:`load_keys` / :class:`Keys`.
* :class:`StorageSettings` — the ``[storage]`` part of the configuration.

Errors (see :mod:`hub.store.errors` for the tree): :class:`StoreError`,
:class:`KeyMissing`, :class:`KeyInvalid`, :class:`MigrationError`,
:class:`DecryptionFailed`, :class:`StoreTampered`, :class:`IntegrityError`,
:class:`NotFound`.
"""

from .cases import CaseNoteRow, CaseStore
from .crypto import Cipher
from .db import Database, Dialect, Tx
from .dossiers import DossierStore, DossierSummary
from .errors import (
    DecryptionFailed,
    DossierNotFound,
    EvidenceNotFound,
    IntegrityError,
    KeyInvalid,
    KeyMissing,
    MigrationError,
    NotFound,
    StoreError,
    StoreTampered,
)
from .evidence import EvidenceStore, StoredEvidence
from .keys import Keys, KeySource, generate_key_text, load_key, load_keys
from .migrations import MIGRATIONS, Migration, schema_version
from .notifications import NotificationRow, NotificationStore
from .reports import ReportRow, ReportStore
from .settings import StorageSettings, default_data_dir
from .timestamps import format_ts, parse_ts, utc_now

__all__ = [
    "MIGRATIONS",
    "CaseNoteRow",
    "CaseStore",
    "Cipher",
    "Database",
    "DecryptionFailed",
    "Dialect",
    "DossierNotFound",
    "DossierStore",
    "DossierSummary",
    "EvidenceNotFound",
    "EvidenceStore",
    "IntegrityError",
    "KeyInvalid",
    "KeyMissing",
    "KeySource",
    "Keys",
    "Migration",
    "MigrationError",
    "NotFound",
    "NotificationRow",
    "NotificationStore",
    "ReportRow",
    "ReportStore",
    "StorageSettings",
    "StoreError",
    "StoreTampered",
    "StoredEvidence",
    "Tx",
    "default_data_dir",
    "format_ts",
    "generate_key_text",
    "load_key",
    "load_keys",
    "parse_ts",
    "schema_version",
    "utc_now",
]
