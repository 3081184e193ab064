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

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from connectors.bibob.fake.data import Vergunning, vergunningen
from plugins.fakes import read_json

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
    "World",
    "build_world",
    "resultaattype_uuid",
    "roltype_uuid",
    "statustype_uuid",
    "zaaktype_uuid",
]

Record = dict[str, Any]

_NAMESPACE = uuid.UUID("6f1d8c1e-2b0a-4c55-9d8e-0a5f3c1b7e42")
_HERE = Path(__file__).parent


def _uid(name: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, name))


def zaaktype_uuid(naam: str) -> str:
    """The uuid of the zaaktype called ``naam`` in ``catalogus.json``."""
    return _uid(f"zaaktype/{naam}")


def statustype_uuid(zaaktype: str, omschrijving: str) -> str:
    return _uid(f"statustype/{zaaktype}/{omschrijving}")


def resultaattype_uuid(zaaktype: str, omschrijving: str) -> str:
    return _uid(f"resultaattype/{zaaktype}/{omschrijving}")


def roltype_uuid(zaaktype: str, omschrijving: str) -> str:
    return _uid(f"roltype/{zaaktype}/{omschrijving.lower()}")


@dataclass(frozen=True, slots=True)
class _Zaaktype:
    naam: str
    identificatie: str
    omschrijving: str
    vertrouwelijkheidaanduiding: str
    statustypen: tuple[str, ...]  # in order; the last is the eindstatus
    resultaattypen: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Informatieobjecttype:
    naam: str
    omschrijving: str
    vertrouwelijkheidaanduiding: str


@dataclass(frozen=True, slots=True)
class _Catalogus:
    naam: str
    beginGeldigheid: str
    doorlooptijd: str
    archiefnominatie: str
    zaaktypen: tuple[_Zaaktype, ...]
    roltypen: dict[str, str]  # omschrijving -> omschrijvingGeneriek
    informatieobjecttypen: tuple[_Informatieobjecttype, ...]


@dataclass(frozen=True, slots=True)
class Adres:
    """An address a zaak is about."""

    identificatie: str  # BAG nummeraanduiding
    woonplaats: str
    straat: str
    huisnummer: int
    postcode: str
    lon: float
    lat: float


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


_CATALOGUS: _Catalogus = read_json(_HERE / "catalogus.json", _Catalogus)
#: the addresses zaken are about (``adressen.json``)
ADRESSEN: tuple[Adres, ...] = read_json(_HERE / "adressen.json", tuple[Adres, ...])
_GEMEENTEN: tuple[_Gemeente, ...] = read_json(_HERE / "gemeenten.json", tuple[_Gemeente, ...])
_RSIN = {g.naam: g.rsin for g in _GEMEENTEN}

RSIN_HOORN = _RSIN["Hoorn"]
RSIN_ENKHUIZEN = _RSIN["Enkhuizen"]
RSIN_MEDEMBLIK = _RSIN["Medemblik"]

CATALOGUS = _uid(f"catalogus/{_CATALOGUS.naam}")
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
INFORMATIEOBJECTTYPE_SIGNAALDOSSIER = _uid("informatieobjecttype/signaaldossier")


@dataclass
class World:
    """All records of the fake, keyed by uuid; the fake adds what clients write."""

    zaaktypen: dict[str, Record] = field(default_factory=dict)
    statustypen: dict[str, Record] = field(default_factory=dict)
    resultaattypen: dict[str, Record] = field(default_factory=dict)
    roltypen: dict[str, Record] = field(default_factory=dict)
    informatieobjecttypen: dict[str, Record] = field(default_factory=dict)
    zaken: dict[str, Record] = field(default_factory=dict)
    statussen: dict[str, Record] = field(default_factory=dict)
    resultaten: dict[str, Record] = field(default_factory=dict)
    rollen: dict[str, Record] = field(default_factory=dict)
    zaakobjecten: dict[str, Record] = field(default_factory=dict)
    zaakinformatieobjecten: dict[str, Record] = field(default_factory=dict)
    documenten: dict[str, Record] = field(default_factory=dict)


