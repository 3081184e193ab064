"""Dutch labels in the contract: what :func:`plugins.unlabelled` finds, and the contract
kit failing a connector whose delivered facts or codes have no label."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from connectors.bibob import plugin
from connectors.bibob.client import BibobConnector
from plugins import AddressRef, BusinessRef, Classification, ConnectorSpec, FieldSpec, unlabelled
from plugins.testing import ConnectorContract, ContractCase, _Harness
from tests.connectors._kit import spec_and_fake

PERMITS = FieldSpec(
    Classification.BIBOB,
    "vergunningen",
    "Vergunningen",
    parts={"bibob": "Bibob-toets", "mateVanGevaar": "Uitkomst"},
    codes={"mateVanGevaar": {"mindere_mate": "Mindere mate van gevaar"}},
)


def test_a_labelled_value_has_nothing_missing() -> None:
    value = [{"bibob": {"mateVanGevaar": "mindere_mate"}}]
    assert unlabelled("vergunningen", PERMITS, value) == []


def test_a_field_without_label_is_named() -> None:
    bare = FieldSpec(Classification.NORMAL, "aantal")
    assert unlabelled("aantal", bare, 3) == ["label"]


def test_a_key_without_label_is_named_once_at_any_depth() -> None:
    value = [{"bibob": {"datum": "2026-11-20"}}, {"bibob": {"datum": "2026-11-21"}}]
    assert unlabelled("vergunningen", PERMITS, value) == ["part 'datum'"]


def test_a_code_outside_its_list_is_named() -> None:
    value = [{"bibob": {"mateVanGevaar": "ernstig_gevaar"}}]
    assert unlabelled("vergunningen", PERMITS, value) == [
        "code 'ernstig_gevaar' of 'mateVanGevaar'"
    ]


def test_the_fields_own_codes_are_checked_under_its_name() -> None:
    spec = FieldSpec(
        Classification.BIBOB, "x", "Zwaarste uitkomst", codes={"hoogste": {"geen_gevaar": "Geen"}}
    )
    assert unlabelled("hoogste", spec, "geen_gevaar") == []
    assert unlabelled("hoogste", spec, "mindere_mate") == ["code 'mindere_mate' of 'hoogste'"]


def _stripped(spec: FieldSpec) -> FieldSpec:
    """``spec`` as a connector that forgot its labels would declare it."""
    return dataclasses.replace(spec, label="", parts={}, codes={})


class _Unlabelled(BibobConnector):
    """The Bibob connector with the labels of its permits and outcome left out."""

    def __init__(self, settings: Any, context: Any) -> None:
        super().__init__(settings, context)
        fields = {name: _stripped(spec) for name, spec in self.info.fields.items()}
        self.info = dataclasses.replace(self.info, fields=fields)


def _case(spec: ConnectorSpec) -> ContractCase:
    _, fake = spec_and_fake(plugin)
    return ContractCase(
        spec=spec,
        fake=fake,
        settings={"base_url": "http://fake.test/vergunningregister", "username": "opplus"},
        known=[BusinessRef("97000035"), AddressRef("1621JH", 88)],
    )


@pytest.fixture
def unlabelled_harness() -> _Harness:
    spec, _ = spec_and_fake(plugin)
    stripped = {name: _stripped(field) for name, field in spec.fields.items()}
    return _Harness(_case(dataclasses.replace(spec, factory=_Unlabelled, fields=stripped)))


def test_the_kit_fails_a_connector_without_field_labels(unlabelled_harness: _Harness) -> None:
    with pytest.raises(AssertionError, match="needs a Dutch label"):
        ConnectorContract().test_declares_name_version_kinds_and_classified_fields(
            unlabelled_harness
        )


def test_the_kit_fails_a_connector_whose_parts_and_codes_have_no_label(
    unlabelled_harness: _Harness,
) -> None:
    with pytest.raises(AssertionError) as failed:
        ConnectorContract().test_delivered_facts_are_labelled(unlabelled_harness)
    message = str(failed.value)
    assert "vergunningen: part 'datumAanvraag'" in message
    assert "hoogsteMateVanGevaar: label" in message


def test_the_kit_fails_a_code_outside_the_declared_list() -> None:
    spec, _ = spec_and_fake(plugin)
    shortened = dict(spec.fields)
    shortened["hoogsteMateVanGevaar"] = dataclasses.replace(
        spec.fields["hoogsteMateVanGevaar"],
        codes={"hoogsteMateVanGevaar": {"geen_gevaar": "Geen gevaar"}},
    )

    class Shortened(BibobConnector):
        def __init__(self, settings: Any, context: Any) -> None:
            super().__init__(settings, context)
            self.info = dataclasses.replace(self.info, fields=shortened)

    harness = _Harness(_case(dataclasses.replace(spec, factory=Shortened, fields=shortened)))
    with pytest.raises(AssertionError, match="code 'ernstig_gevaar' of 'hoogsteMateVanGevaar'"):
        ConnectorContract().test_delivered_facts_are_labelled(harness)


def test_the_kit_fails_a_spec_whose_fields_differ_from_the_connectors() -> None:
    spec, _ = spec_and_fake(plugin)
    harness = _Harness(_case(dataclasses.replace(spec, fields={})))
    with pytest.raises(AssertionError, match=r"ConnectorSpec\.fields"):
        ConnectorContract().test_declares_name_version_kinds_and_classified_fields(harness)
