"""Signal validation: Dutch messages that name the field."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest

from hub.signal import (
    MAX_DESCRIPTION,
    MAX_SIGNAL_BYTES,
    MAX_SUBJECTS,
    SignalError,
    load_signal,
    parse_signal,
)
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


# -- identifiers: ASCII digits only ------------------------------------------------------

#: 999970057, a valid test BSN, in other digit systems and mixed with ASCII digits
NON_ASCII_BSNS = ["９９９９７００５７", "٩٩٩٩٧٠٠٥٧", "⁹⁹⁹⁹⁷⁰⁰⁵⁷", "9999700５7"]


@pytest.mark.parametrize("bsn", NON_ASCII_BSNS)
def test_bsn_in_non_ascii_digits_is_refused(bsn):
    got = problems({**BASE, "persons": [{"burgerservicenummer": bsn}]})
    assert got == {
        "persons[0].burgerservicenummer": "geen geldig BSN: 9 cijfers die de elfproef doorstaan"
    }


@pytest.mark.parametrize(
    ("field", "item", "needle"),
    [
        ("municipality", None, "gemeentecode"),
        ("businesses[0].kvkNummer", {"kvkNummer": "６９５９９０８４"}, "KvK-nummer"),
        (
            "businesses[0].vestigingsnummer",
            {"kvkNummer": "69599084", "vestigingsnummer": "٠٠٠٠٣٧٧٨٢٦٧٣"},
            "vestigingsnummer",
        ),
        ("addresses[0].postcode", {"postcode": "１６２１JH", "huisnummer": 88}, "postcode"),
        (
            "addresses[0].huisnummertoevoeging",
            {"postcode": "1621JH", "huisnummer": 88, "huisnummertoevoeging": "²"},
            "toevoeging",
        ),
    ],
)
def test_other_identifiers_in_non_ascii_digits_are_refused(field, item, needle):
    data = {**BASE, "persons": [{"burgerservicenummer": "999970057"}]}
    if item is None:
        data["municipality"] = "０４０５"
    else:
        kind = field.split("[")[0]
        data[kind] = [item]
    got = problems(data)
    assert list(got) == [field] and needle in got[field]


# -- no silent type coercion -------------------------------------------------------------


@pytest.mark.parametrize("huisnummer", [True, "88", 88.0, "８８", None, [88]])
def test_huisnummer_must_be_a_json_integer(huisnummer):
    got = problems({**BASE, "addresses": [{"postcode": "1621JH", "huisnummer": huisnummer}]})
    assert list(got) == ["addresses[0].huisnummer"]
    assert got["addresses[0].huisnummer"].startswith("moet een geheel getal zijn")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("purpose", 1),
        ("municipality", 405),
        ("description", True),
        ("forms", "arbeidsuitbuiting"),
    ],
)
def test_no_coercion_of_other_fields(field, value):
    got = problems({**BASE, field: value, "persons": [{"burgerservicenummer": "999970057"}]})
    assert list(got) == [field]


def test_bsn_as_a_number_is_refused():
    got = problems({**BASE, "persons": [{"burgerservicenummer": 999970057}]})
    assert got == {"persons[0].burgerservicenummer": "moet tekst zijn"}


# -- limits, stated in the messages --------------------------------------------------------


def test_subject_limit_is_stated():
    persons = [{"burgerservicenummer": "999970057"}] * (MAX_SUBJECTS + 1)
    got = problems({**BASE, "persons": persons})
    assert got == {"persons": "te veel: maximaal 20"}


def test_description_limit_is_stated():
    data = {**BASE, "description": "x" * (MAX_DESCRIPTION + 1)}
    got = problems({**data, "persons": [{"burgerservicenummer": "999970057"}]})
    assert got == {"description": "te lang: maximaal 10000 tekens"}


def test_lone_surrogate_is_refused():
    data = {**BASE, "description": "\ud800", "persons": [{"burgerservicenummer": "999970057"}]}
    assert problems(data) == {"description": "bevat een ongeldig teken"}


# -- files that cannot be read as a signal -------------------------------------------------


def load_problem(path) -> str:
    with pytest.raises(SignalError) as info:
        load_signal(path)
    [(field, message)] = info.value.problems
    assert field == "bestand"
    return message


def test_deeply_nested_json_is_refused_without_recursion_error(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    assert "te diep genest" in load_problem(path)


def test_deep_nesting_inside_a_field_is_refused(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text('{"municipality": ' + "[" * 50_000 + "]" * 50_000 + "}")
    assert "te diep genest" in load_problem(path)


def test_non_utf8_file_is_refused(tmp_path):
    path = tmp_path / "latin1.json"
    data = {**BASE, "description": "café", "persons": [{"burgerservicenummer": "999970057"}]}
    path.write_bytes(json.dumps(data, ensure_ascii=False).encode("latin-1"))
    assert "geen UTF-8" in load_problem(path)


def test_huge_integer_is_refused(tmp_path):
    path = tmp_path / "big.json"
    path.write_text('{"huisnummer": ' + "9" * 5000 + "}")
    assert "getal dat te lang is" in load_problem(path)


def test_file_over_the_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    path = tmp_path / "big.json"
    data = {**BASE, "persons": [{"burgerservicenummer": "999970057"}]}
    path.write_text(json.dumps(data) + " " * MAX_SIGNAL_BYTES)

    def no_reading(*args, **kwargs):
        raise AssertionError("the file was read")

    monkeypatch.setattr(Path, "read_text", no_reading)
    monkeypatch.setattr(Path, "read_bytes", no_reading)
    message = load_problem(path)
    assert "groter dan het maximum van 1048576 bytes (1 MiB)" in message


def test_file_at_the_limit_is_read(tmp_path):
    path = tmp_path / "s.json"
    text = json.dumps({**BASE, "persons": [{"burgerservicenummer": "999970057"}]})
    path.write_text(text + " " * (MAX_SIGNAL_BYTES - len(text)))
    assert load_signal(path).persons[0].burgerservicenummer == "999970057"


def test_a_pipe_is_read_bounded(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)

    def feed() -> None:
        try:
            with fifo.open("wb") as fh:
                fh.write(b" " * (MAX_SIGNAL_BYTES + 10))
        except BrokenPipeError:
            pass  # the reader stopped after the limit, as it should

    writer = threading.Thread(target=feed)
    writer.start()
    try:
        assert "groter dan het maximum" in load_problem(fifo)
    finally:
        writer.join(timeout=10)


def test_the_largest_valid_signal_fits_the_file_limit_with_room(tmp_path):
    """Why 1 MiB: every field at its maximum, every character a JSON escape of an
    astral character (12 bytes each), stays far below it."""
    astral = "\U0001f600"
    data = {
        **BASE,
        "purpose": "VA-MH-01",
        "description": astral * MAX_DESCRIPTION,
        "reporter": {"name": astral * 200, "department": astral * 200, "email": "a@b.nl"},
        "persons": [{"burgerservicenummer": "999970057"}] * MAX_SUBJECTS,
        "addresses": [
            {
                "postcode": "1621JH",
                "huisnummer": 99999,
                "huisletter": "A",
                "huisnummertoevoeging": "bis1",
            }
        ]
        * MAX_SUBJECTS,
        "businesses": [{"kvkNummer": "69599084", "vestigingsnummer": "000037782673"}]
        * MAX_SUBJECTS,
    }
    path = tmp_path / "max.json"
    path.write_text(json.dumps(data, indent=2, ensure_ascii=True))
    assert path.stat().st_size < 200 * 1024 < MAX_SIGNAL_BYTES
    assert len(load_signal(path).description) == MAX_DESCRIPTION
