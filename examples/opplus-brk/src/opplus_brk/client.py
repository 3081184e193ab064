"""The BRK connector: who owns the property at an address.

Up to three kinds of calls of Kadaster BRK Bevragen v2, each only when a requested field
needs it:

1. ``GET /kadastraalonroerendezaken?postcode=&huisnummer=[&huisletter][&huisnummertoevoeging]``
   (with ``fields=identificatie,kadastraleAanduiding,adressen``) finds the kadastraal
   onroerende zaken (KOZ) at the address; a KOZ counts when one of its ``adressen``
   carries the subject's ``adresseerbaarObjectIdentificatie`` (or, where the registry
   gives no adresseerbaar object for an address, when the address itself is equal).
   BRK Bevragen has no search by adresseerbaar object; this is how the subject's BAG id
   pins the right perceel or appartementsrecht.
2. ``GET /kadastraalonroerendezaken/{id}/zakelijkgerechtigden?type=eigenaar`` gives the
   owners: whether each is a natural person and, only for ``eigenaren``, their name and
   share (``fields`` leaves names and shares out when only counts are asked).
3. ``GET /kadasternietnatuurlijkpersonen/{id}`` gives a Kadaster-registered legal
   person's ``statutaireNaam`` and ``kvkNummer`` (only for the ``eigenaren`` field); a
   KvK number found becomes a discovered :class:`~plugins.BusinessRef`.

The ``identificatie`` of an owner registered in the BRP is that person's BSN: it is
never put in a fact, never logged and never used as a subject.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict, Field

from plugins import (
    AddressRef,
    BadResponse,
    BusinessRef,
    Classification,
    ConnectorContext,
    ConnectorInfo,
    EnrichResult,
    Evidence,
    FieldSpec,
    HalApi,
    HalApiSettings,
    Health,
    Query,
    QueryRejected,
    Subject,
    TraceContext,
    address_params,
    hal_models,
    json_body,
    parse_model,
    problem_detail,
    raise_for_status,
    send,
)

__all__ = ["FIELDS", "REGISTRY", "BrkConnector", "Settings", "problem_detail"]

log = logging.getLogger(__name__)

VERSION = "0.1.0"
REGISTRY = "Kadaster BRK Bevragen"
PRODUCTION_URL = "https://api.brk.kadaster.nl/esd/bevragen/v2"

FIELDS: Mapping[str, FieldSpec] = {
    "kadastraleAanduiding": FieldSpec(
        Classification.NORMAL,
        "kadastrale aanduiding van het perceel of appartementsrecht op het adres, "
        "bv. 'Hoorn B 4521'",
        "Kadastrale aanduiding",
    ),
    "eigenaren": FieldSpec(
        Classification.PERSONAL,
        "eigenaren (lijst van {naam, soort: natuurlijk_persoon|niet_natuurlijk_persoon, "
        "kvkNummer (alleen rechtspersonen), aandeel 'teller/noemer'})",
        "Eigenaren",
        parts={"naam": "Naam", "soort": "Soort", "kvkNummer": "KvK-nummer", "aandeel": "Aandeel"},
        codes={
            "soort": {
                "natuurlijk_persoon": "persoon",
                "niet_natuurlijk_persoon": "rechtspersoon",
            }
        },
    ),
    "aantalEigenaren": FieldSpec(
        Classification.PERSONAL, "aantal eigenaren van het object", "Aantal eigenaren"
    ),
    "eigenaarIsRechtspersoon": FieldSpec(
        Classification.NORMAL,
        "ten minste één eigenaar is een rechtspersoon",
        "Eigenaar is een rechtspersoon",
    ),
}
_OWNER_FIELDS = frozenset({"eigenaren", "aantalEigenaren", "eigenaarIsRechtspersoon"})
_SEARCH_FIELDS = "identificatie,kadastraleAanduiding,adressen"
#: what the owners' rights are asked for: names and shares only when `eigenaren` is wanted
_OWNER_NAMES = "identificatie,type,tenaamstelling.aandeel,persoon"
_OWNER_KINDS = "identificatie,type,persoon.identificatie,persoon.type"
_KVK = re.compile(r"^[0-9]{8}$")

PersoonType = Literal[
    "ingeschreven_natuurlijk_persoon",
    "kadaster_natuurlijk_persoon",
    "ingeschreven_niet_natuurlijk_persoon",
    "kadaster_niet_natuurlijk_persoon",
]


class Settings(HalApiSettings):
    """``[connectors.brk]``; the key, paging and probe settings are the SDK's
    (:class:`~plugins.HalApiSettings`)."""

    base_url: str = Field(
        default=PRODUCTION_URL, description="the registry's base URL, without trailing slash"
    )
    api_key_env: str = Field(
        default="OPPLUS_BRK_API_KEY", description="environment variable holding the X-Api-Key"
    )
    use_fields: bool = Field(
        default=True, description="ask only the properties needed (the `fields` parameter)"
    )


# --- the registry's shapes (only what this connector reads) -----------------------------


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


class _Adres(_Model):
    postcode: str | None = None
    huisnummer: int | None = None
    huisletter: str | None = None
    huisnummertoevoeging: str | None = None
    adresseerbaarObjectIdentificatie: str | None = None


class _Zaak(_Model):
    identificatie: str = Field(min_length=1)
    kadastraleAanduiding: str | None = None
    adressen: list[_Adres] = Field(default_factory=list)


class _Breuk(_Model):
    teller: int = Field(ge=0)
    noemer: int = Field(ge=1)


class _Tenaamstelling(_Model):
    aandeel: _Breuk | None = None
    gezamenlijkAandeel: _Breuk | None = None


class _Persoon(_Model):
    identificatie: str = Field(min_length=1)
    omschrijving: str | None = None
    type: PersoonType


class _Gerechtigde(_Model):
    identificatie: str
    type: str
    tenaamstelling: _Tenaamstelling | None = None
    persoon: _Persoon


class _NietNatuurlijkPersoon(_Model):
    identificatie: str
    statutaireNaam: str | None = None
    omschrijving: str | None = None
    kvkNummer: str | None = None


@dataclass(frozen=True, slots=True)
class _Owner:
    """One owner as the dossier shows it; ``key`` stays inside the connector."""

    key: tuple[str, str]
    naam: str | None
    natuurlijk: bool
    aandeel: str | None
    kvkNummer: str | None = None

    def as_fact(self) -> dict[str, Any]:
        value: dict[str, Any] = {
            "naam": self.naam,
            "soort": "natuurlijk_persoon" if self.natuurlijk else "niet_natuurlijk_persoon",
        }
        if self.kvkNummer:
            value["kvkNummer"] = self.kvkNummer
        value["aandeel"] = self.aandeel
        return value


# --- the connector ----------------------------------------------------------------------


class BrkConnector:
    """Connector for Kadaster BRK Bevragen v2: the owners of an adresseerbaar object."""

    def __init__(self, settings: Settings, context: ConnectorContext) -> None:
        self.settings = settings
        self._api = HalApi(settings, context, "BRK")
        self._client = self._api.client
        self.info = ConnectorInfo(
            name="brk",
            version=VERSION,
            registry=REGISTRY,
            subject_kinds=frozenset({"address"}),
            fields=FIELDS,
        )

    def accepts(self, subject: Subject) -> bool:
        return isinstance(subject, AddressRef) and bool(subject.adresseerbaarObjectIdentificatie)

    async def enrich(self, query: Query) -> EnrichResult:
        result = EnrichResult(info=self.info, query=query)
        subject = query.subject
        if not isinstance(subject, AddressRef) or not subject.adresseerbaarObjectIdentificatie:
            raise QueryRejected(
                "brk answers for addresses with an adresseerbaarObjectIdentificatie only; "
                "nothing was sent"
            )
        wanted = query.fields & FIELDS.keys()
        if not wanted:
            return result
        self._api.require_key()

        zaken = await self._find_zaken(subject, query.trace)
        if not zaken:
            return result
        if "kadastraleAanduiding" in wanted:
            aanduidingen = list(
                dict.fromkeys(z.kadastraleAanduiding for z, _ in zaken if z.kadastraleAanduiding)
            )
            if aanduidingen:
                result.add("kadastraleAanduiding", ", ".join(aanduidingen), zaken[0][1])
        if wanted & _OWNER_FIELDS:
            await self._add_owners(result, [z for z, _ in zaken], wanted, query.trace)
        return result

    async def check(self) -> Health:
        fields = {"fields": "identificatie"} if self.settings.use_fields else {}
        return await self._api.probe("/kadastraalonroerendezaken", fields)

    async def aclose(self) -> None:
        await self._api.aclose()

    # -- the calls -----------------------------------------------------------------------

    async def _find_zaken(
        self, subject: AddressRef, trace: TraceContext
    ) -> list[tuple[_Zaak, Evidence]]:
        params = address_params(subject)
        if self.settings.use_fields:
            params["fields"] = _SEARCH_FIELDS

        found: list[tuple[_Zaak, Evidence]] = []
        async for response, body in self._api.pages("/kadastraalonroerendezaken", params, trace):
            evidence = Evidence.from_response(response, "GET /kadastraalonroerendezaken")
            found += [(z, evidence) for z in _zaken(body) if _holds(z, subject)]
        if len(found) > 1:
            log.info("brk.several_zaken_at_address count=%d", len(found))
        return found

    async def _add_owners(
        self,
        result: EnrichResult,
        zaken: list[_Zaak],
        wanted: frozenset[str],
        trace: TraceContext,
    ) -> None:
        owners: dict[tuple[str, str], _Owner] = {}
        first: Evidence | None = None
        for zaak in zaken:
            gerechtigden, evidence = await self._eigenaars(
                zaak.identificatie, "eigenaren" in wanted, trace
            )
            first = first or evidence
            if evidence not in result.evidence:
                result.evidence.append(evidence)
            for zg in gerechtigden:
                owner = _owner(zg)
                owners.setdefault(owner.key, owner)
        if first is None:  # no zaken: nothing to say about owners
            return
        if "eigenaren" in wanted:
            named = [await self._with_register_details(o, result, trace) for o in owners.values()]
            values = sorted((o.as_fact() for o in named), key=lambda v: str(v["naam"]))
            result.add("eigenaren", values, first)
            for owner in named:
                if owner.kvkNummer and _KVK.match(owner.kvkNummer):
                    result.discover(BusinessRef(owner.kvkNummer))
        if "aantalEigenaren" in wanted:
            result.add("aantalEigenaren", len(owners), first)
        if "eigenaarIsRechtspersoon" in wanted:
            legal = any(not o.natuurlijk for o in owners.values())
            result.add("eigenaarIsRechtspersoon", legal, first)

    async def _eigenaars(
        self, zaak_id: str, names: bool, trace: TraceContext
    ) -> tuple[list[_Gerechtigde], Evidence]:
        path = f"/kadastraalonroerendezaken/{quote(zaak_id, safe='')}/zakelijkgerechtigden"
        params = {"type": "eigenaar"}
        if self.settings.use_fields:
            params["fields"] = _OWNER_NAMES if names else _OWNER_KINDS
        response = await send(self._client, "GET", path, trace=trace, params=params)
        if response.status_code == 404:
            # the search just listed this zaak: its rights cannot be missing
            raise BadResponse(
                f"kadastraal onroerende zaak {zaak_id} listed, but its rights are 404"
            )
        raise_for_status(response, detail=problem_detail)
        body = json_body(response)
        evidence = Evidence.from_response(
            response,
            "GET /kadastraalonroerendezaken/{kadastraalOnroerendeZaakIdentificatie}"
            "/zakelijkgerechtigden",
        )
        gerechtigden = hal_models(
            body, "zakelijkGerechtigden", "/zakelijkgerechtigden", _Gerechtigde
        )
        # the filter was asked for; a registry that ignores it must not make tenants owners
        return [zg for zg in gerechtigden if zg.type == "eigenaar"], evidence

    async def _with_register_details(
        self, owner: _Owner, result: EnrichResult, trace: TraceContext
    ) -> _Owner:
        """A Kadaster-registered legal person's statutory name and KvK number."""
        kind, identificatie = owner.key
        if kind != "kadaster_niet_natuurlijk_persoon":
            return owner
        path = f"/kadasternietnatuurlijkpersonen/{quote(identificatie, safe='')}"
        response = await send(self._client, "GET", path, trace=trace)
        if response.status_code == 404:
            raise BadResponse("an owner's kadasternietnatuurlijkpersoon is 404")
        raise_for_status(response, detail=problem_detail)
        body = json_body(response)
        persoon = parse_model(_NietNatuurlijkPersoon, body, "/kadasternietnatuurlijkpersonen")
        evidence = Evidence.from_response(
            response,
            "GET /kadasternietnatuurlijkpersonen/{kadasterNietNatuurlijkPersoonIdentificatie}",
        )
        if evidence not in result.evidence:
            result.evidence.append(evidence)
        return _Owner(
            key=owner.key,
            naam=persoon.statutaireNaam or persoon.omschrijving or owner.naam,
            natuurlijk=False,
            aandeel=owner.aandeel,
            kvkNummer=persoon.kvkNummer,
        )


