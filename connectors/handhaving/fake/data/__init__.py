"""The fake zaaksysteem's records: catalogi, and the zaken of the West-Friesland demo world.

Records reference each other by uuid; the fake turns references into absolute URLs
under the base URL of each request, as a real ZGW API does. Uuids are fixed (uuid5
of a name), so a configuration can name the handhaving zaaktypes of the fake::

    zaaktypen = [
        "zaaktypen/<ZAAKTYPE_HANDHAVING_WONEN>",  # relative to catalogi_base_url
        ...
    ]

The demo world is data files beside this module:

- ``catalogus.json``: the catalogue (zaaktypen by name, with their statustypen and
  resultaattypen in order; the roltypen every zaaktype has; the informatieobjecttypen);
- ``adressen.json``: the addresses zaken are about (BAG nummeraanduiding, WGS84 point);
- ``gemeenten.json``: the municipalities' organisations (RSIN, invented but passing the
  11-check) and their woonplaatsen, for the ``bronorganisatie`` of a zaak;
- ``zaken.json``: the stories' zaken, following ``docs/demo-world.md`` (HH-2026-000142
  and HH-2024-000031 at Kleine Noord 88 Hoorn, HH-2026-000077 at Westerstraat 201
  Enkhuizen, HH-2026-000203 at Dorpsstraat 5 Wognum; a parking permit and a
  public-space report prove that the zaaktype filter works); a recent date is
  ``{"daysAgo": N}``, relative to ``today``;
- ``vergunningzaken.json``: how this zaaksysteem files the permits of the Bibob fake.
  The permits themselves are not repeated here: they are read from the Bibob fake's
  ``connectors/bibob/fake/data/vergunningen.json``, so both registers tell one story.

One part is generated, not data: ``extra_zaken`` (:func:`_extra_zaken`) adds that many
zaken for one test person (by default 999993653, Suzanne Moulin of RvIG's GBA-V test
set) by a fixed pattern, so that lists run over several pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from connectors.bibob.fake.data import Vergunning, vergunningen
from plugins.fakes import read_json

from ._records import (
    Adres,
    Builder,
    Catalogus,
    Record,
    World,
    catalogi,
    persoon,
    resultaattype_uuid,
    roltype_uuid,
    statustype_uuid,
    uid,
    zaaktype_uuid,
)

__all__ = [
    "ADRESSEN",
    "HANDHAVING_ZAAKTYPEN",
    "INFORMATIEOBJECTTYPE_SIGNAALDOSSIER",
    "ROLTYPE_BELANGHEBBENDE_WONEN",
    "RSIN_ENKHUIZEN",
    "RSIN_HOORN",
    "RSIN_MEDEMBLIK",
    "ZAAKTYPE_BIBOB_ONDERZOEK",
    "ZAAKTYPE_HANDHAVING_APV_PROSTITUTIE",
    "ZAAKTYPE_HANDHAVING_OPIUMWET",
    "ZAAKTYPE_HANDHAVING_WONEN",
    "ZAAKTYPE_MELDING_OPENBARE_RUIMTE",
    "ZAAKTYPE_PARKEERVERGUNNING",
    "Adres",
    "Record",
    "World",
    "build_world",
    "resultaattype_uuid",
    "roltype_uuid",
    "statustype_uuid",
    "zaaktype_uuid",
]


@dataclass(frozen=True, slots=True)
class _Gemeente:
    naam: str
    rsin: str
    woonplaatsen: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Vergunningzaken:
    """How the Bibob fake's permit codes become this zaaksysteem's zaaktypen and
    resultaattypen (by omschrijving), and who advises on a ``lbb_advies``."""

    zaaktypen: dict[str, str]  # vergunning type -> zaaktype naam
    besluiten: dict[str, str]  # vergunning status -> resultaattype of the permit zaak
    mateVanGevaar: dict[str, str]  # mate van gevaar -> resultaattype of the Bibob zaak
    onderzoekNaAanvraagDagen: int  # the Bibob zaak starts this many days after the aanvraag
    adviseur: dict[str, str]  # betrokkeneIdentificatie of an organisatorische eenheid


_HERE = Path(__file__).parent
_CATALOGUS: Catalogus = read_json(_HERE / "catalogus.json", Catalogus)
#: the addresses zaken are about (``adressen.json``)
ADRESSEN: tuple[Adres, ...] = read_json(_HERE / "adressen.json", tuple[Adres, ...])
_GEMEENTEN: tuple[_Gemeente, ...] = read_json(_HERE / "gemeenten.json", tuple[_Gemeente, ...])
_RSIN = {g.naam: g.rsin for g in _GEMEENTEN}

RSIN_HOORN = _RSIN["Hoorn"]
RSIN_ENKHUIZEN = _RSIN["Enkhuizen"]
RSIN_MEDEMBLIK = _RSIN["Medemblik"]

ZAAKTYPE_HANDHAVING_WONEN = zaaktype_uuid("handhaving-wonen")
ZAAKTYPE_HANDHAVING_APV_PROSTITUTIE = zaaktype_uuid("handhaving-apv-prostitutie")
ZAAKTYPE_HANDHAVING_OPIUMWET = zaaktype_uuid("handhaving-opiumwet")
ZAAKTYPE_PARKEERVERGUNNING = zaaktype_uuid("parkeervergunning")
ZAAKTYPE_MELDING_OPENBARE_RUIMTE = zaaktype_uuid("melding-openbare-ruimte")
# A permit application is a zaak of its permit's zaaktype; its Bibob investigation is a
# deelzaak of zaaktype Bibob-onderzoek (connectors/bibob/zgw.py reads them).
ZAAKTYPE_BIBOB_ONDERZOEK = zaaktype_uuid("bibob-onderzoek")
HANDHAVING_ZAAKTYPEN = (
    ZAAKTYPE_HANDHAVING_WONEN,
    ZAAKTYPE_HANDHAVING_APV_PROSTITUTIE,
    ZAAKTYPE_HANDHAVING_OPIUMWET,
)
ROLTYPE_BELANGHEBBENDE_WONEN = roltype_uuid(ZAAKTYPE_HANDHAVING_WONEN, "Belanghebbende")
INFORMATIEOBJECTTYPE_SIGNAALDOSSIER = uid("informatieobjecttype/signaaldossier")


@dataclass(frozen=True)
class _Rol:
    betrokkeneType: str  # ZGW spelling
    betrokkeneIdentificatie: dict[str, Any]
    roltype: str = "Belanghebbende"


@dataclass(frozen=True)
class _Zaak:
    """One zaak of ``zaken.json``; ``zaaktype`` is its name in the catalogue, ``adres``
    the BAG nummeraanduiding of one of :data:`ADRESSEN`."""

    identificatie: str
    zaaktype: str
    omschrijving: str
    bronorganisatie: str
    startdatum: date
    statussen: list[tuple[str, date]]
    resultaat: str | None = None
    adres: str | None = None
    toelichting: str = ""
    rollen: tuple[_Rol, ...] = ()


def _demo_zaken(b: Builder, today: date) -> None:
    """The stories' zaken (``zaken.json``; recent dates ``{"daysAgo": N}``)."""
    adressen = {a.identificatie: a for a in ADRESSEN}
    for z in read_json(_HERE / "zaken.json", list[_Zaak], today=today):
        zaak = b.zaak(
            z.identificatie,
            zaaktype_uuid(z.zaaktype),
            z.omschrijving,
            bronorganisatie=z.bronorganisatie,
            startdatum=z.startdatum,
            statussen=z.statussen,
            resultaat=z.resultaat,
            adres=adressen[z.adres] if z.adres else None,
            toelichting=z.toelichting,
        )
        for rol in z.rollen:
            b.rol(zaak, rol.betrokkeneType, rol.betrokkeneIdentificatie, roltype=rol.roltype)


