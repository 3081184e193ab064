"""The dossier assembly on its own: no connectors, no event loop, no clock."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import jsonschema

from hub.assemble import Timing, assemble_dossier
from hub.dossier import SCHEMA_PATH, Dossier, Outcome, OutcomeStatus, SubjectEntry
from hub.signal import parse_signal
from plugins import Classification, Fact, Officer, Provenance, TraceContext

from .conftest import make_config

BSN = "999993653"
PERSON = f"person:{BSN}"
TRACE = TraceContext("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331")
# long ago, so that a clock read anywhere in the assembly shows in the dossier
CREATED = datetime(2020, 3, 1, 9, 0, tzinfo=UTC)
TIMING = Timing(CREATED, CREATED + timedelta(milliseconds=412), 412.04)
OFFICER = Officer("af", "AF", "0405")


def fact(connector: str, attribute: str, value: object, span: str = "00f067aa0ba902b7") -> Fact:
    return Fact(
        subject=PERSON,
        attribute=attribute,
        value=value,
        classification=Classification.PERSONAL,
        provenance=Provenance(
            connector=connector,
            connector_version="1.0",
            registry=f"{connector} registry",
            operation="get",
            request_id=f"req-{connector}-{attribute}",
            retrieved_at=CREATED + timedelta(milliseconds=100),
            response_sha256="ab" * 32,
            trace_id=TRACE.trace_id,
            span_id=span,
        ),
    )


FACTS = [
    fact("brp", "naam", "Suzanne Moulin"),
    fact("brp", "leeftijd", 16),
    # registered a month before the enrichment: recent on its day, not on today's
    fact("brp", "datumInschrijvingInGemeente", "2020-02-01"),
    fact("bewoning", "naam", "S. Moulin", span="1111111111111111"),
]
OUTCOMES = [
    Outcome(connector="brp", subject=PERSON, round=1, status=OutcomeStatus.OK, attempts=1),
    Outcome(
        connector="kvk",
        subject=PERSON,
        round=1,
        status=OutcomeStatus.REFUSED,
        error="doelbinding VA-1 staat geen velden van kvk toe; niet bevraagd",
    ),
]


def assemble(dossier_id: str = "d-1") -> Dossier:
    signal = parse_signal(
        {
            "municipality": "0405",
            "forms": ["arbeidsuitbuiting"],
            "purpose": "VA-1",
            "persons": [{"burgerservicenummer": BSN}],
        }
    )
    config = make_config({"brp": ["naam", "leeftijd"]})
    purpose = config.purpose("VA-1")
    assert purpose is not None
    subjects = [
        SubjectEntry(
            key=PERSON,
            kind="person",
            identifiers={"burgerservicenummer": BSN},
            origin="signal",
            round=1,
        )
    ]
    return assemble_dossier(
        dossier_id=dossier_id,
        signal=signal,
        signal_id="s-1",
        trace=TRACE,
        purpose=purpose,
        officer=OFFICER,
        subjects=subjects,
        outcomes=OUTCOMES,
        facts=FACTS,
        indicators=config.indicators,
        timing=TIMING,
    )


def test_same_inputs_give_the_same_dossier():
    assert assemble().to_json() == assemble().to_json()


def test_facts_numbered_in_order_then_the_derived_ones():
    d = assemble()
    given = [(f.id, f.attribute, f.value) for f in d.facts[: len(FACTS)]]
    assert given == [
        ("f1", "naam", "Suzanne Moulin"),
        ("f2", "leeftijd", 16),
        ("f3", "datumInschrijvingInGemeente", "2020-02-01"),
        ("f4", "naam", "S. Moulin"),
    ]
    derived = {f.attribute: f for f in d.facts[len(FACTS) :]}
    assert [f.id for f in derived.values()] == ["f5", "f6"]
    assert derived["indicator.minderjarig"].provenance.derived_from == ["f2"]
    assert derived["indicator.minderjarig"].provenance.trace_id == TRACE.trace_id
    assert {p.code for p in d.aandachtspunten} == {"minderjarig", "recent_ingeschreven"}


def test_the_clock_is_the_timing_passed_in():
    d = assemble()
    assert (d.created_at, d.completed_at, d.duration_ms) == (
        CREATED,
        TIMING.completed_at,
        412.0,
    )
    derived = [f for f in d.facts if f.attribute.startswith("indicator.")]
    assert derived and all(f.provenance.retrieved_at == TIMING.completed_at for f in derived)
    # "recent" counts back from the day of the enrichment, not from the day of the test
    assert "indicator.recent_ingeschreven" in {f.attribute for f in derived}


def test_conflicts_outcomes_subjects_and_records():
    d = assemble("d-7")
    assert d.id == "d-7" and d.signal_id == "s-1" and d.trace_id == TRACE.trace_id
    [conflict] = d.conflicts
    assert conflict.attribute == "naam"
    assert [(v.value, v.fact_ids, v.connectors) for v in conflict.values] == [
        ("Suzanne Moulin", ["f1"], ["brp"]),
        ("S. Moulin", ["f4"], ["bewoning"]),
    ]
    assert d.outcomes == OUTCOMES and d.complete
    assert [s.key for s in d.subjects] == [PERSON]
    assert (d.purpose.id, d.officer.id, d.officer.municipality) == ("VA-1", "af", "0405")
    assert d.signal["persons"] == [{"burgerservicenummer": BSN}]


def test_the_dossier_validates_against_the_committed_schema():
    schema = json.loads(SCHEMA_PATH.read_text())
    jsonschema.Draft202012Validator(schema).validate(json.loads(assemble().to_json()))