def _catalogi(world: World, catalogus: _Catalogus) -> None:
    """The catalogue's records, in ZGW Catalogi shape."""
    iots = [_uid(f"informatieobjecttype/{i.naam}") for i in catalogus.informatieobjecttypen]
    for zaaktype in catalogus.zaaktypen:
        zt = zaaktype_uuid(zaaktype.naam)
        st_uuids = []
        for volgnummer, naam in enumerate(zaaktype.statustypen, start=1):
            st = statustype_uuid(zt, naam)
            st_uuids.append(st)
            world.statustypen[st] = {
                "omschrijving": naam,
                "omschrijvingGeneriek": naam,
                "statustekst": "",
                "zaaktype": zt,
                "volgnummer": volgnummer,
                "isEindstatus": volgnummer == len(zaaktype.statustypen),
                "informeren": False,
            }
        rt_uuids = []
        for naam in zaaktype.resultaattypen:
            rt = resultaattype_uuid(zt, naam)
            rt_uuids.append(rt)
            world.resultaattypen[rt] = {
                "zaaktype": zt,
                "omschrijving": naam,
                "resultaattypeomschrijving": "",
                "omschrijvingGeneriek": naam,
                "selectielijstklasse": "",
                "toelichting": "",
                "archiefnominatie": catalogus.archiefnominatie,
            }
        rol_uuids = []
        for naam, generiek in catalogus.roltypen.items():
            rol = roltype_uuid(zt, naam)
            rol_uuids.append(rol)
            world.roltypen[rol] = {
                "zaaktype": zt,
                "omschrijving": naam,
                "omschrijvingGeneriek": generiek,
            }
        omschrijving = zaaktype.omschrijving
        world.zaaktypen[zt] = {
            "identificatie": zaaktype.identificatie,
            "omschrijving": omschrijving,
            "omschrijvingGeneriek": "",
            "vertrouwelijkheidaanduiding": zaaktype.vertrouwelijkheidaanduiding,
            "doel": omschrijving,
            "aanleiding": "",
            "indicatieInternOfExtern": "intern",
            "handelingInitiator": "melden",
            "onderwerp": omschrijving,
            "handelingBehandelaar": "behandelen",
            "doorlooptijd": catalogus.doorlooptijd,
            "opschortingEnAanhoudingMogelijk": False,
            "verlengingMogelijk": True,
            "publicatieIndicatie": False,
            "productenOfDiensten": [],
            "referentieproces": {"naam": omschrijving, "link": ""},
            "catalogus": CATALOGUS,
            "statustypen": st_uuids,
            "resultaattypen": rt_uuids,
            "roltypen": rol_uuids,
            "informatieobjecttypen": list(iots),
            "beginGeldigheid": catalogus.beginGeldigheid,
            "eindeGeldigheid": None,
            "versiedatum": catalogus.beginGeldigheid,
            "concept": False,
        }
    for iot, uid in zip(catalogus.informatieobjecttypen, iots, strict=True):
        world.informatieobjecttypen[uid] = {
            "catalogus": CATALOGUS,
            "omschrijving": iot.omschrijving,
            "vertrouwelijkheidaanduiding": iot.vertrouwelijkheidaanduiding,
            "beginGeldigheid": catalogus.beginGeldigheid,
            "eindeGeldigheid": None,
            "concept": False,
        }


