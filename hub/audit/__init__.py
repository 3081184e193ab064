"""Accountability: tamper-evident logs, pseudonyms, auditor tools, retention.

* :class:`AuditTrail` — the processing log, access log, BRP protocol and store log,
  each a :class:`MerkleLog` (RFC 9162 tree, signed checkpoints, per-entry MAC).
* :class:`StoreLedger`, :func:`adopt_unlogged`, :func:`check_store` — the store log of
  dossier and evidence writes, and the check of the tables against it.
* Records: :class:`ProcessingRecord`, :class:`AccessRecord`,
  :class:`BrpProtocolRecord`, :class:`DeletionReceipt`.
* :class:`Pseudonymiser` — keyed HMAC of BSNs (and other subject ids).
* Auditor tools: :func:`search`, :func:`subject_report`, :func:`dossier_to_prov`,
  :meth:`MerkleLog.verify` / :meth:`AuditTrail.verify`, :meth:`MerkleLog.prove` with
  the standalone :func:`verify_inclusion`.
* :class:`Retention` and :class:`LegalHolds`.
* :class:`AuditSettings`, :class:`RetentionSettings` — the ``[audit]`` configuration.

Errors (tree in :mod:`hub.audit.errors`): :class:`AuditError`,
:class:`TamperDetected`, :class:`CheckpointError`, :class:`EntryNotFound`,
:class:`RetentionError`, :class:`WitnessError`.
* Witnesses (:class:`FileWitness`, :class:`HttpWitness`) keep signed checkpoints
  outside the database, so a rollback of the logs is detectable.
"""

from .canonical import canonical_json
from .checkpoint import Checkpoint, load_public_key, verify_checkpoint
from .errors import (
    AuditError,
    CheckpointError,
    EntryNotFound,
    RetentionError,
    TamperDetected,
    WitnessError,
)
from .log import InclusionProof, LogEntry, MerkleLog
from .merkle import verify_consistency, verify_inclusion
from .prov import dossier_to_prov
from .pseudonym import Pseudonymiser
from .records import (
    ACCESS_LOG,
    BRP_LOG,
    PROCESSING_LOG,
    STORE_LOG,
    AccessRecord,
    BrpProtocolRecord,
    DeletionReceipt,
    DisclosureRecord,
    ProcessingRecord,
    Record,
)
from .report import ReportLine, SubjectReport, subject_report
from .retention import LegalHold, LegalHolds, Retention, RetentionReport
from .search import search
from .settings import AuditSettings, RetentionSettings
from .store_check import STORE_REPORT, StoreReport, check_store
from .store_log import StoreLedger, adopt_unlogged
from .trail import AuditTrail
from .verify import Finding, VerifyReport
from .witness import FileWitness, HttpWitness, Witness

__all__ = [
    "ACCESS_LOG",
    "BRP_LOG",
    "PROCESSING_LOG",
    "STORE_LOG",
    "STORE_REPORT",
    "AccessRecord",
    "AuditError",
    "AuditSettings",
    "AuditTrail",
    "BrpProtocolRecord",
    "Checkpoint",
    "CheckpointError",
    "DeletionReceipt",
    "DisclosureRecord",
    "EntryNotFound",
    "FileWitness",
    "Finding",
    "HttpWitness",
    "InclusionProof",
    "LegalHold",
    "LegalHolds",
    "LogEntry",
    "MerkleLog",
    "ProcessingRecord",
    "Pseudonymiser",
    "Record",
    "ReportLine",
    "Retention",
    "RetentionError",
    "RetentionReport",
    "RetentionSettings",
    "StoreLedger",
    "StoreReport",
    "SubjectReport",
    "TamperDetected",
    "VerifyReport",
    "Witness",
    "WitnessError",
    "adopt_unlogged",
    "canonical_json",
    "check_store",
    "dossier_to_prov",
    "load_public_key",
    "search",
    "subject_report",
    "verify_checkpoint",
    "verify_consistency",
    "verify_inclusion",
]
