"""The store and the audit trail of one hub process, and what the hub writes to them.

Every connector call becomes processing-log records (one per data subject,
pseudonymised), every person the BRP supplied a BRP protocol record, and every user
action an access-log record. Dossiers and raw registry responses are stored encrypted,
each write logged in the store log (in the write's transaction).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from plugins import PersonRef, Subject, is_valid_bsn

from .audit import (
    AccessRecord,
    AuditSettings,
    AuditTrail,
    BrpProtocolRecord,
    LegalHolds,
    ProcessingRecord,
    Record,
    StoreLedger,
    adopt_unlogged,
)
from .audit.records import AccessResult
from .audit.witness import witnesses_for
from .config import Config
from .dossier import Dossier, OutcomeStatus
from .engine import EnrichmentRun, RecordedCall
from .store import (
    CaseStore,
    Database,
    DossierStore,
    DossierSummary,
    EvidenceStore,
    Keys,
    NotificationStore,
    ReportStore,
    StorageSettings,
    load_keys,
)

__all__ = ["Actor", "ProcessingRecorder", "Storage", "bsns_in"]


@dataclass(frozen=True)
class Actor:
    """Who does something: a person (officer, auditor, admin) or a system."""

    id: str
    name: str
    roles: tuple[str, ...]
    municipalities: tuple[str, ...]
    client: str = "cli"
    #: the id (never the secret) of the API token the actor acts through, if any: every
    #: access-log line of the actor names it
    token: str | None = None

    def may_see(self, municipality: str) -> bool:
        return municipality in self.municipalities


@dataclass
class Storage:
    """The database, keys, encrypted stores and audit trail, opened once per process."""

    settings: StorageSettings
    db: Database
    keys: Keys
    dossiers: DossierStore
    evidence: EvidenceStore
    trail: AuditTrail
    holds: LegalHolds
    cases: CaseStore
    reports: ReportStore
    notifications: NotificationStore

    @classmethod
    def open(cls, config: Config) -> Storage:
        """Open (and migrate) the store; raises KeyMissing/KeyInvalid/StoreError, or
        WitnessError when a configured witness is unusable."""
        settings = config.resolved_storage()
        if config.audit.witness_dir is None:
            settings.ensure_data_dir()  # the default witness lives there
        # First: an unusable witness refuses the start before anything is written.
        witnesses = witnesses_for(config.audit, settings.data_dir)
        keys = load_keys(settings, config.audit)
        if settings.is_sqlite:
            settings.ensure_data_dir()
        db = Database.from_settings(settings)
        trail = AuditTrail.from_keys(db, keys, config.audit, witnesses)
        # once per database: rows from before the store log are logged and resealed
        adopt_unlogged(db, trail.store, keys.cipher())
        return cls.over(db, keys, trail, settings)

    @classmethod
    def over(
        cls,
        db: Database,
        keys: Keys,
        trail: AuditTrail | None = None,
        settings: StorageSettings | None = None,
    ) -> Storage:
        """The stores over an open database, its keys and its audit trail (what
        :meth:`open` ends with). A test gives a throw-away database and
        :meth:`Keys.fresh`; the trail is then the default one, without witnesses."""
        trail = trail or AuditTrail.from_keys(db, keys, AuditSettings(), witnesses=[])
        cipher, ledger = keys.cipher(), StoreLedger(trail.store)
        return cls(
            settings=settings or StorageSettings(),
            db=db,
            keys=keys,
            dossiers=DossierStore(db, cipher, ledger=ledger),
            evidence=EvidenceStore(db, cipher, ledger=ledger),
            trail=trail,
            holds=LegalHolds(db),
            cases=CaseStore(db, cipher, ledger=ledger),
            reports=ReportStore(db, cipher, ledger=ledger),
            notifications=NotificationStore(db),
        )

    def close(self) -> None:
        self.db.close()

    def record_access(
        self,
        actor: Actor,
        action: str,
        *,
        result: AccessResult = "allowed",
        role: str | None = None,
        municipality: str | None = None,
        **details: Any,
    ) -> None:
        """One access-log line for a user action (refused attempts included)."""
        self.trail.record(
            [
                access_record(
                    actor, action, result=result, role=role, municipality=municipality, **details
                )
            ]
        )

    def save_run(self, run: EnrichmentRun, actor: Actor) -> None:
        """Store the dossier and its raw responses, and log the enrichment, atomically."""
        dossier = run.dossier
        with self.db.transaction():
            # The access line first: every transaction takes the log heads in name order
            # (access < brp_protocol < processing < store, see AuditTrail.record), so two
            # PostgreSQL writers can never wait on each other's heads crosswise.
            self.trail.record(
                [
                    access_record(
                        actor,
                        "enrich",
                        role="officer",
                        municipality=dossier.signal["municipality"],
                        purpose_id=dossier.purpose.id,
                        trace_id=dossier.trace_id,
                        signal_id=dossier.signal_id,
                        dossier_id=dossier.id,
                        detail={
                            "outcomes": str(len(dossier.outcomes)),
                            "complete": "ja" if dossier.complete else "nee",
                        },
                    )
                ]
            )
            self.dossiers.save(
                dossier.id,
                dossier.signal_id,
                dossier.signal["municipality"],
                dossier.officer.id,
                dossier.model_dump(mode="json"),
            )
            for trace_id, evidence in run.evidence:
                self.evidence.save(evidence, dossier.id, trace_id, signal_id=dossier.signal_id)

    def load_dossier(self, dossier_id: str) -> Dossier:
        return Dossier.model_validate(self.dossiers.load(dossier_id))

    def open_dossier(self, dossier_id: str) -> tuple[DossierSummary, Dossier]:
        """The dossier with its clear columns, checked against each other
        (:class:`~hub.store.StoreTampered` when they do not match)."""
        summary, content = self.dossiers.open(dossier_id)
        return summary, Dossier.model_validate(content)


def access_record(
    actor: Actor,
    action: str,
    *,
    result: AccessResult = "allowed",
    role: str | None = None,
    municipality: str | None = None,
    purpose_id: str | None = None,
    **details: Any,
) -> AccessRecord:
    if actor.token is not None:
        details["detail"] = {**details.get("detail", {}), "token": actor.token}
    return AccessRecord(
        action=action,
        user_id=actor.id,
        role=role or (actor.roles[0] if actor.roles else "none"),
        municipality=municipality or ",".join(actor.municipalities),
        purpose_id=purpose_id,
        result=result,
        client=actor.client,
        **details,
    )


def bsns_in(value: Any) -> Iterator[str]:
    """BSNs that a value carries (e.g. the residents of an address): each is a data
    subject of whatever processes or passes on that value."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "burgerservicenummer" and isinstance(item, str) and is_valid_bsn(item):
                yield item
            else:
                yield from bsns_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from bsns_in(item)


