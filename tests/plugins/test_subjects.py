"""Identifiers in the SDK accept ASCII digits 0-9 only.

``str.isdigit`` and ``int()`` also take fullwidth, Arabic-Indic and superscript
digits; a registry refuses those (or finds nothing), so they must never pass.
"""

from __future__ import annotations

import pytest

from plugins import (
    AddressRef,
    BusinessRef,
    PersonRef,
    house_number,
    is_ascii_digits,
    is_valid_bsn,
    normalise_postcode,
)

#: the test BSN 999970057 written in other digit systems, and mixed with ASCII
NON_ASCII_BSNS = [
    "９９９９７００５７",  # fullwidth
    "٩٩٩٩٧٠٠٥٧",  # Arabic-Indic
    "۹۹۹۹۷۰۰۵۷",  # extended Arabic-Indic (Persian)
    "⁹⁹⁹⁹⁷⁰⁰⁵⁷",  # superscripts
    "99997005７",  # mixed: one fullwidth digit
    "𝟗𝟗𝟗𝟗𝟕𝟎𝟎𝟓𝟕",  # mathematical bold
]


def test_the_ascii_bsn_is_valid():
    assert is_valid_bsn("999970057")


@pytest.mark.parametrize("bsn", NON_ASCII_BSNS)
def test_non_ascii_digits_are_no_bsn(bsn):
    assert not is_valid_bsn(bsn)
    with pytest.raises(ValueError, match="burgerservicenummer"):
        PersonRef(bsn)


@pytest.mark.parametrize(
    ("value", "length", "expected"),
    [
        ("0405", 4, True),
        ("0405", None, True),
        ("0405", 5, False),
        ("", None, False),
        ("０４０５", 4, False),
        ("٠٤٠٥", 4, False),
        ("04²5", 4, False),
        ("04 5", 4, False),
        ("-405", 4, False),
        ("0405\n", 5, False),
        (405, None, False),
        (None, None, False),
    ],
)
def test_is_ascii_digits(value, length, expected):
    assert is_ascii_digits(value, length) is expected


@pytest.mark.parametrize(
    "postcode", ["１６２１JH", "١٦٢١JH", "16²1JH", "1621ＪＨ", "1621ﬀ", "1621JH\n"]
)
def test_postcode_with_non_ascii_characters_is_refused(postcode):
    with pytest.raises(ValueError, match="postcode"):
        normalise_postcode(postcode)


def test_postcode_still_normalised():
    assert normalise_postcode("1621 jh") == "1621JH"


@pytest.mark.parametrize(
    ("kvk", "vestiging"),
    [("６９５９９０８４", None), ("69599084", "００００３７７８２６７３"), ("6959908٤", None)],
)
def test_business_numbers_ascii_only(kvk, vestiging):
    with pytest.raises(ValueError, match="cijfers"):
        BusinessRef(kvk, vestiging)


def test_bag_id_ascii_only():
    with pytest.raises(ValueError, match="adresseerbaarObjectIdentificatie"):
        AddressRef("1621JH", 1, adresseerbaarObjectIdentificatie="０４０５０１００００００１２３４")


@pytest.mark.parametrize("huisnummer", [True, 88.0, "88"])
def test_huisnummer_must_be_an_int(huisnummer):
    with pytest.raises(ValueError, match="huisnummer"):
        AddressRef("1621JH", huisnummer)


@pytest.mark.parametrize(
    ("parts", "written"),
    [((88,), "88"), ((88, "b"), "88b"), ((88, "b", "2"), "88b-2"), ((88, None, "II"), "88-II")],
)
def test_house_number_is_written_as_an_address_line_writes_it(parts, written):
    assert house_number(*parts) == written
    assert AddressRef("1621JH", *parts).label() == f"1621 JH {written}"
