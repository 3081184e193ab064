"""Fixtures: a fresh database on each backend, an audit trail over it, and ``kit``:
the records the engine would log for one BRP call, and the test identities."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hub.audit import (
    AccessRecord,
    AuditTrail,
    BrpProtocolRecord,
    ProcessingRecord,
    Pseudonymiser,
)
from hub.store import Database, utc_now
from hub.store.testing import BACKENDS, temporary_database
from plugins import Officer, PersonRef, Purpose, Query, TraceContext


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    with temporary_database(request.param, tmp_path) as database:
        yield database


@pytest.fixture
def signing_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture
def pseudonymiser() -> Pseudonymiser:
    return Pseudonymiser(os.urandom(32))


@pytest.fixture
def trail(db: Database, signing_key: Ed25519PrivateKey, pseudonymiser: Pseudonymiser) -> AuditTrail:
    return AuditTrail(db, signing_key=signing_key, pseudonymiser=pseudonymiser)


BSN = "999970057"
OTHER_BSN = "999970069"

PURPOSE = Purpose(
    id="va-mensenhandel-signaal",
    name="Verrijken signaal mensenhandel",
    legal_ground="art. 6 lid 1 sub e AVG; Wmo 2015",
)
OFFICER = Officer(id="o-hoorn-1", name="A. Functionaris", municipality="0405")


def query(bsn: str = BSN, signal: str = "sig-1") -> Query:
    return Query(
        subject=PersonRef(bsn),
        fields=frozenset({"naam", "geboorte", "nationaliteiten"}),
        purpose=PURPOSE,
        officer=OFFICER,
        signal_id=signal,
        trace=TraceContext.new_trace(),
        municipality="0405",
    )


def _brp_call(
    pseudonymiser: Pseudonymiser,
    *,
    bsn: str = BSN,
    signal: str = "sig-1",
    confidential: bool = False,
    retention_days: int = 1826,
) -> list[ProcessingRecord | AccessRecord | BrpProtocolRecord]:
    """What the engine logs for one BRP query: processing line, protocol line, access."""
    q = query(bsn, signal)
    now = utc_now()
    return [
        ProcessingRecord.for_query(
            q,
            data_subject=q.subject,
            pseudonymiser=pseudonymiser,
            registry="BRP",
            operation="RaadpleegMetBurgerservicenummer",
            connector="brp",
            started=now - timedelta(milliseconds=120),
            ended=now,
            status="OK",
            retention_days=retention_days,
            confidential=confidential,
        ),
        BrpProtocolRecord.for_query(
            q,
            person=PersonRef(bsn),
            fields=q.fields,
            pseudonymiser=pseudonymiser,
            connector="brp",
            operation="RaadpleegMetBurgerservicenummer",
            confidential=confidential,
        ),
        AccessRecord(
            action="enrich",
            user_id=OFFICER.id,
            role="aandachtsfunctionaris",
            municipality="0405",
            purpose_id=PURPOSE.id,
            result="allowed",
            client="127.0.0.1",
            trace_id=q.trace.trace_id,
            signal_id=signal,
        ),
    ]


@pytest.fixture
def kit() -> SimpleNamespace:
    """Test identities and ``brp_call(pseudonymiser, ...)``."""
    return SimpleNamespace(
        BSN=BSN,
        OTHER_BSN=OTHER_BSN,
        OFFICER=OFFICER,
        PURPOSE=PURPOSE,
        query=query,
        brp_call=_brp_call,
    )
