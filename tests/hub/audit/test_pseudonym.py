"""Keyed pseudonyms of data subject ids."""

from __future__ import annotations

import os

import pytest

from hub.audit import Pseudonymiser
from plugins import AddressRef, BusinessRef, PersonRef


def test_deterministic_keyed_and_typed() -> None:
    key = os.urandom(32)
    p = Pseudonymiser(key)
    one = p.pseudonymise("999970057")
    assert one == Pseudonymiser(key).pseudonymise("999 970 057")  # normalised
    assert one != Pseudonymiser(os.urandom(32)).pseudonymise("999970057")
    assert one != p.pseudonymise("999970057", "KvK")
    assert "999970057" not in one and len(one) == 64
    assert p.subject(PersonRef("999970057")) == ("BSN", one)
    assert p.subject(BusinessRef("97000011"))[0] == "KvK"
    assert p.subject(AddressRef("1621JH", 88))[0] == "adres"


def test_previous_keys_for_search() -> None:
    old = os.urandom(32)
    rotated = Pseudonymiser(os.urandom(32), previous=[old])
    assert rotated.all_pseudonyms("999970057")[1] == Pseudonymiser(old).pseudonymise("999970057")
    assert rotated.key_id != Pseudonymiser(old).key_id


def test_invalid_bsn_is_not_echoed() -> None:
    with pytest.raises(ValueError) as caught:
        Pseudonymiser(os.urandom(32)).pseudonymise("123456789")
    assert "123456789" not in str(caught.value)
    with pytest.raises(ValueError):
        Pseudonymiser(b"short")