# --- parsing and matching ---------------------------------------------------------------


def _zaken(body: Any) -> list[_Zaak]:
    return hal_models(body, "kadastraalOnroerendeZaken", "/kadastraalonroerendezaken", _Zaak)


def _same(value: str | None, wanted: str | None) -> bool:
    return (value or "").lower() == (wanted or "").lower()


def _holds(zaak: _Zaak, subject: AddressRef) -> bool:
    """True when ``zaak`` lies at the subject's adresseerbaar object."""
    for adres in zaak.adressen:
        if adres.adresseerbaarObjectIdentificatie:
            if adres.adresseerbaarObjectIdentificatie == subject.adresseerbaarObjectIdentificatie:
                return True
        elif (
            (adres.postcode or "").replace(" ", "").upper() == subject.postcode
            and adres.huisnummer == subject.huisnummer
            and _same(adres.huisletter, subject.huisletter)
            and _same(adres.huisnummertoevoeging, subject.huisnummertoevoeging)
        ):
            return True
    return False


def _owner(zg: _Gerechtigde) -> _Owner:
    share = None
    tenaamstelling = zg.tenaamstelling
    if tenaamstelling is not None and tenaamstelling.aandeel is not None:
        share = f"{tenaamstelling.aandeel.teller}/{tenaamstelling.aandeel.noemer}"
    persoon = zg.persoon
    return _Owner(
        key=(persoon.type, persoon.identificatie),
        naam=persoon.omschrijving,
        natuurlijk=persoon.type
        in ("ingeschreven_natuurlijk_persoon", "kadaster_natuurlijk_persoon"),
        aandeel=share,
    )
