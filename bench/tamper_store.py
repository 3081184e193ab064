"""The tamper matrix of the dossier store: each attack that database write access
(without the keys) allows on the encrypted tables, and whether it is detected.

    uv run python bench/tamper_store.py      # SQLite (+ PostgreSQL when configured)

For each attack of :data:`hub.store.testing.STORE_ATTACKS`, on a fresh store with two
dossiers and a stored response each: ``audit verify`` (``AuditTrail.verify``) must
fail and name the record, and no changed dossier may open. ``ATTACKS`` is the list of
``(name, attack(db))`` that a wider tamper matrix imports. Exit status 1 when any
attack goes unnoticed.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hub.audit import STORE_REPORT, AuditTrail, Pseudonymiser, StoreLedger, TamperDetected
from hub.store import Cipher, Database, DecryptionFailed, DossierStore, EvidenceStore
from hub.store.testing import STORE_ATTACKS, Attack, sample_response, temporary_database

ATTACKS: list[tuple[str, Attack]] = STORE_ATTACKS


def _store(db: Database) -> tuple[AuditTrail, DossierStore]:
    trail = AuditTrail(
        db, signing_key=Ed25519PrivateKey.generate(), pseudonymiser=Pseudonymiser(os.urandom(32))
    )
    cipher = Cipher(os.urandom(32))
    ledger = StoreLedger(trail.store)
    dossiers = DossierStore(db, cipher, ledger=ledger)
    evidence = EvidenceStore(db, cipher, ledger=ledger)
    for n, municipality in enumerate(("0388", "0405")):
        dossiers.save(f"d-{n}", f"sig-{n}", municipality, "af-1", {"n": n})
        evidence.save(sample_response(n), f"d-{n}", "a" * 32, signal_id=f"sig-{n}")
    return trail, dossiers


def _try(trail: AuditTrail, dossiers: DossierStore) -> tuple[str | None, list[str]]:
    """What verify names first (None: nothing found), and the dossiers that still open."""
    opened = []
    for summary in dossiers.list():
        try:
            dossiers.load(summary.id)
        except DecryptionFailed:
            continue
        opened.append(summary.id)
    try:
        trail.verify()
    except TamperDetected as exc:
        [report] = [r for r in exc.reports if r.log == STORE_REPORT]
        return (report.first.detail if report.first else "detected"), opened
    return None, opened


def run(backend: str) -> bool:
    print(f"-- {backend}")
    all_found = True
    for name, attack in ATTACKS:
        with tempfile.TemporaryDirectory() as tmp, temporary_database(backend, Path(tmp)) as db:  # type: ignore[arg-type]
            trail, dossiers = _store(db)
            attack(db)
            named, opened = _try(trail, dossiers)
        # an untouched dossier still opens; a changed one must not
        changed_opens = "dossier:" in name and "copied" not in name and len(opened) > 1
        found = named is not None and not changed_opens
        all_found &= found
        print(f"{'detected' if found else 'MISSED  '}  {name:<40} {named or ''}")
    return all_found


def main() -> int:
    backends = ["sqlite"] + (["postgresql"] if os.environ.get("OPPLUS_TEST_POSTGRES_DSN") else [])
    results = [run(b) for b in backends]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
