"""The audit trail: the three logs of the hub, over one database, with their keys.

* ``processing`` — the processing log (Logboek Dataverwerkingen): registry queries;
* ``access`` — the access log: user actions, linked by ``trace_id``;
* ``brp_protocol`` — the BRP protocol (Wet BRP), with its own 20-year retention;
* ``store`` — every write and deletion of an encrypted dossier or stored response
  (:mod:`hub.audit.store_log`); :meth:`AuditTrail.verify` also checks the tables
  against it (:mod:`hub.audit.store_check`).

:meth:`AuditTrail.record` writes records of any of them in one transaction (one
durable commit for e.g. a query's processing lines and BRP protocol lines together).
Every checkpoint it signs also goes to its witnesses (:mod:`hub.audit.witness`), and
:meth:`AuditTrail.verify` holds the logs against what they witnessed.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable, Mapping, Sequence

from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from hub.store.db import Database
from hub.store.keys import Keys

from .checkpoint import Checkpoint, load_public_key
from .errors import EntryNotFound, TamperDetected
from .log import InclusionProof, LogEntry, MerkleLog
from .pseudonym import Pseudonymiser
from .records import ACCESS_LOG, BRP_LOG, LOG_NAMES, PROCESSING_LOG, STORE_LOG, Record
from .settings import AuditSettings, RetentionSettings
from .store_check import check_store
from .verify import VerifyReport, verify_log
from .witness import Witness, witnessed_by_log

__all__ = ["AuditTrail", "derive_mac_key"]


def derive_mac_key(signing_key: Ed25519PrivateKey) -> bytes:
    """The per-entry MAC key, derived from the signing key (one secret to keep)."""
    seed = signing_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return hmac.digest(seed, b"opplus log entry mac v1", "sha256")


class AuditTrail:
    """The processing log, access log and BRP protocol of one hub."""

    def __init__(
        self,
        db: Database,
        *,
        signing_key: Ed25519PrivateKey | None,
        pseudonymiser: Pseudonymiser,
        trusted_keys: Sequence[Ed25519PublicKey] = (),
        retention: RetentionSettings | None = None,
        witnesses: Sequence[Witness] = (),
    ) -> None:
        self.db = db
        self.witnesses = list(witnesses)
        self.pseudonymiser = pseudonymiser
        self.retention = retention or RetentionSettings()
        mac_key = None if signing_key is None else derive_mac_key(signing_key)
        self.logs: dict[str, MerkleLog] = {
            name: MerkleLog(
                db, name, signing_key=signing_key, trusted_keys=trusted_keys, mac_key=mac_key
            )
            for name in LOG_NAMES
        }

    @classmethod
    def from_keys(
        cls, db: Database, keys: Keys, settings: AuditSettings, witnesses: Sequence[Witness]
    ) -> AuditTrail:
        """The trail as the hub runs it: keys from :func:`hub.store.load_keys`, the
        witnesses from :func:`hub.audit.witness.witnesses_for`."""
        return cls(
            db,
            signing_key=keys.signing,
            pseudonymiser=Pseudonymiser(keys.pseudonym),
            trusted_keys=[load_public_key(k) for k in settings.trusted_public_keys],
            retention=settings.retention,
            witnesses=witnesses,
        )

    @property
    def processing(self) -> MerkleLog:
        return self.logs[PROCESSING_LOG]

    @property
    def access(self) -> MerkleLog:
        return self.logs[ACCESS_LOG]

    @property
    def brp_protocol(self) -> MerkleLog:
        return self.logs[BRP_LOG]

    @property
    def store(self) -> MerkleLog:
        return self.logs[STORE_LOG]

    def record(self, records: Iterable[Record]) -> list[LogEntry]:
        """Append records to their logs in one transaction (group commit).

        An append locks its log's head row until the transaction ends. A transaction that
        writes several logs takes them in name order (here, and in the callers that write
        more than one: ``Storage.save_run``, retention), so concurrent writers on
        PostgreSQL never hold one head while waiting for another crosswise (a deadlock)."""
        grouped: dict[str, list[Mapping[str, object]]] = {}
        for rec in records:
            grouped.setdefault(rec.LOG, []).append(rec.to_payload())
        entries: list[LogEntry] = []
        with self.db.transaction():
            for name in sorted(grouped):
                entries += self.logs[name].append_many(grouped[name])
        return entries

    def checkpoint(self) -> dict[str, Checkpoint]:
        """Sign the head of every log, store it, then hand it to every witness.

        Stored first: a witnessed checkpoint the database lacks then always means the
        database lost it. Raises :class:`WitnessError` when a witness fails (the
        checkpoints are stored; the next checkpoint tries the witness again).
        """
        heads: dict[str, Checkpoint] = {}
        try:
            for name, log in self.logs.items():
                heads[name] = log.checkpoint()
        finally:  # what was signed is witnessed, even when a later log refused
            for witness in self.witnesses:
                witness.publish(list(heads.values()))
        return heads

    def prove(self, name: str, index: int) -> InclusionProof:
        """An inclusion proof of entry ``index`` of log ``name``; when no checkpoint
        covers the entry yet, one is signed first — and witnessed, like every other."""
        log = self.logs[name]
        if index >= log.size():  # before signing: nothing to prove is no reason to sign
            raise EntryNotFound(f"log {name!r} has no entry {index}")
        if not any(c.size > index for c in log.checkpoints()):
            self.checkpoint()
        return log.prove(index)

    def witnessed(self) -> dict[str, list[Checkpoint]]:
        """What the witnesses hold of each log (under a trusted key)."""
        trusted = next(iter(self.logs.values())).trusted_keys
        return witnessed_by_log(self.witnesses, self.logs, trusted)

    def verify(self, *, external_checkpoints: Sequence[Checkpoint] = ()) -> list[VerifyReport]:
        """Verify every log against its checkpoints and what the witnesses hold, and the
        encrypted tables against the store log; raises :class:`TamperDetected` (with all
        reports) on a change, :class:`WitnessError` when a witness cannot be read."""
        witnessed = self.witnessed()
        reports = [
            verify_log(log, external_checkpoints=external_checkpoints, witnessed=witnessed[name])
            for name, log in self.logs.items()
        ]
        reports.append(check_store(self.store))
        if not all(r.ok for r in reports):
            raise TamperDetected(reports)
        return reports
