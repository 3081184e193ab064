"""Minimisation per table: exactly the allowed facts, Bibob only with a legal ground."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from hub.config import TableConfig
from hub.dossier import (
    Aandachtspunt,
    Dossier,
    DossierFact,
    FactProvenance,
    OfficerRecord,
    Outcome,
    PurposeRecord,
    SubjectEntry,
)
from hub.forwarding.minimise import Tailoring, Withheld, build_payload

NOW = datetime(2026, 11, 28, tzinfo=UTC)


def fact(n, subject, attribute, value, cls):
    return DossierFact(
        id=f"f{n}",
        subject=subject,
        attribute=attribute,
        value=value,
        classification=cls,
        provenance=FactProvenance(
            connector="c",
            connector_version="1",
            registry="r",
            operation="o",
            request_id="q",
            retrieved_at=NOW,
            response_sha256="0" * 64,
            trace_id="0" * 32,
            span_id="0" * 16,
        ),
    )


def dossier() -> Dossier:
    person, business = "person:999970057", "business:97000035"
    return Dossier(
        id="d1",
        signal_id="s1",
        trace_id="0" * 32,
        created_at=NOW,
        completed_at=NOW,
        duration_ms=1,
        purpose=PurposeRecord(id="VA", name="n", legal_ground="g"),
        officer=OfficerRecord(id="o", name="O", municipality="0388"),
        signal={
            "municipality": "0388",
            "forms": ["seksuele_uitbuiting"],
            "description": "vrije tekst met namen",
            "purpose": "VA",
        },
        subjects=[
            SubjectEntry(
                key=person,
                kind="person",
                identifiers={"burgerservicenummer": "999970057"},
                origin="signal",
                round=1,
            ),
            SubjectEntry(
                key=business,
                kind="business",
                identifiers={"kvkNummer": "97000035"},
                origin="signal",
                round=1,
            ),
        ],
        facts=[
            fact(1, person, "naam.volledigeNaam", "K. W.", "personal"),
            fact(2, business, "naam", "Lotus Massage & Wellness", "normal"),
            fact(3, business, "hoogsteMateVanGevaar", "ernstig_gevaar", "bibob"),
            fact(4, business, "zaken", [{"identificatie": "HH-1"}], "confidential"),
        ],
        conflicts=[],
        outcomes=[
            Outcome(connector="brp", subject=person, round=1, status="ok"),
            Outcome(connector="kvk", subject=business, round=1, status="ok"),
        ],
        aandachtspunten=[
            Aandachtspunt(
                code="bibob_ernstig_gevaar",
                subject=business,
                title="Bibob",
                explanation="x",
                fact_id="f3",
            )
        ],
    )


def table(**allow) -> TableConfig:
    return TableConfig.model_validate({"label": "T", "transport": "webhook", "allow": allow})


def test_only_allowed_classes_are_sent_and_withheld_is_explained():
    p = build_payload(dossier(), "lokaal", table(classifications=["normal", "confidential"]))
    assert [f["id"] for f in p.data["facts"]] == ["f2", "f4"]
    assert p.data["withheld"] == {"count": 2, "by_class": {"personal": 1, "bibob": 1}}
    # no person subject (and so no BSN) when personal data is not allowed
    assert "999970057" not in p.body.decode()
    assert p.data["aandachtspunten"] == []
    assert "description" not in p.data["signal"]


def test_what_is_withheld_is_kept_as_fact_class_and_reason_not_as_text_to_parse():
    p = build_payload(dossier(), "lokaal", table(classifications=["normal", "confidential"]))
    assert p.left_out == [
        Withheld("f1", "personal", "klasse persoonsgegevens niet toegestaan"),
        Withheld("f3", "bibob", "klasse Bibob (art. 28 Wet Bibob) niet toegestaan"),
    ]
    assert p.bibob_withheld and p.withheld_counts == {"personal": 1, "bibob": 1}
    # the text the API and the command line show is unchanged
    assert p.withheld[1] == "bibob: klasse Bibob (art. 28 Wet Bibob) niet toegestaan (f3)"


ALL = ["normal", "personal", "confidential"]


def test_the_officer_leaves_out_a_subject_or_one_fact_with_the_reason():
    person, business = "person:999970057", "business:97000035"
    plain = build_payload(dossier(), "t", table(classifications=ALL))
    tailored = build_payload(
        dossier(), "t", table(classifications=ALL), Tailoring(frozenset({person}), "niet nodig")
    )
    assert person not in {s["key"] for s in tailored.data["subjects"]}
    assert "999970057" not in tailored.body.decode()
    assert [w for w in tailored.left_out if w.by_officer] == [
        Withheld("f1", "personal", "weggelaten door de aandachtsfunctionaris: niet nodig", True)
    ]
    assert tailored.data["withheld"]["by_officer"] == {"count": 1, "reason": "niet nodig"}
    assert tailored.sha256 != plain.sha256
    one = build_payload(
        dossier(), "t", table(classifications=ALL), Tailoring(frozenset({f"{business}#zaken"}), "r")
    )
    assert [f["id"] for f in one.data["facts"]] == ["f1", "f2"]


def test_an_untailored_payload_is_byte_identical_to_one_without_tailoring():
    plain = build_payload(dossier(), "t", table(classifications=ALL))
    empty = build_payload(dossier(), "t", table(classifications=ALL), Tailoring())
    assert empty.body == plain.body and "by_officer" not in plain.data["withheld"]


def test_attribute_patterns():
    p = build_payload(
        dossier(), "t", table(classifications=["normal", "personal"], attributes=["naam*"])
    )
    assert sorted(f["attribute"] for f in p.data["facts"]) == ["naam", "naam.volledigeNaam"]


def test_bibob_needs_a_legal_ground():
    with pytest.raises(ValidationError, match="bibob_legal_ground"):
        table(classifications=["bibob"])


def test_bibob_goes_with_legal_ground_and_says_so():
    t = TableConfig.model_validate(
        {
            "label": "RIEC",
            "transport": "webhook",
            "bibob_legal_ground": "art. 28 lid 1 Wet Bibob",
            "allow": {"classifications": ["normal", "bibob"]},
        }
    )
    p = build_payload(dossier(), "riec", t)
    assert "f3" in [f["id"] for f in p.data["facts"]]
    assert p.data["bibob_legal_ground"] == "art. 28 lid 1 Wet Bibob"
    assert [a["code"] for a in p.data["aandachtspunten"]] == ["bibob_ernstig_gevaar"]


def test_body_is_the_canonical_json_of_data_and_hash_is_stable():
    t = table(classifications=["normal"], description=True)
    a, b = build_payload(dossier(), "t", t), build_payload(dossier(), "t", t)
    assert a.body == b.body and a.sha256 == b.sha256
    assert json.loads(a.body) == a.data
    assert a.data["signal"]["description"] == "vrije tekst met namen"