class _Builder:
    """Adds zaken with their statussen, resultaat, rollen and zaakobjecten."""

    def __init__(self, world: World) -> None:
        self.world = world

    def zaak(
        self,
        identificatie: str,
        zaaktype: str,
        omschrijving: str,
        *,
        bronorganisatie: str,
        startdatum: date,
        statussen: list[tuple[str, date]],
        resultaat: str | None = None,
        adres: Adres | None = None,
        toelichting: str = "",
        hoofdzaak: str | None = None,
        resultaat_toelichting: str = "",
    ) -> str:
        zaak = _uid(f"zaak/{identificatie}")
        last_statustype = statustype_uuid(zaaktype, statussen[-1][0])
        eind = self.world.statustypen[last_statustype]["isEindstatus"]
        status = None
        for naam, gezet in statussen:
            status = _uid(f"status/{identificatie}/{naam}")
            self.world.statussen[status] = {
                "zaak": zaak,
                "statustype": statustype_uuid(zaaktype, naam),
                "datumStatusGezet": f"{gezet.isoformat()}T09:00:00Z",
                "statustoelichting": "",
            }
        resultaat_uuid = None
        if resultaat is not None:
            resultaat_uuid = _uid(f"resultaat/{identificatie}")
            self.world.resultaten[resultaat_uuid] = {
                "zaak": zaak,
                "resultaattype": resultaattype_uuid(zaaktype, resultaat),
                "toelichting": resultaat_toelichting,
            }
        self.world.zaken[zaak] = {
            "identificatie": identificatie,
            "bronorganisatie": bronorganisatie,
            "omschrijving": omschrijving,
            "toelichting": toelichting,
            "zaaktype": zaaktype,
            "registratiedatum": startdatum.isoformat(),
            "verantwoordelijkeOrganisatie": bronorganisatie,
            "startdatum": startdatum.isoformat(),
            "einddatum": statussen[-1][1].isoformat() if eind else None,
            "einddatumGepland": None,
            "uiterlijkeEinddatumAfdoening": None,
            "vertrouwelijkheidaanduiding": self.world.zaaktypen[zaaktype][
                "vertrouwelijkheidaanduiding"
            ],
            "zaakgeometrie": (
                {"type": "Point", "coordinates": [adres.lon, adres.lat]} if adres else None
            ),
            "status": status,
            "resultaat": resultaat_uuid,
            "hoofdzaak": hoofdzaak,
        }
        if adres is not None:
            self.world.zaakobjecten[_uid(f"zaakobject/{identificatie}/adres")] = {
                "zaak": zaak,
                "object": "",
                "objectType": "adres",
                "relatieomschrijving": "Adres waarop de zaak betrekking heeft",
                "objectIdentificatie": {
                    "identificatie": adres.identificatie,
                    "wplWoonplaatsNaam": adres.woonplaats,
                    "gorOpenbareRuimteNaam": adres.straat,
                    "huisnummer": adres.huisnummer,
                    "huisletter": "",
                    "huisnummertoevoeging": "",
                    "postcode": adres.postcode,
                },
            }
        return zaak

    def rol(
        self,
        zaak: str,
        betrokkeneType: str,  # ZGW spelling
        identificatie: Record,
        *,
        roltype: str = "Belanghebbende",
    ) -> None:
        record = self.world.zaken[zaak]
        key = f"rol/{record['identificatie']}/{betrokkeneType}/{sorted(identificatie.items())}"
        self.world.rollen[_uid(key)] = {
            "zaak": zaak,
            "betrokkene": "",
            "betrokkeneType": betrokkeneType,
            "roltype": roltype_uuid(record["zaaktype"], roltype),
            "roltoelichting": roltype.lower(),
            "registratiedatum": f"{record['registratiedatum']}T09:00:00Z",
            "indicatieMachtiging": "",
            "betrokkeneIdentificatie": identificatie,
        }


def _persoon(bsn: str, voornamen: str, geslachtsnaam: str) -> Record:
    return {
        "inpBsn": bsn,
        "anpIdentificatie": "",
        "inpA_nummer": "",
        "geslachtsnaam": geslachtsnaam,
        "voorvoegselGeslachtsnaam": "",
        "voorletters": voornamen[:1],
        "voornamen": voornamen,
        "geslachtsaanduiding": "",
        "geboortedatum": "",
    }


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


def _demo_zaken(b: _Builder, today: date) -> None:
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


def _vergunning_zaken(b: _Builder, today: date) -> None:
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
    b: _Builder, regels: _Vergunningzaken, vergunning: Vergunning, volgnummer: str, hoofd: str
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


def _extra_zaken(b: _Builder, today: date, count: int, bsn: str) -> None:
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
        b.rol(z, "natuurlijk_persoon", _persoon(bsn, "Suzanne", "Moulin"))


def build_world(today: date, *, extra_zaken: int = 0, extra_zaken_bsn: str = "999993653") -> World:
    """A fresh world: catalogi, demo zaken, and ``extra_zaken`` zaken for ``extra_zaken_bsn``."""
    world = World()
    _catalogi(world, _CATALOGUS)
    builder = _Builder(world)
    _demo_zaken(builder, today)
    _vergunning_zaken(builder, today)
    _extra_zaken(builder, today, extra_zaken, extra_zaken_bsn)
    return world
