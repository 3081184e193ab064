"""The fake zaaksysteem's demo world is data: a catalogue file, and the permit zaken
read from the Bibob fake's own records (one source of truth, not a copy)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from connectors.bibob.fake import data as bibob_data
from connectors.handhaving.fake import data
from connectors.handhaving.fake.data import build_world, zaaktype_uuid

TODAY = date(2026, 5, 1)
DATA = Path(data.__file__).parent


def _zaak(world: data.World, identificatie: str) -> dict[str, object]:
    return next(z for z in world.zaken.values() if z["identificatie"] == identificatie)


def test_every_zaaktype_a_configuration_names_is_in_the_catalogue_file() -> None:
    catalogus = json.loads((DATA / "catalogus.json").read_text(encoding="utf-8"))
    named = {zaaktype_uuid(z["naam"]) for z in catalogus["zaaktypen"]}
    exported = {
        value
        for name, value in vars(data).items()
        if name.startswith("ZAAKTYPE_") and isinstance(value, str)
    }
    assert len(exported) >= 6
    assert exported | set(data.HANDHAVING_ZAAKTYPEN) <= named
    assert set(build_world(TODAY).zaaktypen) == named


def test_the_permits_are_not_copied_from_the_bibob_fake() -> None:
    numbers = [v.vergunningnummer for v in bibob_data.vergunningen(TODAY)]
    assert numbers
    for path in DATA.iterdir():
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            assert not [n for n in numbers if n in text], path.name


def test_the_permit_zaken_follow_the_bibob_fakes_records(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A permit added to the Bibob fake appears in the zaaksysteem; one that was never
    screened has no Bibob deelzaak."""
    known = bibob_data.vergunningen(TODAY)
    new = replace(
        known[0],
        vergunningnummer="VG-2026-0999",
        type="exploitatievergunning_horeca",
        status="verleend",
        datumBesluit=date(2026, 4, 20),
        bibob=bibob_data.Bibob("eigen_onderzoek", date(2026, 4, 1), "geen_gevaar", "verleend"),
    )
    unscreened = replace(known[1], vergunningnummer="VG-2026-0998", bibob=bibob_data.Bibob("geen"))
    monkeypatch.setattr(data, "vergunningen", lambda today: [*known, new, unscreened])
    world = build_world(TODAY)

    aanvraag = _zaak(world, "VG-2026-0999")
    assert aanvraag["zaaktype"] == zaaktype_uuid("exploitatievergunning-horeca")
    assert world.resultaten[str(aanvraag["resultaat"])]["resultaattype"] == (
        data.resultaattype_uuid(zaaktype_uuid("exploitatievergunning-horeca"), "Verleend")
    )
    onderzoek = _zaak(world, f"BIBOB-{new.datumAanvraag.year}-{len(known) + 1:04d}")
    assert onderzoek["hoofdzaak"] == _uid_of(world, "VG-2026-0999")
    assert onderzoek["bronorganisatie"] == data.RSIN_HOORN  # Kleine Noord 88, Hoorn
    assert world.resultaten[str(onderzoek["resultaat"])]["resultaattype"] == (
        data.resultaattype_uuid(data.ZAAKTYPE_BIBOB_ONDERZOEK, "Geen gevaar")
    )
    _zaak(world, "VG-2026-0998")
    deelzaken = [
        z for z in world.zaken.values() if z["hoofdzaak"] == _uid_of(world, "VG-2026-0998")
    ]
    assert deelzaken == []


def _uid_of(world: data.World, identificatie: str) -> str:
    return next(k for k, z in world.zaken.items() if z["identificatie"] == identificatie)
