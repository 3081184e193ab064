"""Aandachtspunten derived from facts, with provenance pointing to their sources."""

from __future__ import annotations

from datetime import UTC, date, datetime

from hub.config import IndicatorConfig
from hub.dossier import DossierFact, FactProvenance
from hub.indicators import derive_indicators
from plugins import TraceContext

TODAY = date(2026, 11, 28)


def fact(n, subject, attribute, value, classification="personal", connector="x"):
    return DossierFact(
        id=f"f{n}",
        subject=subject,
        attribute=attribute,
        value=value,
        classification=classification,
        provenance=FactProvenance(
            connector=connector,
            connector_version="1",
            registry="r",
            operation="o",
            request_id="q",
            retrieved_at=datetime.now(UTC),
            response_sha256="0" * 64,
            trace_id="0" * 32,
            span_id="0" * 16,
        ),
    )


def derive(facts):
    return derive_indicators(
        facts, TraceContext.new_trace(), IndicatorConfig(), start=100, today=TODAY
    )


A = "address:1621JH-88"


def test_overcrowding_flagged_below_norm_with_sources():
    derived, points = derive(
        [fact(1, A, "oppervlakte", 64, "normal"), fact(2, A, "aantalBewoners", 9)]
    )
    [d] = derived
    assert d.attribute == "indicator.m2_per_bewoner" and d.value == 7.1
    assert d.provenance.derived_from == ["f1", "f2"] and d.classification == "personal"
    assert d.id == "f100"
    [p] = points
    assert p.fact_id == "f100" and "7,1 m² per persoon" in p.explanation


def test_spacious_address_is_derived_but_not_flagged():
    derived, points = derive([fact(1, A, "oppervlakte", 95), fact(2, A, "aantalBewoners", 3)])
    assert derived[0].value == 31.7 and points == []


def test_businesses_at_home():
    _, points = derive(
        [
            fact(1, A, "aantalInschrijvingenOpAdres", 2, "normal"),
            fact(2, A, "gebruiksdoelen", ["woonfunctie"], "normal"),
        ]
    )
    assert [p.code for p in points] == ["bedrijven_op_woonadres"]
    _, points = derive(
        [
            fact(1, A, "aantalInschrijvingenOpAdres", 2, "normal"),
            fact(2, A, "gebruiksdoelen", ["industriefunctie"], "normal"),
        ]
    )
    assert points == []


def test_minor_person_and_minor_residents():
    _, points = derive(
        [
            fact(1, "person:999970173", "leeftijd", 16),
            fact(2, A, "bewoners", [{"leeftijd": 16}, {"leeftijd": 40}]),
        ]
    )
    assert sorted(p.code for p in points) == ["minderjarig", "minderjarige_bewoners"]


def test_recent_registration():
    _, points = derive([fact(1, "person:999970057", "datumInschrijvingInGemeente", "2026-10-01")])
    assert [p.code for p in points] == ["recent_ingeschreven"]
    _, points = derive([fact(1, "person:999970057", "datumInschrijvingInGemeente", "2020-10-01")])
    assert points == []


def test_bibob_indicator_inherits_bibob_classification():
    derived, points = derive(
        [fact(1, "business:97000035", "hoogsteMateVanGevaar", "ernstig_gevaar", "bibob")]
    )
    assert derived[0].classification == "bibob"
    assert points[0].code == "bibob_ernstig_gevaar"


def test_open_cases():
    _, points = derive([fact(1, A, "aantalOpenZaken", 1, "confidential")])
    assert points[0].code == "open_handhavingszaken"
    _, points = derive([fact(1, A, "aantalOpenZaken", 0, "confidential")])
    assert points == []


def test_a_registry_flag_saying_no_beside_a_crowding_point_is_named_with_both_sources():
    flag = fact(3, A, "indicatieVeelBewoners", False)
    _, points = derive(
        [fact(1, A, "oppervlakte", 64, "normal"), fact(2, A, "aantalBewoners", 9), flag]
    )
    [p] = points
    assert "Tegenstrijdig" in p.explanation
    assert "'meer dan 100 bewoners: nee' (feit f3)" in p.explanation
    assert "feit f1" in p.explanation and "feit f2" in p.explanation  # the other side
    # without the flag, or with it raised, nothing is said about it
    _, quiet = derive([fact(1, A, "oppervlakte", 64), fact(2, A, "aantalBewoners", 9)])
    assert "Tegenstrijdig" not in quiet[0].explanation
