"""Dutch values and labels as the officer reads them (hub/dutch.py, hub/labels.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from hub.dutch import dutch_date, dutch_dates_in, dutch_moment, dutch_number, dutch_text
from hub.labels import Labels
from plugins import Classification, FieldSpec

PERMITS = FieldSpec(
    Classification.BIBOB,
    "vergunningen",
    "Vergunningen",
    parts={"bibob": "Bibob-toets", "mateVanGevaar": "Uitkomst", "datum": "Datum", "open": "Open"},
    codes={"mateVanGevaar": {"mindere_mate": "Mindere mate van gevaar"}},
)
LABELS = Labels({"bibob": {"vergunningen": PERMITS}})


def test_dates_in_words_whole_partial_and_with_time() -> None:
    assert dutch_date(date(2026, 12, 3)) == "3 december 2026"
    assert dutch_text("2004-11-23") == "23 november 2004"
    assert dutch_text("2004-11") == "november 2004"
    assert dutch_text("2004-13") == "2004-13"  # no month: left as the registry gave it
    assert dutch_moment(datetime(2026, 12, 4, 4, 16, tzinfo=UTC)) == "4 december 2026 05:16"
    assert (
        dutch_dates_in("BewoningMetPeildatum 2026-12-04") == "BewoningMetPeildatum 4 december 2026"
    )


def test_a_decimal_comma() -> None:
    assert dutch_number(7.1) == "7,1"
    assert dutch_number(12.0) == "12"


def test_present_labels_keys_codes_dates_and_booleans_in_the_same_shape() -> None:
    value = [{"bibob": {"mateVanGevaar": "mindere_mate", "datum": "2026-11-20"}, "open": True}]
    assert LABELS.present("bibob", "vergunningen", value) == [
        {
            "Bibob-toets": {"Uitkomst": "Mindere mate van gevaar", "Datum": "20 november 2026"},
            "Open": "ja",
        }
    ]
    assert LABELS.field("bibob", "vergunningen") == "Vergunningen"


def test_derived_indicators_are_labelled_by_the_hub() -> None:
    assert LABELS.field("opplus.indicatoren", "indicator.m2_per_bewoner") == (
        "Woonruimte per bewoner (m²)"
    )
    assert LABELS.source("opplus.indicatoren") == "afgeleid door opplus"
    assert LABELS.present("opplus.indicatoren", "indicator.m2_per_bewoner", 7.1) == "7,1"


def test_a_field_of_a_connector_no_longer_loaded_keeps_its_name() -> None:
    assert LABELS.field("weg", "aantalX") == "aantalX"
    assert LABELS.present("weg", "aantalX", {"a": False}) == {"a": "nee"}
