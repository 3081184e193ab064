"""The SDK's purpose headers: per purpose, named as the gateway wants, never the
internal purpose id, and refused where a connector would not send them."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from plugins import (
    AddressRef,
    ConnectorSettings,
    PurposeHeaders,
    Query,
    QueryRejected,
    missing_headers,
)
from plugins.testing import make_query


@pytest.fixture
def query() -> Query:
    return make_query(AddressRef(postcode="1621AB", huisnummer=1), {"x"})


def test_headers_for_a_query_carry_the_registered_code_and_the_officer(query: Query) -> None:
    block = PurposeHeaders.model_validate(
        {
            "origin_oin": "00000001001234567000",
            "purposes": {"VA-MH-01": {"doelbinding": "D-1", "verwerking": "V-1"}},
        }
    )
    assert block.for_query(query) == {
        "x-doelbinding": "D-1",
        "x-verwerking": "V-1",
        "x-gebruiker": query.officer.id,
        "x-origin-oin": "00000001001234567000",
    }


def test_a_purpose_without_code_is_refused(query: Query) -> None:
    block = PurposeHeaders.model_validate({"purposes": {"VA-MH-02": {"doelbinding": "D-2"}}})
    with pytest.raises(QueryRejected, match="VA-MH-01"):
        block.for_query(query)


def test_the_probe_uses_the_first_code_and_the_probe_user() -> None:
    block = PurposeHeaders.model_validate(
        {"probe_user": "opplus-check", "purposes": {"A": {"doelbinding": "D-A"}}}
    )
    assert block.for_probe() == {"x-doelbinding": "D-A", "x-gebruiker": "opplus-check"}
    assert PurposeHeaders().for_probe() == {}


@pytest.mark.parametrize("bad", [{"doelbinding_header": "x doel"}, {"origin_oin": "123"}])
def test_header_names_and_oin_are_checked(bad: dict[str, str]) -> None:
    with pytest.raises(ValidationError):
        PurposeHeaders.model_validate(bad)


def test_missing_headers_treats_empty_as_missing() -> None:
    sent = {"x-doelbinding": "D", "x-gebruiker": " "}
    assert missing_headers(sent, ("x-doelbinding", "x-gebruiker", "x-origin-oin")) == [
        "x-gebruiker",
        "x-origin-oin",
    ]


def test_purpose_headers_are_refused_where_the_connector_does_not_send_them() -> None:
    purposes = {"purposes": {"VA-MH-01": {"doelbinding": "D"}}}
    with pytest.raises(ValueError, match="purpose_headers: deze connector stuurt geen"):
        ConnectorSettings(base_url="https://registry.test", purpose_headers=purposes)
