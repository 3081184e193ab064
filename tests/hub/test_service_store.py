"""Issue 9 at the use-case level, on both backends: a Hoorn-only officer is refused a
dossier that was moved from Enkhuizen to Hoorn in the database (the refusal is in the
access log, the listing leaves it out), and a damaged envelope is the same refusal."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hub.accountability import Actor, Storage
from hub.audit import AuditTrail, LegalHolds, Pseudonymiser, StoreLedger
from hub.config import load_config
from hub.service import DamagedDossier, HubService
from hub.store import Cipher, DossierStore, EvidenceStore, StorageSettings
from hub.store.testing import BACKENDS, temporary_database

HOORN_OFFICER = Actor("af-hoorn", "A. Hoorn", ("officer",), ("0405",))


@pytest.fixture(params=BACKENDS)
def service(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[HubService]:
    with temporary_database(request.param, tmp_path) as db:
        trail = AuditTrail(
            db,
            signing_key=Ed25519PrivateKey.generate(),
            pseudonymiser=Pseudonymiser(os.urandom(32)),
        )
        cipher, ledger = Cipher(os.urandom(32)), StoreLedger(trail.store)
        storage = Storage(
            settings=StorageSettings(),
            db=db,
            keys=None,  # type: ignore[arg-type]  # not used by these use cases
            dossiers=DossierStore(db, cipher, ledger=ledger),
            evidence=EvidenceStore(db, cipher, ledger=ledger),
            trail=trail,
            holds=LegalHolds(db),
        )
        storage.dossiers.save("d-enk", "sig-1", "0388", "af-enkhuizen", {"geheim": True})
        yield HubService(load_config(), None, storage)  # type: ignore[arg-type]


def refusals(service: HubService) -> list[dict[str, object]]:
    log = service.storage.trail.access
    entries = [log.entry(i).payload or {} for i in range(log.size())]
    return [e for e in entries if e.get("result") == "refused"]


@pytest.mark.parametrize(
    "tamper",
    [
        "UPDATE dossiers SET municipality = '0405'",
        "UPDATE dossiers SET municipality = '0405', envelope = substr(envelope, 1, 40)",
    ],
    ids=["moved to Hoorn", "moved and truncated"],
)
def test_a_dossier_moved_to_hoorn_is_refused_and_not_listed(
    service: HubService, tamper: str
) -> None:
    service.storage.db.execute(tamper)
    with pytest.raises(DamagedDossier, match="d-enk is beschadigd"):
        service.view("d-enk", HOORN_OFFICER)
    [refusal] = refusals(service)
    assert refusal["user_id"] == "af-hoorn" and refusal["dossier_id"] == "d-enk"
    assert str(refusal["reason"]).startswith("tampered: dossier d-enk")
    assert service.list_dossiers(HOORN_OFFICER) == []
