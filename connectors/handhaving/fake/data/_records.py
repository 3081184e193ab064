"""How the fake zaaksysteem's demo world becomes ZGW records: fixed uuids (uuid5 of a
name), the catalogue's zaaktypen with their statustypen, resultaattypen and roltypen,
and zaken with their statussen, resultaat, rollen and address zaakobject.

What the world contains is data (see :mod:`connectors.handhaving.fake.data`); this module
only shapes it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

__all__ = [
    "Adres",
    "Builder",
    "Catalogus",
    "Record",
    "World",
    "catalogi",
    "persoon",
    "resultaattype_uuid",
    "roltype_uuid",
    "statustype_uuid",
    "uid",
    "zaaktype_uuid",
]

Record = dict[str, Any]

_NAMESPACE = uuid.UUID("6f1d8c1e-2b0a-4c55-9d8e-0a5f3c1b7e42")


def uid(name: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, name))


def zaaktype_uuid(naam: str) -> str:
    """The uuid of the zaaktype called ``naam`` in ``catalogus.json``."""
    return uid(f"zaaktype/{naam}")


def statustype_uuid(zaaktype: str, omschrijving: str) -> str:
    return uid(f"statustype/{zaaktype}/{omschrijving}")


def resultaattype_uuid(zaaktype: str, omschrijving: str) -> str:
    return uid(f"resultaattype/{zaaktype}/{omschrijving}")


def roltype_uuid(zaaktype: str, omschrijving: str) -> str:
    return uid(f"roltype/{zaaktype}/{omschrijving.lower()}")


@dataclass(frozen=True, slots=True)
class Zaaktype:
    """One zaaktype of ``catalogus.json``; its uuid is :func:`zaaktype_uuid` of ``naam``."""

    naam: str
    identificatie: str
    omschrijving: str
    vertrouwelijkheidaanduiding: str
    statustypen: tuple[str, ...]  # in order; the last is the eindstatus
    resultaattypen: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Informatieobjecttype:
    """One informatieobjecttype of ``catalogus.json``."""

    naam: str
    omschrijving: str
    vertrouwelijkheidaanduiding: str


@dataclass(frozen=True, slots=True)
class Catalogus:
    """``catalogus.json``: every zaaktype has every roltype and informatieobjecttype."""

    naam: str
    beginGeldigheid: str
    doorlooptijd: str
    archiefnominatie: str
    zaaktypen: tuple[Zaaktype, ...]
    roltypen: dict[str, str]  # omschrijving -> omschrijvingGeneriek
    informatieobjecttypen: tuple[Informatieobjecttype, ...]


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


def catalogi(world: World, catalogus: Catalogus) -> None:
    """The catalogue's records, in ZGW Catalogi shape."""
    catalogus_uuid = uid(f"catalogus/{catalogus.naam}")
    iots = [uid(f"informatieobjecttype/{i.naam}") for i in catalogus.informatieobjecttypen]
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
            "catalogus": catalogus_uuid,
            "statustypen": st_uuids,
            "resultaattypen": rt_uuids,
            "roltypen": rol_uuids,
            "informatieobjecttypen": list(iots),
            "beginGeldigheid": catalogus.beginGeldigheid,
            "eindeGeldigheid": None,
            "versiedatum": catalogus.beginGeldigheid,
            "concept": False,
        }
    for iot, key in zip(catalogus.informatieobjecttypen, iots, strict=True):
        world.informatieobjecttypen[key] = {
            "catalogus": catalogus_uuid,
            "omschrijving": iot.omschrijving,
            "vertrouwelijkheidaanduiding": iot.vertrouwelijkheidaanduiding,
            "beginGeldigheid": catalogus.beginGeldigheid,
            "eindeGeldigheid": None,
            "concept": False,
        }


class Builder:
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
        zaak = uid(f"zaak/{identificatie}")
        last_statustype = statustype_uuid(zaaktype, statussen[-1][0])
        eind = self.world.statustypen[last_statustype]["isEindstatus"]
        status = None
        for naam, gezet in statussen:
            status = uid(f"status/{identificatie}/{naam}")
            self.world.statussen[status] = {
                "zaak": zaak,
                "statustype": statustype_uuid(zaaktype, naam),
                "datumStatusGezet": f"{gezet.isoformat()}T09:00:00Z",
                "statustoelichting": "",
            }
        resultaat_uuid = None
        if resultaat is not None:
            resultaat_uuid = uid(f"resultaat/{identificatie}")
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
            self.world.zaakobjecten[uid(f"zaakobject/{identificatie}/adres")] = {
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
        self.world.rollen[uid(key)] = {
            "zaak": zaak,
            "betrokkene": "",
            "betrokkeneType": betrokkeneType,
            "roltype": roltype_uuid(record["zaaktype"], roltype),
            "roltoelichting": roltype.lower(),
            "registratiedatum": f"{record['registratiedatum']}T09:00:00Z",
            "indicatieMachtiging": "",
            "betrokkeneIdentificatie": identificatie,
        }


def persoon(bsn: str, voornamen: str, geslachtsnaam: str) -> Record:
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
