"""The BAG connector: an address's BAG identifiers, floor area and use.

Two calls of BAG Individuele Bevragingen v2: ``GET /adressen`` (postcode, huisnummer,
huisletter, huisnummertoevoeging, ``exacteMatch=true``; HAL, paged, all pages followed
within ``max_pages``) finds the address and its adresseerbaar object; ``GET
/verblijfsobjecten/{id}`` (with ``Accept-Crs: epsg:28992``, which the API demands for
resources with geometry) gives ``oppervlakte``, ``gebruiksdoelen`` and ``status``.
The address subject is refined with the ``adresseerbaarObjectIdentificatie`` found.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import structlog
from pydantic import BaseModel, ConfigDict, Field

from plugins import (
    AddressRef,
    BadResponse,
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
    house_number,
    json_body,
    parse_model,
    problem_detail,
    raise_for_status,
    send,
)

__all__ = ["FIELDS", "BagConnector", "Settings", "problem_detail"]

log = structlog.get_logger(__name__)

VERSION = "0.1.0"
REGISTRY = "BAG Individuele Bevragingen v2 (Kadaster)"
CRS = "epsg:28992"

_N = Classification.NORMAL
FIELDS: Mapping[str, FieldSpec] = {
    "adres": FieldSpec(_N, "adres als tekst, bv. 'Kleine Noord 88, 1621JH Hoorn'", "Adres"),
    "openbareRuimteNaam": FieldSpec(_N, "naam van de openbare ruimte (straat)", "Straat"),
    "woonplaatsNaam": FieldSpec(_N, "naam van de woonplaats", "Woonplaats"),
    "nummeraanduidingIdentificatie": FieldSpec(
        _N, "BAG-id van de nummeraanduiding", "BAG-id nummeraanduiding"
    ),
    "adresseerbaarObjectIdentificatie": FieldSpec(
        _N, "BAG-id van het adresseerbaar object", "BAG-id verblijfsobject"
    ),
    "pandIdentificaties": FieldSpec(_N, "BAG-id's van de panden (lijst)", "BAG-id's panden"),
    "oppervlakte": FieldSpec(
        _N, "gebruiksoppervlakte van het verblijfsobject in m²", "Oppervlakte (m²)"
    ),
    "gebruiksdoelen": FieldSpec(
        _N, "gebruiksdoelen van het verblijfsobject (lijst)", "Gebruiksdoelen"
    ),
    "status": FieldSpec(_N, "status van het verblijfsobject", "Status verblijfsobject"),
}
#: fields only ``GET /adressen`` gives
_ADRES_ONLY = frozenset(
    {"adres", "openbareRuimteNaam", "woonplaatsNaam", "nummeraanduidingIdentificatie"}
)
#: fields only ``GET /verblijfsobjecten/{id}`` gives
_VBO_ONLY = frozenset({"oppervlakte", "gebruiksdoelen", "status"})


class Settings(HalApiSettings):
    """``[connectors.bag]``; the key, paging and probe settings are the SDK's
    (:class:`~plugins.HalApiSettings`)."""

    base_url: str = Field(
        default="https://api.bag.kadaster.nl/lvbag/individuelebevragingen/v2",
        description="the registry's base URL, without trailing slash",
    )
    api_key_env: str = Field(
        default="OPPLUS_BAG_API_KEY", description="environment variable holding the X-Api-Key"
    )
    exact_match: bool = Field(default=True, description="send exacteMatch=true")
    page_size: int = Field(default=20, ge=10, le=100, description="pageSize of /adressen")


class _Adres(BaseModel):
    model_config = ConfigDict(extra="ignore")

    openbareRuimteNaam: str
    huisnummer: int
    huisletter: str | None = None
    huisnummertoevoeging: str | None = None
    postcode: str | None = None
    woonplaatsNaam: str
    nummeraanduidingIdentificatie: str
    adresseerbaarObjectIdentificatie: str | None = None
    pandIdentificaties: list[str] = Field(default_factory=list)
    indicatieNevenadres: bool = False

    def label(self) -> str:
        number = house_number(self.huisnummer, self.huisletter, self.huisnummertoevoeging)
        where = f"{self.postcode} {self.woonplaatsNaam}" if self.postcode else self.woonplaatsNaam
        return f"{self.openbareRuimteNaam} {number}, {where}"


class _Verblijfsobject(BaseModel):
    model_config = ConfigDict(extra="ignore")

    identificatie: str
    oppervlakte: int
    gebruiksdoelen: list[str]
    status: str
    maaktDeelUitVan: list[str] = Field(default_factory=list)


def _same(value: str | None, wanted: str | None) -> bool:
    return (value or "").lower() == (wanted or "").lower()


def _is_exact(adres: _Adres, subject: AddressRef) -> bool:
    return (
        adres.huisnummer == subject.huisnummer
        and (adres.postcode is None or adres.postcode == subject.postcode)
        and _same(adres.huisletter, subject.huisletter)
        and _same(adres.huisnummertoevoeging, subject.huisnummertoevoeging)
    )


class BagConnector:
    """Connector for BAG Individuele Bevragingen v2."""

    def __init__(self, settings: Settings, context: ConnectorContext) -> None:
        self.settings = settings
        self._api = HalApi(settings, context, "BAG")
        self.info = ConnectorInfo(
            name="bag",
            version=VERSION,
            registry=REGISTRY,
            subject_kinds=frozenset({"address"}),
            fields=FIELDS,
        )

    def accepts(self, subject: Subject) -> bool:
        return isinstance(subject, AddressRef)

    async def enrich(self, query: Query) -> EnrichResult:
        result = EnrichResult(info=self.info, query=query)
        subject = query.subject
        if not isinstance(subject, AddressRef):
            raise QueryRejected("bag answers for addresses only; nothing was sent")
        wanted = query.fields & FIELDS.keys()
        if not wanted:
            return result
        self._api.require_key()

        aoi = subject.adresseerbaarObjectIdentificatie
        # the id already known spares /adressen when no address field is asked for
        if aoi is None or wanted & _ADRES_ONLY:
            found = await self._find_adres(subject, query.trace)
            if found is None:
                return result
            adres, evidence = found
            self._add_adres(result, adres, evidence, wanted)
            found_aoi = adres.adresseerbaarObjectIdentificatie
            if found_aoi and found_aoi != aoi:
                result.refined = dataclasses.replace(
                    subject, adresseerbaarObjectIdentificatie=found_aoi
                )
            aoi = found_aoi
            vbo_wanted = wanted & _VBO_ONLY
        else:
            vbo_wanted = wanted & (
                _VBO_ONLY | {"pandIdentificaties", "adresseerbaarObjectIdentificatie"}
            )
        # ligplaatsen (..02..) and standplaatsen (..03..) have no verblijfsobject
        if vbo_wanted and aoi and aoi[4:6] == "01":
            vbo = await self._verblijfsobject(aoi, query.trace)
            if vbo is not None:
                self._add_verblijfsobject(result, *vbo, vbo_wanted)
        return result

    async def check(self) -> Health:
        return await self._api.probe("/adressen")

    async def aclose(self) -> None:
        await self._api.aclose()

    async def _find_adres(
        self, subject: AddressRef, trace: TraceContext
    ) -> tuple[_Adres, Evidence] | None:
        params = address_params(subject)
        if self.settings.exact_match:
            params["exacteMatch"] = "true"
        if self.settings.page_size != 20:
            params["pageSize"] = str(self.settings.page_size)

        matches: list[tuple[_Adres, Evidence]] = []
        async for response, body in self._api.pages("/adressen", params, trace):
            evidence = Evidence.from_response(response, "GET /adressen")
            for adres in hal_models(body, "adressen", "/adressen", _Adres):
                if _is_exact(adres, subject):
                    matches.append((adres, evidence))
        if not matches:
            return None
        if len(matches) > 1:
            log.info("bag.several_matches", count=len(matches))
        # a hoofdadres before a nevenadres; otherwise the registry's order
        matches.sort(key=lambda match: match[0].indicatieNevenadres)
        return matches[0]

    async def _verblijfsobject(
        self, aoi: str, trace: TraceContext
    ) -> tuple[_Verblijfsobject, Evidence] | None:
        response = await send(
            self._api.client,
            "GET",
            f"/verblijfsobjecten/{aoi}",
            trace=trace,
            headers={"Accept-Crs": CRS},
        )
        if response.status_code == 404:
            return None
        raise_for_status(response, detail=problem_detail)
        body = json_body(response)
        if not isinstance(body, dict) or not isinstance(body.get("verblijfsobject"), dict):
            raise BadResponse("/verblijfsobjecten: no verblijfsobject in the answer")
        vbo = parse_model(_Verblijfsobject, body["verblijfsobject"], "/verblijfsobjecten")
        return vbo, Evidence.from_response(response, "GET /verblijfsobjecten/{identificatie}")

    @staticmethod
    def _add_adres(
        result: EnrichResult, adres: _Adres, evidence: Evidence, wanted: frozenset[str]
    ) -> None:
        values: dict[str, Any] = {
            "adres": adres.label(),
            "openbareRuimteNaam": adres.openbareRuimteNaam,
            "woonplaatsNaam": adres.woonplaatsNaam,
            "nummeraanduidingIdentificatie": adres.nummeraanduidingIdentificatie,
            "adresseerbaarObjectIdentificatie": adres.adresseerbaarObjectIdentificatie,
            "pandIdentificaties": list(adres.pandIdentificaties),
        }
        for name, value in values.items():
            if name in wanted and value is not None:
                result.add(name, value, evidence)

    @staticmethod
    def _add_verblijfsobject(
        result: EnrichResult, vbo: _Verblijfsobject, evidence: Evidence, wanted: frozenset[str]
    ) -> None:
        values: dict[str, Any] = {
            "oppervlakte": vbo.oppervlakte,
            "gebruiksdoelen": list(vbo.gebruiksdoelen),
            "status": vbo.status,
            "pandIdentificaties": list(vbo.maaktDeelUitVan),
            "adresseerbaarObjectIdentificatie": vbo.identificatie,
        }
        for name, value in values.items():
            if name in wanted:
                result.add(name, value, evidence)