def _bronorganisatie(woonplaats: str) -> str:
    """The RSIN of the municipality ``woonplaats`` lies in (``gemeenten.json``)."""
    return next(g.rsin for g in _GEMEENTEN if woonplaats in g.woonplaatsen)


def _vergunning_zaken(b: Builder, today: date) -> None:
    """The Bibob fake's permits as a ZGW permit system keeps them.

    Each permit application is a zaak of its permit's zaaktype (besluit as resultaat);
    its Bibob investigation is a deelzaak of zaaktype Bibob-onderzoek, naming the
    applicant (rol Aanvrager, a vestiging with its KvK number) and the address, with the
    mate van gevaar as resultaat and the Landelijk Bureau Bibob as Adviseur when it
    advised. The two registers must give the same Bibob facts (a test checks).
    """
    regels: _Vergunningzaken = read_json(_HERE / "vergunningzaken.json", _Vergunningzaken)
    for number, vergunning in enumerate(vergunningen(today), start=1):
        bron = _bronorganisatie(vergunning.adres.woonplaats)
        statussen = [("Ontvangen", vergunning.datumAanvraag)]
        if vergunning.datumBesluit is not None:
            statussen.append(("Afgehandeld", vergunning.datumBesluit))
        hoofd = b.zaak(
            vergunning.vergunningnummer,
            zaaktype_uuid(regels.zaaktypen[vergunning.type]),
            "Aanvraag vergunning",
            bronorganisatie=bron,
            startdatum=vergunning.datumAanvraag,
            statussen=statussen,
            resultaat=regels.besluiten.get(vergunning.status),
        )
        _bibob_deelzaak(
            b, regels, vergunning, f"{vergunning.datumAanvraag.year}-{number:04d}", hoofd
        )


