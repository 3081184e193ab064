"""BadResponse.from_validation: a refused answer is named by where and what, never by value."""

from __future__ import annotations

import pydantic
import pytest

from plugins import BadResponse


class Bewoner(pydantic.BaseModel):
    burgerservicenummer: str
    leeftijd: int


class Antwoord(pydantic.BaseModel):
    bewoners: list[Bewoner]
    per_adres: dict[str, int] = {}


def refused(body: object) -> BadResponse:
    with pytest.raises(pydantic.ValidationError) as info:
        Antwoord.model_validate(body)
    return BadResponse.from_validation("bewoningen", info.value)


def test_names_the_place_and_the_kind_of_the_first_problem():
    error = refused({"bewoners": [{"burgerservicenummer": "999993653", "leeftijd": "oud"}]})
    assert str(error) == "bewoningen: unexpected shape at bewoners[0].leeftijd: int_parsing"


def test_counts_the_rest_and_names_a_missing_key():
    error = refused({"bewoners": [{}]})
    assert str(error) == (
        "bewoningen: unexpected shape at bewoners[0].burgerservicenummer: missing (and 1 more)"
    )
    assert str(refused({})) == "bewoningen: unexpected shape at bewoners: missing"
    assert str(refused([])) == "bewoningen: unexpected shape at the top: model_type"


def test_never_quotes_a_value_nor_a_key_that_is_an_identifier():
    error = refused({"bewoners": [], "per_adres": {"999993653": "negen"}})
    assert "999993653" not in str(error) and "negen" not in str(error)
    assert str(error) == "bewoningen: unexpected shape at per_adres.…: int_parsing"
