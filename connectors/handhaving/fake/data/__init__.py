"""The fake zaaksysteem's records: catalogi, and the zaken of the West-Friesland demo world.

Records reference each other by uuid; the fake turns references into absolute URLs
under the base URL of each request, as a real ZGW API does. Uuids are fixed (uuid5
of a name), so a configuration can name the handhaving zaaktypes of the fake::

    zaaktypen = [
        "zaaktypen/<ZAAKTYPE_HANDHAVING_WONEN>",  # relative to catalogi_base_url
        ...
    ]

The zaken follow ``docs/demo-world.md``: HH-2026-000142 and HH-2024-000031 at Kleine
Noord 88 Hoorn, HH-2026-000077 at Westerstraat 201 Enkhuizen, HH-2026-000203 at
Dorpsstraat 5 Wognum. Two zaken of other zaaktypes (a parking permit, a public-space
report) prove that the zaaktype filter works. ``extra_zaken`` adds zaken for one
test person (by default 999993653, Suzanne Moulin of RvIG's GBA-V test set) so that
lists run over several pages. Recent dates are relative to ``today``.

The demo world's zaken are a data file beside this module, ``zaken.json`` (a recent date
is ``{"daysAgo": N}``); the catalogue, the permit zaken mirrored from the Bibob fake's
permits and the generated ``extra_zaken`` are built here.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from plugins.fakes import read_json

__all__ = [
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
    "World",
    "build_world",
]

Record = dict[str, Any]

_NAMESPACE = uuid.UUID("6f1d8c1e-2b0a-4c55-9d8e-0a5f3c1b7e42")


def _uid(name: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, name))


# RSINs of the demo municipalities' organisations (invented; they pass the 11-check).
RSIN_HOORN = "001405111"
RSIN_ENKHUIZEN = "000388002"
RSIN_MEDEMBLIK = "000420001"

CATALOGUS = _uid("catalogus/west-friesland")
ZAAKTYPE_HANDHAVING_WONEN = _uid("zaaktype/handhaving-wonen")
ZAAKTYPE_HANDHAVING_APV_PROSTITUTIE = _uid("zaaktype/handhaving-apv-prostitutie")
ZAAKTYPE_HANDHAVING_OPIUMWET = _uid("zaaktype/handhaving-opiumwet")
ZAAKTYPE_PARKEERVERGUNNING = _uid("zaaktype/parkeervergunning")
ZAAKTYPE_MELDING_OPENBARE_RUIMTE = _uid("zaaktype/melding-openbare-ruimte")
# A permit application is a zaak of its permit's zaaktype; its Bibob investigation is a
# deelzaak of zaaktype Bibob-onderzoek (connectors/bibob/zgw.py reads them).
ZAAKTYPE_BIBOB_ONDERZOEK = _uid("zaaktype/bibob-onderzoek")
ZAAKTYPE_EXPLOITATIE_HORECA = _uid("zaaktype/exploitatievergunning-horeca")
ZAAKTYPE_EXPLOITATIE_SEKSINRICHTING = _uid("zaaktype/exploitatievergunning-seksinrichting")
ZAAKTYPE_HUISVESTING_ARBEIDSMIGRANTEN = _uid("zaaktype/huisvesting-arbeidsmigranten")
HANDHAVING_ZAAKTYPEN = (
    ZAAKTYPE_HANDHAVING_WONEN,
    ZAAKTYPE_HANDHAVING_APV_PROSTITUTIE,
    ZAAKTYPE_HANDHAVING_OPIUMWET,
)
ROLTYPE_BELANGHEBBENDE_WONEN = _uid(f"roltype/{ZAAKTYPE_HANDHAVING_WONEN}/belanghebbende")
INFORMATIEOBJECTTYPE_SIGNAALDOSSIER = _uid("informatieobjecttype/signaaldossier")

_STATUSSEN_HANDHAVING = ("Ontvangen", "In behandeling", "Besluit genomen", "Afgehandeld")
_STATUSSEN_KORT = ("Ontvangen", "Afgehandeld")
_BESLUITEN_VERGUNNING = ("Verleend", "Geweigerd", "Ingetrokken")

# identificatie, omschrijving, vertrouwelijkheid, statussen, resultaten
_ZAAKTYPEN: dict[str, tuple[str, str, str, tuple[str, ...], tuple[str, ...]]] = {
    ZAAKTYPE_HANDHAVING_WONEN: (
        "HH-WONEN",
        "Handhaving wonen",
        "vertrouwelijk",
        _STATUSSEN_HANDHAVING,
        ("Geen overtreding", "Last onder dwangsom opgelegd", "Overtreding beëindigd"),
    ),
    ZAAKTYPE_HANDHAVING_APV_PROSTITUTIE: (
        "HH-APV-PROST",
        "Handhaving APV/prostitutie",
        "vertrouwelijk",
        _STATUSSEN_HANDHAVING,
        ("Geen overtreding", "Waarschuwing gegeven", "Vergunning ingetrokken"),
    ),
    ZAAKTYPE_HANDHAVING_OPIUMWET: (
        "HH-OPIUMWET",
        "Handhaving Opiumwet",
        "vertrouwelijk",
        _STATUSSEN_HANDHAVING,
        ("Geen overtreding", "Waarschuwing gegeven", "Sluiting opgelegd"),
    ),
    ZAAKTYPE_PARKEERVERGUNNING: (
        "PV-BEWONER",
        "Parkeervergunning bewoners",
        "zaakvertrouwelijk",
        _STATUSSEN_KORT,
        ("Verleend", "Geweigerd"),
    ),
    ZAAKTYPE_MELDING_OPENBARE_RUIMTE: (
        "MOR",
        "Melding openbare ruimte",
        "openbaar",
        _STATUSSEN_KORT,
        ("Afgehandeld",),
    ),
    ZAAKTYPE_BIBOB_ONDERZOEK: (
        "BIBOB",
        "Bibob-onderzoek",
        "vertrouwelijk",
        _STATUSSEN_KORT,
        ("Geen gevaar", "Mindere mate van gevaar", "Ernstig gevaar"),
    ),
    **{
        zaaktype: (ident, omschrijving, "vertrouwelijk", _STATUSSEN_KORT, _BESLUITEN_VERGUNNING)
        for zaaktype, ident, omschrijving in (
            (ZAAKTYPE_EXPLOITATIE_HORECA, "EXPL-HORECA", "Exploitatievergunning horeca"),
            (
                ZAAKTYPE_EXPLOITATIE_SEKSINRICHTING,
                "EXPL-SEKS",
                "Exploitatievergunning seksinrichting",
            ),
            (
                ZAAKTYPE_HUISVESTING_ARBEIDSMIGRANTEN,
                "HUISV-AM",
                "Vergunning huisvesting arbeidsmigranten",
            ),
        )
    },
}

# omschrijving -> omschrijvingGeneriek
_ROLTYPEN = {
    "Belanghebbende": "belanghebbende",
    "Melder": "initiator",
    "Aanvrager": "initiator",
    "Adviseur": "adviseur",
}


def statustype_uuid(zaaktype: str, omschrijving: str) -> str:
    return _uid(f"statustype/{zaaktype}/{omschrijving}")


def resultaattype_uuid(zaaktype: str, omschrijving: str) -> str:
    return _uid(f"resultaattype/{zaaktype}/{omschrijving}")


def roltype_uuid(zaaktype: str, omschrijving: str) -> str:
    return _uid(f"roltype/{zaaktype}/{omschrijving.lower()}")


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


@dataclass(frozen=True)
class _Adres:
    identificatie: str  # BAG nummeraanduiding
    woonplaats: str
    straat: str
    huisnummer: int
    postcode: str
    lon: float
    lat: float


NIEUWSTRAAT_14 = _Adres(
    "0420200000160014", "Medemblik", "Nieuwstraat", 14, "1671BD", 5.1054, 52.7716
)
KLEINE_NOORD_88 = _Adres("0405200000170088", "Hoorn", "Kleine Noord", 88, "1621JH", 5.0601, 52.6427)
WESTERSTRAAT_201 = _Adres(
    "0388200000120201", "Enkhuizen", "Westerstraat", 201, "1601AM", 5.2853, 52.7041
)
DORPSSTRAAT_5 = _Adres("0420200000150005", "Wognum", "Dorpsstraat", 5, "1687AB", 5.0215, 52.6834)
BOTERDIEP_31 = _Adres("0599200000219678", "Rotterdam", "Boterdiep", 31, "3077AW", 4.5281, 51.8869)
_ADRESSEN = (NIEUWSTRAAT_14, KLEINE_NOORD_88, WESTERSTRAAT_201, DORPSSTRAAT_5, BOTERDIEP_31)
_HERE = Path(__file__).parent


def _catalogi(world: World) -> None:
    for zt, (ident, omschrijving, vertrouwelijk, statussen, resultaten) in _ZAAKTYPEN.items():
        st_uuids = []
        for volgnummer, naam in enumerate(statussen, start=1):
            st = statustype_uuid(zt, naam)
            st_uuids.append(st)
            world.statustypen[st] = {
                "omschrijving": naam,
                "omschrijvingGeneriek": naam,
                "statustekst": "",
                "zaaktype": zt,
                "volgnummer": volgnummer,
                "isEindstatus": volgnummer == len(statussen),
                "informeren": False,
            }
        rt_uuids = []
        for naam in resultaten:
            rt = resultaattype_uuid(zt, naam)
            rt_uuids.append(rt)
            world.resultaattypen[rt] = {
                "zaaktype": zt,
                "omschrijving": naam,
                "resultaattypeomschrijving": "",
                "omschrijvingGeneriek": naam,
                "selectielijstklasse": "",
                "toelichting": "",
                "archiefnominatie": "vernietigen",
            }
        rol_uuids = []
        for naam, generiek in _ROLTYPEN.items():
            rol = roltype_uuid(zt, naam)
            rol_uuids.append(rol)
            world.roltypen[rol] = {
                "zaaktype": zt,
                "omschrijving": naam,
                "omschrijvingGeneriek": generiek,
            }
        world.zaaktypen[zt] = {
            "identificatie": ident,
            "omschrijving": omschrijving,
            "omschrijvingGeneriek": "",
            "vertrouwelijkheidaanduiding": vertrouwelijk,
            "doel": omschrijving,
            "aanleiding": "",
            "indicatieInternOfExtern": "intern",
            "handelingInitiator": "melden",
            "onderwerp": omschrijving,
            "handelingBehandelaar": "behandelen",
            "doorlooptijd": "P56D",
            "opschortingEnAanhoudingMogelijk": False,
            "verlengingMogelijk": True,
            "publicatieIndicatie": False,
            "productenOfDiensten": [],
            "referentieproces": {"naam": omschrijving, "link": ""},
            "catalogus": CATALOGUS,
            "statustypen": st_uuids,
            "resultaattypen": rt_uuids,
            "roltypen": rol_uuids,
            "informatieobjecttypen": [INFORMATIEOBJECTTYPE_SIGNAALDOSSIER],
            "beginGeldigheid": "2020-01-01",
            "eindeGeldigheid": None,
            "versiedatum": "2020-01-01",
            "concept": False,
        }
    world.informatieobjecttypen[INFORMATIEOBJECTTYPE_SIGNAALDOSSIER] = {
        "catalogus": CATALOGUS,
        "omschrijving": "Signaaldossier mensenhandel",
        "vertrouwelijkheidaanduiding": "vertrouwelijk",
        "beginGeldigheid": "2020-01-01",
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
        adres: _Adres | None = None,
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


def _vestiging(vestigingsnummer: str, kvk: str, naam: str) -> Record:
    return {"vestigingsNummer": vestigingsnummer, "handelsnaam": [naam], "kvkNummer": kvk}


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
    the BAG nummeraanduiding of one of the addresses above."""

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
    adressen = {a.identificatie: a for a in _ADRESSEN}
    for z in read_json(_HERE / "zaken.json", list[_Zaak], today=today):
        zaak = b.zaak(
            z.identificatie,
            _uid(f"zaaktype/{z.zaaktype}"),
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


def _lbb() -> Record:
    return {"identificatie": "LBB", "naam": "Landelijk Bureau Bibob", "isGehuisvestIn": ""}


def _bibob_zaken(b: _Builder, today: date) -> None:
    """The permits of ``connectors/bibob/fake/data.py`` as a ZGW permit system keeps them.

    Each permit application is a zaak of its permit's zaaktype (besluit as resultaat);
    its Bibob investigation is a deelzaak of zaaktype Bibob-onderzoek, naming the
    applicant (rol Aanvrager, a vestiging with its KvK number) and the address, with the
    mate van gevaar as resultaat and the Landelijk Bureau Bibob as Adviseur when it
    advised. The two registers must give the same Bibob facts (a test checks).
    """

    def ago(days: int) -> date:
        return today - timedelta(days=days)

    # (permit zaaktype, vergunningnummer, aanvraag, besluit (date, resultaat) or None,
    #  vestigingsnummer, kvk, naam, address, Bibob (date, resultaat, toelichting), LBB)
    permits: list[Any] = [
        (
            ZAAKTYPE_HUISVESTING_ARBEIDSMIGRANTEN,
            "VG-2026-0311",
            ago(55),
            None,
            ("000097000011", "97000011", "Flex West-Friesland Uitzendbureau B.V."),
            KLEINE_NOORD_88,
            (ago(14), "Mindere mate van gevaar", "nog geen besluit; voorwaarden overwogen"),
            True,
        ),
        (
            ZAAKTYPE_EXPLOITATIE_SEKSINRICHTING,
            "VG-2025-0190",
            date(2025, 3, 18),
            (date(2025, 9, 24), "Geweigerd"),
            ("000097000035", "97000035", "Lotus Massage"),
            WESTERSTRAAT_201,
            (
                date(2025, 7, 2),
                "Ernstig gevaar",
                "vergunning geweigerd op grond van art. 3 Wet Bibob",
            ),
            False,
        ),
        (
            ZAAKTYPE_EXPLOITATIE_HORECA,
            "VG-2024-0457",
            date(2024, 11, 4),
            (date(2025, 1, 20), "Verleend"),
            ("000097000059", "97000059", "Eetcafé De Zuiderzeeklok"),
            NIEUWSTRAAT_14,
            (date(2024, 12, 10), "Geen gevaar", "vergunning verleend"),
            False,
        ),
    ]
    for number, (zaaktype, nummer, aanvraag, besluit, vestiging, adres, bibob, lbb) in enumerate(
        permits, start=1
    ):
        statussen = [("Ontvangen", aanvraag)]
        if besluit is not None:
            statussen.append(("Afgehandeld", besluit[0]))
        bron = {"Hoorn": RSIN_HOORN, "Enkhuizen": RSIN_ENKHUIZEN}.get(
            adres.woonplaats, RSIN_MEDEMBLIK
        )
        hoofd = b.zaak(
            nummer,
            zaaktype,
            "Aanvraag vergunning",
            bronorganisatie=bron,
            startdatum=aanvraag,
            statussen=statussen,
            resultaat=besluit[1] if besluit else None,
        )
        datum, mate, toelichting = bibob
        z = b.zaak(
            f"BIBOB-{aanvraag.year}-{number:04d}",
            ZAAKTYPE_BIBOB_ONDERZOEK,
            f"Bibob-onderzoek bij aanvraag {nummer}",
            bronorganisatie=bron,
            startdatum=aanvraag + timedelta(days=3),
            statussen=[("Ontvangen", aanvraag + timedelta(days=3)), ("Afgehandeld", datum)],
            resultaat=mate,
            adres=adres,
            hoofdzaak=hoofd,
            resultaat_toelichting=toelichting,
        )
        b.rol(z, "vestiging", _vestiging(*vestiging), roltype="Aanvrager")
        if lbb:
            b.rol(z, "organisatorische_eenheid", _lbb(), roltype="Adviseur")


def _extra_zaken(b: _Builder, today: date, count: int, bsn: str) -> None:
    """``count`` zaken for ``bsn``: every third one a parking permit, the rest handhaving."""
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
            adres=BOTERDIEP_31,
        )
        b.rol(z, "natuurlijk_persoon", _persoon(bsn, "Suzanne", "Moulin"))


def build_world(today: date, *, extra_zaken: int = 0, extra_zaken_bsn: str = "999993653") -> World:
    """A fresh world: catalogi, demo zaken, and ``extra_zaken`` zaken for ``extra_zaken_bsn``."""
    world = World()
    _catalogi(world)
    builder = _Builder(world)
    _demo_zaken(builder, today)
    _bibob_zaken(builder, today)
    _extra_zaken(builder, today, extra_zaken, extra_zaken_bsn)
    return world