def _bibob_deelzaak(
    b: Builder, regels: _Vergunningzaken, vergunning: Vergunning, volgnummer: str, hoofd: str
) -> None:
    """The Bibob-onderzoek of ``vergunning`` (none when it was not screened)."""
    bibob = vergunning.bibob
    if bibob.datum is None or bibob.mateVanGevaar is None:
        return
    start = vergunning.datumAanvraag + timedelta(days=regels.onderzoekNaAanvraagDagen)
    adres = next(
        a
        for a in ADRESSEN
        if (a.postcode, a.huisnummer) == (vergunning.adres.postcode, vergunning.adres.huisnummer)
    )
    zaak = b.zaak(
        f"BIBOB-{volgnummer}",
        ZAAKTYPE_BIBOB_ONDERZOEK,
        f"Bibob-onderzoek bij aanvraag {vergunning.vergunningnummer}",
        bronorganisatie=_bronorganisatie(vergunning.adres.woonplaats),
        startdatum=start,
        statussen=[("Ontvangen", start), ("Afgehandeld", bibob.datum)],
        resultaat=regels.mateVanGevaar[bibob.mateVanGevaar],
        adres=adres,
        hoofdzaak=hoofd,
        resultaat_toelichting=bibob.besluit or "",
    )
    # The demo world numbers a business's only vestiging as its KvK number in 12 digits.
    vestiging = {
        "vestigingsNummer": vergunning.kvkNummer.zfill(12),
        "handelsnaam": [vergunning.naam],
        "kvkNummer": vergunning.kvkNummer,
    }
    b.rol(zaak, "vestiging", vestiging, roltype="Aanvrager")
    if bibob.onderzoek == "lbb_advies":
        b.rol(zaak, "organisatorische_eenheid", dict(regels.adviseur), roltype="Adviseur")


def _extra_zaken(b: Builder, today: date, count: int, bsn: str) -> None:
    """Generated: ``count`` zaken for ``bsn`` at Boterdiep 31, to test paging. Zaak n
    starts 30 + n days before ``today``; every third is a parking permit, the rest
    handhaving wonen; every second is closed 14 days after its start."""
    boterdiep_31 = next(a for a in ADRESSEN if a.identificatie == "0599200000219678")
    for n in range(1, count + 1):
        handhaving = n % 3 != 0
        zaaktype = ZAAKTYPE_HANDHAVING_WONEN if handhaving else ZAAKTYPE_PARKEERVERGUNNING
        prefix = "HH" if handhaving else "PV"
        start = today - timedelta(days=30 + n)
        closed = n % 2 == 0
        statussen = [("Ontvangen", start)]
        if closed:
            statussen.append(("Afgehandeld", start + timedelta(days=14)))
        z = b.zaak(
            f"{prefix}-2025-{900000 + n:06d}",
            zaaktype,
            f"Testzaak {n} voor lijsten over meerdere pagina's",
            bronorganisatie=RSIN_HOORN,
            startdatum=start,
            statussen=statussen,
            resultaat=("Geen overtreding" if handhaving else "Verleend") if closed else None,
            adres=boterdiep_31,
        )
        b.rol(z, "natuurlijk_persoon", persoon(bsn, "Suzanne", "Moulin"))


def build_world(today: date, *, extra_zaken: int = 0, extra_zaken_bsn: str = "999993653") -> World:
    """A fresh world: catalogi, demo zaken, and ``extra_zaken`` zaken for ``extra_zaken_bsn``."""
    world = World()
    catalogi(world, _CATALOGUS)
    builder = Builder(world)
    _demo_zaken(builder, today)
    _vergunning_zaken(builder, today)
    _extra_zaken(builder, today, extra_zaken, extra_zaken_bsn)
    return world
