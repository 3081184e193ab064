"""The record shapes of the logs: processing, access, BRP protocol, deletion receipts.

Each record knows which log it belongs to (``LOG``) and turns into a plain JSON
payload (``to_payload``) that the log canonicalises and hashes. Payload keys that the
log also indexes for search: ``kind``, ``trace_id``, ``data_subject_id``,
``officer_id`` / ``user_id``, ``signal_id``, ``connector``, ``confidential``,
``retention_days``.

* :class:`ProcessingRecord` — one registry query about one data subject, shaped as a
  Logboek Dataverwerkingen span (:meth:`ProcessingRecord.attributes` gives the
  ``dpl.core.*`` names). It holds a pseudonym, never a BSN, and no user identity:
  who asked is in the access log under the same ``trace_id``.
* :class:`AccessRecord` — one user action, allowed or refused.
* :class:`BrpProtocolRecord` — one person supplied by the BRP (Wet BRP protocollering).
* :class:`DeletionReceipt` — what a retention run deleted, why and when.
* :class:`DisclosureRecord` — one data subject's data passed on to a table (a
  verstrekking), in the processing log.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, Literal

from hub.store.timestamps import format_ts, utc_now
from plugins import PersonRef, Query, Subject, TraceContext

from .pseudonym import Pseudonymiser

__all__ = [
    "ACCESS_LOG",
    "BRP_LOG",
    "LOG_NAMES",
    "PROCESSING_LOG",
    "STORE_LOG",
    "AccessRecord",
    "AccessResult",
    "BrpProtocolRecord",
    "DeletionReceipt",
    "DisclosureRecord",
    "ProcessingRecord",
    "Record",
    "SpanStatus",
]

PROCESSING_LOG = "processing"
ACCESS_LOG = "access"
BRP_LOG = "brp_protocol"
#: every write and deletion of an encrypted dossier or stored response (hub.audit.store_log)
STORE_LOG = "store"
LOG_NAMES = (PROCESSING_LOG, ACCESS_LOG, BRP_LOG, STORE_LOG)

SpanStatus = Literal["OK", "ERROR"]
AccessResult = Literal["allowed", "refused", "failed"]


def _ts(moment: datetime | None) -> str | None:
    return None if moment is None else format_ts(moment)


@dataclass(frozen=True, kw_only=True)
class ProcessingRecord:
    """One registry query about one data subject (one Logboek Dataverwerkingen line).

    For a call that returns several data subjects, log one record per subject, each
    with its own child span (``TraceContext.child()``).
    """

    LOG: ClassVar[str] = PROCESSING_LOG

    trace_id: str
    span_id: str
    parent_span_id: str | None
    name: str
    start_time: datetime
    end_time: datetime
    status: SpanStatus
    status_message: str | None = None
    processing_activity_id: str
    processing_activity_name: str
    legal_ground: str
    data_subject_id: str
    data_subject_id_type: str
    pseudonym_key_id: str
    registry: str
    operation: str
    connector: str
    fields: tuple[str, ...]
    retention_days: int
    confidential: bool
    signal_id: str
    municipality: str

    @classmethod
    def for_query(
        cls,
        query: Query,
        *,
        data_subject: Subject,
        pseudonymiser: Pseudonymiser,
        registry: str,
        operation: str,
        connector: str,
        started: datetime,
        ended: datetime,
        status: SpanStatus,
        retention_days: int,
        confidential: bool,
        status_message: str | None = None,
        fields: Iterable[str] | None = None,
        trace: TraceContext | None = None,
    ) -> ProcessingRecord:
        """The record of ``query``; ``data_subject`` is pseudonymised here."""
        trace = trace or query.trace
        id_type, pseudonym = pseudonymiser.subject(data_subject)
        return cls(
            trace_id=trace.trace_id,
            span_id=trace.span_id,
            parent_span_id=trace.parent_span_id,
            name=f"{connector}.{operation}",
            start_time=started,
            end_time=ended,
            status=status,
            status_message=status_message,
            processing_activity_id=query.purpose.id,
            processing_activity_name=query.purpose.name,
            legal_ground=query.purpose.legal_ground,
            data_subject_id=pseudonym,
            data_subject_id_type=id_type,
            pseudonym_key_id=pseudonymiser.key_id,
            registry=registry,
            operation=operation,
            connector=connector,
            fields=tuple(sorted(fields if fields is not None else query.fields)),
            retention_days=retention_days,
            confidential=confidential,
            signal_id=query.signal_id,
            municipality=query.municipality,
        )

    def to_payload(self) -> dict[str, Any]:
        return {
            "kind": "processing",
            "trace_id": self.trace_id,
            "span_id": self.span_id,
            "parent_span_id": self.parent_span_id,
            "name": self.name,
            "start_time": format_ts(self.start_time),
            "end_time": format_ts(self.end_time),
            "status": self.status,
            "status_message": self.status_message,
            "processing_activity_id": self.processing_activity_id,
            "processing_activity_name": self.processing_activity_name,
            "legal_ground": self.legal_ground,
            "data_subject_id": self.data_subject_id,
            "data_subject_id_type": self.data_subject_id_type,
            "pseudonym_key_id": self.pseudonym_key_id,
            "registry": self.registry,
            "operation": self.operation,
            "connector": self.connector,
            "fields": list(self.fields),
            "retention_days": self.retention_days,
            "confidential": self.confidential,
            "signal_id": self.signal_id,
            "municipality": self.municipality,
        }

    def attributes(self) -> dict[str, Any]:
        """The span attributes under their Logboek Dataverwerkingen names."""
        return {
            "dpl.core.processing_activity_id": self.processing_activity_id,
            "dpl.core.data_subject_id": self.data_subject_id,
            "dpl.core.data_subject_id_type": self.data_subject_id_type,
            "dpl.core.confidentiality": "confidential" if self.confidential else "normal",
            "dpl.core.retention_period": f"P{self.retention_days}D",
            "opplus.registry": self.registry,
            "opplus.operation": self.operation,
            "opplus.fields": list(self.fields),
            "opplus.signal_id": self.signal_id,
        }


@dataclass(frozen=True, kw_only=True)
class AccessRecord:
    """One user action (enrich, view_dossier, export, forward, search_logs, verify_logs,
    prove, subject_report, legal_hold...), including refused attempts.

    ``detail`` holds short, non-identifying context (never a BSN: pseudonymise first).
    """

    LOG: ClassVar[str] = ACCESS_LOG

    action: str
    user_id: str
    role: str
    municipality: str
    purpose_id: str | None
    result: AccessResult
    client: str | None
    trace_id: str | None = None
    signal_id: str | None = None
    dossier_id: str | None = None
    reason: str | None = None
    detail: Mapping[str, str] = field(default_factory=dict)
    time: datetime = field(default_factory=utc_now)

    def to_payload(self) -> dict[str, Any]:
        return {
            "kind": "access",
            "action": self.action,
            "user_id": self.user_id,
            "role": self.role,
            "municipality": self.municipality,
            "purpose_id": self.purpose_id,
            "result": self.result,
            "reason": self.reason,
            "client": self.client,
            "trace_id": self.trace_id,
            "signal_id": self.signal_id,
            "dossier_id": self.dossier_id,
            "detail": dict(self.detail),
            "time": format_ts(self.time),
        }


@dataclass(frozen=True, kw_only=True)
class BrpProtocolRecord:
    """One person supplied by the BRP: whose data, when, to which officer, which fields,
    for which purpose and signal (Wet BRP protocollering; kept 20 years)."""

    LOG: ClassVar[str] = BRP_LOG

    data_subject_id: str
    data_subject_id_type: str
    pseudonym_key_id: str
    officer_id: str
    officer_name: str
    municipality: str
    time: datetime
    fields: tuple[str, ...]
    processing_activity_id: str
    processing_activity_name: str
    legal_ground: str
    signal_id: str
    trace_id: str
    span_id: str
    connector: str
    operation: str
    confidential: bool

    @classmethod
    def for_query(
        cls,
        query: Query,
        *,
        person: PersonRef,
        fields: Iterable[str],
        pseudonymiser: Pseudonymiser,
        connector: str,
        operation: str,
        confidential: bool,
        time: datetime | None = None,
        trace: TraceContext | None = None,
    ) -> BrpProtocolRecord:
        """The protocol line for ``person`` as returned to ``query``."""
        trace = trace or query.trace
        id_type, pseudonym = pseudonymiser.subject(person)
        return cls(
            data_subject_id=pseudonym,
            data_subject_id_type=id_type,
            pseudonym_key_id=pseudonymiser.key_id,
            officer_id=query.officer.id,
            officer_name=query.officer.name,
            municipality=query.municipality,
            time=time or utc_now(),
            fields=tuple(sorted(fields)),
            processing_activity_id=query.purpose.id,
            processing_activity_name=query.purpose.name,
            legal_ground=query.purpose.legal_ground,
            signal_id=query.signal_id,
            trace_id=trace.trace_id,
            span_id=trace.span_id,
            connector=connector,
            operation=operation,
            confidential=confidential,
        )

    def to_payload(self) -> dict[str, Any]:
        return {
            "kind": "brp_protocol",
            "data_subject_id": self.data_subject_id,
            "data_subject_id_type": self.data_subject_id_type,
            "pseudonym_key_id": self.pseudonym_key_id,
            "officer_id": self.officer_id,
            "officer_name": self.officer_name,
            "municipality": self.municipality,
            "time": format_ts(self.time),
            "fields": list(self.fields),
            "processing_activity_id": self.processing_activity_id,
            "processing_activity_name": self.processing_activity_name,
            "legal_ground": self.legal_ground,
            "signal_id": self.signal_id,
            "trace_id": self.trace_id,
            "span_id": self.span_id,
            "connector": self.connector,
            "operation": self.operation,
            "confidential": self.confidential,
        }


@dataclass(frozen=True, kw_only=True)
class DeletionReceipt:
    """What a retention run deleted: a data class, log entry ranges or record ids,
    why (the rule) and when. Receipts are never deleted themselves."""

    data_class: str
    reason: str
    performed_at: datetime = field(default_factory=utc_now)
    retention_days: int | None = None
    cutoff: str | None = None
    entries: tuple[tuple[int, int], ...] = ()
    ids: tuple[str, ...] = ()
    count: int = 0

    def to_payload(self) -> dict[str, Any]:
        return {
            "kind": "deletion",
            "data_class": self.data_class,
            "reason": self.reason,
            "performed_at": _ts(self.performed_at),
            "retention_days": self.retention_days,
            "cutoff": self.cutoff,
            "entries": [list(r) for r in self.entries],
            "ids": list(self.ids),
            "count": self.count,
        }


@dataclass(frozen=True, kw_only=True)
class DisclosureRecord:
    """Data about one data subject passed on to a table (a verstrekking): recipient,
    payload hash, the fields sent, the purpose — one line per data subject."""

    LOG: ClassVar[str] = PROCESSING_LOG

    trace_id: str
    span_id: str
    time: datetime
    recipient: str
    recipient_label: str
    transport: str
    delivery_id: str
    dossier_id: str
    signal_id: str
    municipality: str
    payload_sha256: str
    receipt_reference: str | None
    fields: tuple[str, ...]
    data_subject_id: str
    data_subject_id_type: str
    pseudonym_key_id: str
    processing_activity_id: str
    processing_activity_name: str
    legal_ground: str
    retention_days: int
    confidential: bool

    def to_payload(self) -> dict[str, Any]:
        return {
            "kind": "disclosure",
            "trace_id": self.trace_id,
            "span_id": self.span_id,
            "time": format_ts(self.time),
            "connector": f"table:{self.recipient}",
            "recipient": self.recipient,
            "recipient_label": self.recipient_label,
            "transport": self.transport,
            "delivery_id": self.delivery_id,
            "dossier_id": self.dossier_id,
            "signal_id": self.signal_id,
            "municipality": self.municipality,
            "payload_sha256": self.payload_sha256,
            "receipt_reference": self.receipt_reference,
            "fields": list(self.fields),
            "data_subject_id": self.data_subject_id,
            "data_subject_id_type": self.data_subject_id_type,
            "pseudonym_key_id": self.pseudonym_key_id,
            "processing_activity_id": self.processing_activity_id,
            "processing_activity_name": self.processing_activity_name,
            "legal_ground": self.legal_ground,
            "retention_days": self.retention_days,
            "confidential": self.confidential,
        }


# Every record the trail writes; a DeletionReceipt is written by the retention job itself.
Record = ProcessingRecord | AccessRecord | BrpProtocolRecord | DisclosureRecord
