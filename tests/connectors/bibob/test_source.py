"""The seam: Dutch code lists, the register-neutral Permit, and the pure bibob_facts."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from connectors.bibob import (
    MATE_VAN_GEVAAR,
    ONDERZOEK,
    VERGUNNINGSTATUS,
    VERGUNNINGTYPE,
    BibobOutcome,
    Permit,
    PermitAddress,
    PermitError,
    bibob_facts,
)

ADRES = PermitAddress("Kleine Noord", 88, "1621 jh", "Hoorn", huisletter="a")


def permit(nummer: str, aanvraag: date, mate: str | None, **changes: Any) -> Permit:
    values: dict[str, Any] = {
        "vergunningnummer": nummer,
        "type": "exploitatievergunning_horeca",
        "status": "verleend",
        "kvkNummer": "97000059",
        "naam": f"Naam bij {nummer}",
        "adres": ADRES,
        "datumAanvraag": aanvraag,
        "bibob": BibobOutcome("eigen_onderzoek", date(2025, 1, 2), mate, " verleend "),
    }
    values.update(changes)
    return Permit(**values)


def test_code_lists_are_dutch_and_ordered_least_severe_first() -> None:
    assert list(MATE_VAN_GEVAAR.labels) == ["geen_gevaar", "mindere_mate", "ernstig_gevaar"]
    assert MATE_VAN_GEVAAR.labels["mindere_mate"] == "Mindere mate van gevaar"
    assert ONDERZOEK.labels["lbb_advies"] == "Advies van het Landelijk Bureau Bibob"
    assert set(VERGUNNINGSTATUS.labels) == {"aangevraagd", "verleend", "geweigerd", "ingetrokken"}
    assert "exploitatievergunning_seksinrichting" in VERGUNNINGTYPE.labels


@pytest.mark.parametrize(
    "text", ["ernstig_gevaar", "Ernstig gevaar", "  ERNSTIG   gevaar ", "ernstig gevaar"]
)
def test_a_code_is_found_by_code_or_label_case_blind(text: str) -> None:
    assert MATE_VAN_GEVAAR.code_for(text) == "ernstig_gevaar"


def test_a_registers_own_wording_maps_onto_a_code() -> None:
    extra = {"Ernstige mate van gevaar": "ernstig_gevaar", "Vergunning verleend": "verleend"}
    assert MATE_VAN_GEVAAR.code_for("ernstige mate van gevaar", extra) == "ernstig_gevaar"
    assert VERGUNNINGSTATUS.code_for("Vergunning verleend", extra) == "verleend"
    with pytest.raises(PermitError, match="mateVanGevaar"):
        MATE_VAN_GEVAAR.code_for("Vergunning verleend", extra)  # a code of another list
    with pytest.raises(PermitError, match="not a known code or label"):
        MATE_VAN_GEVAAR.code_for("enig gevaar")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"type": "kapvergunning"}, "type"),
        ({"status": "verlopen"}, "status"),
        ({"kvkNummer": "9700005"}, "kvkNummer"),
        ({"naam": "  "}, "naam"),
        ({"vergunningnummer": ""}, "vergunningnummer"),
        ({"datumAanvraag": "2025-01-01"}, "datumAanvraag"),
        ({"datumBesluit": "2025-01-01"}, "datumBesluit"),
        ({"adres": "Kleine Noord 88"}, "adres"),
    ],
)
def test_a_permit_outside_the_code_lists_is_refused(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(PermitError, match=message):
        permit("VG-1", date(2025, 1, 1), None, **changes)


def test_an_outcome_and_an_address_outside_the_contract_are_refused() -> None:
    with pytest.raises(PermitError, match="onderzoek"):
        BibobOutcome("navraag")
    with pytest.raises(PermitError, match="mateVanGevaar"):
        BibobOutcome("eigen_onderzoek", mateVanGevaar="enig_gevaar")
    with pytest.raises(PermitError, match="adres"):
        PermitAddress("Kleine Noord", 88, "16211JH", "Hoorn")
    with pytest.raises(PermitError, match="straatnaam"):
        PermitAddress("", 88, "1621JH", "Hoorn")


def test_facts_list_newest_first_with_the_most_severe_outcome_and_the_newest_name() -> None:
    old = permit("VG-2024-1", date(2024, 5, 1), "ernstig_gevaar")
    new = permit("VG-2026-1", date(2026, 2, 1), "mindere_mate", datumBesluit=date(2026, 3, 1))
    pending = permit("VG-2025-1", date(2025, 5, 1), None, status="aangevraagd")
    facts = bibob_facts([old, new, pending])
    assert [v["vergunningnummer"] for v in facts["vergunningen"]] == [
        "VG-2026-1",
        "VG-2025-1",
        "VG-2024-1",
    ]
    assert facts["hoogsteMateVanGevaar"] == "ernstig_gevaar"
    assert facts["aantalVergunningen"] == 3
    assert facts["naam"] == "Naam bij VG-2026-1"
    assert facts["vergunningen"][0] == {
        "vergunningnummer": "VG-2026-1",
        "type": "exploitatievergunning_horeca",
        "status": "verleend",
        "kvkNummer": "97000059",
        "adres": "Kleine Noord 88a, 1621 JH Hoorn",
        "datumAanvraag": "2026-02-01",
        "datumBesluit": "2026-03-01",
        "bibob": {
            "onderzoek": "eigen_onderzoek",
            "datum": "2025-01-02",
            "mateVanGevaar": "mindere_mate",
            "besluit": "verleend",
        },
    }


def test_no_permits_is_a_checked_none_without_a_name() -> None:
    assert bibob_facts([]) == {
        "vergunningen": [],
        "aantalVergunningen": 0,
        "hoogsteMateVanGevaar": None,
    }


def test_no_known_outcome_is_none_and_the_facts_do_not_depend_on_the_input_order() -> None:
    a = permit("VG-A", date(2025, 1, 1), None)
    b = permit("VG-B", date(2025, 1, 1), None)
    assert bibob_facts([a, b]) == bibob_facts([b, a])
    assert bibob_facts([a, b])["hoogsteMateVanGevaar"] is None
