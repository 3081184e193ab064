"""The auditor's use cases: each needs the auditor role, and bad input is an
:class:`Invalid` naming its field — logged as failed, the BSN itself never."""

from __future__ import annotations

import json

import pytest

from hub.usecases import Invalid, NotFound, Refused
from hub.usecases.audit import Audit
from hub.usecases.context import Context

from .conftest import AUDITOR, HOORN_OFFICER, access_log

BAD_BSN = "123456789"  # fails the eleven-test


def test_every_auditor_use_case_refuses_an_officer_and_logs_it(context: Context) -> None:
    audit = Audit(context)
    attempts = {
        "audit.search": lambda: audit.search(HOORN_OFFICER, officer="x"),
        "audit.verify": lambda: audit.verify(HOORN_OFFICER),
        "audit.checkpoint": lambda: audit.checkpoint(HOORN_OFFICER),
        "audit.prove": lambda: audit.prove(HOORN_OFFICER, "access", 0),
        "audit.subject-report": lambda: audit.subject_report(HOORN_OFFICER, "999970057"),
        "audit.public-key": lambda: audit.public_key(HOORN_OFFICER),
    }
    for action, attempt in attempts.items():
        with pytest.raises(Refused) as refused:
            attempt()
        assert refused.value.message == f"rol auditor vereist voor {action}"
    logged = [(e["action"], e["result"], e["reason"]) for e in access_log(context)]
    assert logged == [(a, "refused", f"rol auditor vereist voor {a}") for a in attempts]


def test_a_malformed_bsn_is_invalid_at_its_field_and_never_logged(context: Context) -> None:
    audit = Audit(context)
    with pytest.raises(Invalid) as search:
        audit.search(AUDITOR, bsn=BAD_BSN)
    with pytest.raises(Invalid) as report:
        audit.subject_report(AUDITOR, BAD_BSN)
    for exc in (search.value, report.value):
        [problem] = exc.problems
        assert problem.field == "bsn" and "geen geldig BSN" in problem.message
    lines = access_log(context)
    assert [(e["action"], e["result"]) for e in lines] == [
        ("audit.search", "failed"),
        ("audit.subject-report", "failed"),
    ]
    assert BAD_BSN not in json.dumps(lines)


def test_an_unknown_log_is_invalid_and_a_missing_entry_not_found(context: Context) -> None:
    audit = Audit(context)
    with pytest.raises(Invalid) as search:
        audit.search(AUDITOR, logs=["kladblok"])
    assert search.value.field == "logs" and "onbekend logboek" in search.value.message
    with pytest.raises(Invalid) as prove:
        audit.prove(AUDITOR, "kladblok", 0)
    assert prove.value.field == "log"
    with pytest.raises(NotFound) as missing:
        audit.prove(AUDITOR, "processing", 99)
    assert missing.value.field == "index"
    assert missing.value.message == "regel 99 van logboek processing bestaat niet"
    results = [(e["action"], e["result"]) for e in access_log(context)]
    assert results == [
        ("audit.search", "failed"),
        ("audit.prove", "failed"),
        ("audit.prove", "failed"),
    ]


def test_an_auditor_searches_verifies_and_proves(context: Context) -> None:
    audit = Audit(context)
    assert audit.verify(AUDITOR).ok
    proof, key = audit.prove(AUDITOR, "access", 0)
    assert proof.index == 0 and key == context.storage.keys.public_key_text()
    found = audit.search(AUDITOR, logs=["access"])
    assert [e.payload["action"] for e in found if e.payload] == ["audit.verify", "audit.prove"]
