"""Signal validation: Dutch messages that name the field."""

from __future__ import annotations

import json

import pytest

from hub.signal import SignalError, load_signal, parse_signal
from plugins import is_valid_bsn

BASE = {"municipality": "0405", "forms": ["arbeidsuitbuiting"], "purpose": "VA-MH-01"}


def problems(data) -> dict[str, str]:
    with pytest.raises(SignalError) as info:
        parse_signal(data)
    return dict(info.value.problems)


@pytest.mark.parametrize("bsn", ["999993653", "999990676", "999991978", "999993483", "999970057"])
def test_test_bsns_pass_the_elfproef(bsn):
    assert is_valid_bsn(bsn)


@pytest.mark.parametrize("bsn", ["999993654", "12345678", "1234567890", "abcdefghi", "000000000"])
def test_invalid_bsns_fail(bsn):
    assert not is_valid_bsn(bsn)


def test_bad_bsn_names_the_field():
    got = problems({**BASE, "persons": [{"burgerservicenummer": "999993654"}]})
    assert got == {
        "persons[0].burgerservicenummer": "geen geldig BSN: 9 cijfers die de elfproef doorstaan"
    }


def test_unknown_field_and_bad_values_each_named():
    got = problems(
        {
            **BASE,
            "municipality": "405",
            "forms": ["mensenhandel"],
            "foo": 1,
            "addresses": [{"postcode": "ABCD12", "huisnummer": 0}],
            "businesses": [{"kvkNummer": "123"}],
        }
    )
    assert got["foo"] == "onbekend veld"
    assert got["municipality"].startswith("gemeentecode is vier cijfers")
    assert got["forms[0]"].startswith("onbekende waarde")
    assert "postcode" in got["addresses[0].postcode"]
    assert got["addresses[0].huisnummer"] == "te klein"
    assert got["businesses[0].kvkNummer"] == "KvK-nummer is 8 cijfers"


def test_no_subjects_is_refused():
    assert "persons" in problems(dict(BASE))


def test_missing_required_fields():
    got = problems({"persons": [{"burgerservicenummer": "999993653"}]})
    assert got == {f: "dit veld is verplicht" for f in ("municipality", "forms", "purpose")}


def test_not_an_object():
    assert problems([1, 2]) == {"signaal": "verwacht een JSON-object"}


def test_postcode_normalised_and_duplicates_removed():
    s = parse_signal(
        {
            **BASE,
            "addresses": [
                {"postcode": "1621 jh", "huisnummer": 88},
                {"postcode": "1621JH", "huisnummer": 88},
            ],
        }
    )
    [subject] = s.subjects()
    assert subject.key == "address:1621JH-88"


def test_load_signal_reports_bad_json_with_position(tmp_path):
    path = tmp_path / "s.json"
    path.write_text('{"municipality": "0405",\n  "forms": [}')
    with pytest.raises(SignalError) as info:
        load_signal(path)
    assert "regel 2" in str(info.value)


def test_load_signal_missing_file(tmp_path):
    with pytest.raises(SignalError) as info:
        load_signal(tmp_path / "nope.json")
    assert "kan" in str(info.value) and "niet lezen" in str(info.value)


def test_load_signal_ok(tmp_path):
    path = tmp_path / "s.json"
    path.write_text(json.dumps({**BASE, "businesses": [{"kvkNummer": "69599084"}]}))
    assert load_signal(path).businesses[0].kvkNummer == "69599084"


def test_no_form_chosen_says_what_to_do():
    got = problems({**BASE, "forms": [], "persons": [{"burgerservicenummer": "999993653"}]})
    assert got == {"forms": "kies minstens één vorm van uitbuiting"}