class ProcessingRecorder:
    """The engine's call recorder: the processing log and the BRP protocol."""

    def __init__(self, trail: AuditTrail, config: Config) -> None:
        self.trail = trail
        self.config = config

    def records_for(self, call: RecordedCall) -> list[Record]:
        query = call.query
        purpose = self.config.purpose(query.purpose.id)
        retention = purpose.retention_days if purpose else 1
        classes = {f.classification for f in call.facts}
        # Confidential (left out of subject reports): the activity restricts the
        # subject's access, or the answer holds Bibob facts (art. 28 Wet Bibob).
        confidential = bool((purpose and purpose.withhold_from_subject) or "bibob" in classes)
        ok = call.outcome.status in (OutcomeStatus.OK, OutcomeStatus.EMPTY)
        operation = ",".join(sorted({e.operation for e in call.evidence})) or "enrich"
        returned = {bsn for fact in call.facts for bsn in bsns_in(fact.value)}
        subjects: list[Subject] = [query.subject]
        subjects += [
            PersonRef(b)
            for b in sorted(returned)
            if not (isinstance(query.subject, PersonRef) and query.subject.burgerservicenummer == b)
        ]
        records: list[Record] = []
        for n, subject in enumerate(subjects):
            trace = query.trace if n == 0 else query.trace.child()
            records.append(
                ProcessingRecord.for_query(
                    query,
                    data_subject=subject,
                    pseudonymiser=self.trail.pseudonymiser,
                    registry=call.registry,
                    operation=operation,
                    connector=call.connector,
                    started=call.started_at,
                    ended=call.ended_at,
                    status="OK" if ok else "ERROR",
                    status_message=None if ok else call.outcome.error,
                    retention_days=retention,
                    confidential=confidential,
                    fields=call.outcome.fields_requested,
                    trace=trace,
                )
            )
        if call.brp_supply and call.facts:
            persons = set(returned)
            if isinstance(query.subject, PersonRef):
                persons.add(query.subject.burgerservicenummer)
            fields = sorted({f.attribute for f in call.facts})
            for bsn in sorted(persons):
                records.append(
                    BrpProtocolRecord.for_query(
                        query,
                        person=PersonRef(bsn),
                        fields=fields,
                        pseudonymiser=self.trail.pseudonymiser,
                        connector=call.connector,
                        operation=operation,
                        confidential=confidential,
                        time=call.ended_at,
                    )
                )
        return records

    def record_calls(self, calls: Sequence[RecordedCall]) -> None:
        records = [r for call in calls for r in self.records_for(call)]
        if records:
            self.trail.record(records)
