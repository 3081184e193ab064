"""The KvK Handelsregister connector: businesses by KvK number, registrations at an address.

A business (``BusinessRef``) is read from the Basisprofiel API (and its ``/vestigingen``
list when that field is asked for); a single vestiging from the Vestigingsprofiel API.
An address (``AddressRef``) is searched with the Zoeken API (every page, within
``max_pages``), then the vestigingsprofiel of each hit (within ``max_profiles``) gives
its SBI codes. The API version is a setting; its paths live in :data:`API_PATHS`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import httpx
import structlog
from pydantic import Field

from plugins import (
    AddressRef,
    AuthenticationFailed,
    BadResponse,
    BusinessRef,
    ConnectorContext,
    ConnectorInfo,
    ConnectorSettings,
    EnrichResult,
    Evidence,
    Fact,
    Health,
    Probe,
    Query,
    QueryRejected,
    Subject,
    TraceContext,
    json_body,
    raise_for_status,
    registry_client,
    send,
)

from . import _fields as fields
from . import _wire as wire
from ._fields import ADDRESS_FIELDS, BUSINESS_FIELDS, FIELDS

__all__ = [
    "ADDRESS_FIELDS",
    "API_PATHS",
    "BUSINESS_FIELDS",
    "FIELDS",
    "ApiPaths",
    "KvkConnector",
    "Settings",
    "create_connector",
]

log = structlog.get_logger(__name__)

NAME = "kvk"
VERSION = "0.1.0"
REGISTRY = "KvK Handelsregister"


@dataclass(frozen=True, slots=True)
class ApiPaths:
    """The paths of one version of the KvK APIs, relative to the base URL."""

    zoeken: str
    basisprofiel: str
    vestigingen: str
    vestigingsprofiel: str


#: one entry per supported ``zoeken_version``; Zoeken v3 / Vestigingen get their own
API_PATHS: Mapping[str, ApiPaths] = {
    "v2": ApiPaths(
        zoeken="/v2/zoeken",
        basisprofiel="/v1/basisprofielen/{kvkNummer}",
        vestigingen="/v1/basisprofielen/{kvkNummer}/vestigingen",
        vestigingsprofiel="/v1/vestigingsprofielen/{vestigingsnummer}",
    ),
}


class Settings(ConnectorSettings):
    """``[connectors.kvk]``: where KvK is, which key, and how far to follow it."""

    api_key_env: str = Field(
        default="OPPLUS_KVK_API_KEY", description="environment variable with the apikey"
    )
    zoeken_version: Literal["v2"] = Field(default="v2", description="version of the KvK APIs")
    max_discovered_vestigingen: int = Field(
        default=10, ge=0, le=1000, description="vestigingen of a business passed on as subjects"
    )
    max_pages: int = Field(default=5, ge=1, le=100, description="Zoeken pages read per address")
    resultaten_per_pagina: int = Field(default=100, ge=1, le=100, description="Zoeken page size")
    max_profiles: int = Field(
        default=10, ge=0, le=100, description="vestigingsprofielen read per address for SBI codes"
    )
    health_check_kvk: str = Field(
        default="69599084", pattern=r"^[0-9]{8}$", description="kvkNummer the health probe reads"
    )


# An OpenAPI array in the query (style form, explode true): the parameter repeats,
# ``type=hoofdvestiging&type=nevenvestiging``; KvK refuses a comma-joined value.
_SEARCH_TYPES = ("hoofdvestiging", "nevenvestiging")
_NO_HITS = "IPD5200"
_UNKNOWN_KVK = "IPD0005"
_UNKNOWN_VESTIGING = "IPD0007"


# --- the connector ------------------------------------------------------------------------


class KvkConnector:
    """The ``kvk`` connector (see the module docstring)."""

    def __init__(self, settings: Settings, context: ConnectorContext) -> None:
        self.settings = settings
        self.paths = API_PATHS[settings.zoeken_version]
        self.info = ConnectorInfo(
            name=NAME,
            version=VERSION,
            registry=REGISTRY,
            subject_kinds=frozenset({"business", "address"}),
            fields=FIELDS,
        )
        self._api_key = context.secret(settings.api_key_env)
        headers = {"Accept": "application/hal+json"}
        if self._api_key:
            headers["apikey"] = self._api_key
        self._client = registry_client(settings, context, headers=headers)

    def accepts(self, subject: Subject) -> bool:
        return isinstance(subject, BusinessRef | AddressRef)

    async def enrich(self, query: Query) -> EnrichResult:
        result = EnrichResult(info=self.info, query=query)
        subject = query.subject
        if isinstance(subject, BusinessRef):
            if subject.vestigingsnummer:
                await self._enrich_vestiging(subject, query, result)
            else:
                await self._enrich_business(subject, query, result)
        elif isinstance(subject, AddressRef):
            await self._enrich_address(subject, query, result)
        return result

    async def check(self) -> Health:
        probe = Probe()
        if not self._api_key:
            return probe.failed(f"no KvK apikey: {self.settings.api_key_env} is not set")
        path = self.paths.basisprofiel.format(kvkNummer=self.settings.health_check_kvk)
        try:
            response = await send(self._client, "GET", path, trace=TraceContext.new_trace())
            # A production key does not see the test number: its IPD0005 still proves the key.
            if response.status_code == 404 and _UNKNOWN_KVK in wire.fout_codes(response):
                return probe.ok("apikey accepted (test number unknown)")
            raise_for_status(response, detail=wire.fout_text)
            body = wire.obj(json_body(response), "basisprofiel")
            if body.get("kvkNummer") != self.settings.health_check_kvk:
                raise BadResponse("KvK: the health probe answered for another kvkNummer")
        except Exception as exc:  # a probe reports, it never raises
            return probe.failed(exc)
        return probe.ok("basisprofiel read with the apikey")

    async def aclose(self) -> None:
        await self._client.aclose()

    # --- one subject kind each --------------------------------------------------------

    async def _enrich_business(
        self, subject: BusinessRef, query: Query, result: EnrichResult
    ) -> None:
        wanted = query.fields & fields.FROM_BASISPROFIEL
        if wanted:
            path = self.paths.basisprofiel.format(kvkNummer=subject.kvkNummer)
            response = await self._get(path, query)
            if not self._found(response, _UNKNOWN_KVK):
                return  # an unknown kvkNummer: no facts
            body = self._body(response, "basisprofiel", subject.kvkNummer)
            evidence = Evidence.from_response(response, "basisprofiel")
            self._add_values(result, fields.BASISPROFIEL_VALUES, wanted, body, evidence)
            if "hoofdvestigingAdres" in wanted:
                self._discover_address(result, fields.hoofdvestiging_adres(body))
        if "vestigingen" in query.fields:
            path = self.paths.vestigingen.format(kvkNummer=subject.kvkNummer)
            response = await self._get(path, query)
            if not self._found(response, _UNKNOWN_KVK):
                return
            body = self._body(response, "vestigingen", subject.kvkNummer)
            items = fields.vestigingen_items(subject.kvkNummer, body)
            result.add("vestigingen", items, Evidence.from_response(response, "vestigingen"))
            # The hoofdvestiging is what the basisprofiel already describes: only the
            # nevenvestigingen are new subjects. The cap keeps a chain of 1000 shops from
            # flooding a round.
            branches = [item for item in items if not item["indHoofdvestiging"]]
            for item in branches[: self.settings.max_discovered_vestigingen]:
                result.discover(BusinessRef(subject.kvkNummer, item["vestigingsnummer"]))
            if len(branches) > self.settings.max_discovered_vestigingen:
                log.info(
                    "kvk.vestigingen_capped",
                    kvk=subject.kvkNummer,
                    total=len(branches),
                    discovered=self.settings.max_discovered_vestigingen,
                )

    async def _enrich_vestiging(
        self, subject: BusinessRef, query: Query, result: EnrichResult
    ) -> None:
        wanted = query.fields & fields.FROM_VESTIGINGSPROFIEL
        if not wanted:
            return
        path = self.paths.vestigingsprofiel.format(vestigingsnummer=subject.vestigingsnummer)
        response = await self._get(path, query)
        if not self._found(response, _UNKNOWN_VESTIGING):
            return
        body = self._body(response, "vestigingsprofiel", None)
        if body.get("kvkNummer") != subject.kvkNummer:
            raise QueryRejected(
                f"vestiging {subject.vestigingsnummer} hoort bij KvK-nummer "
                f"{body.get('kvkNummer')}, niet bij {subject.kvkNummer}"
            )
        evidence = Evidence.from_response(response, "vestigingsprofiel")
        self._add_values(result, fields.VESTIGINGSPROFIEL_VALUES, wanted, body, evidence)
        if wanted & {"hoofdvestigingAdres", "vestigingsAdres"}:
            self._discover_address(result, fields.vestiging_adres(body))
        result.discover(BusinessRef(subject.kvkNummer))

    async def _enrich_address(
        self, subject: AddressRef, query: Query, result: EnrichResult
    ) -> None:
        wanted = query.fields & fields.FROM_ZOEKEN
        if not wanted:
            return
        params: dict[str, str | list[str]] = {
            "postcode": subject.postcode,
            "huisnummer": str(subject.huisnummer),
            "type": list(_SEARCH_TYPES),
            "resultatenPerPagina": str(self.settings.resultaten_per_pagina),
        }
        if subject.huisletter:
            params["huisletter"] = subject.huisletter
        if subject.huisnummertoevoeging:
            params["huisnummerToevoeging"] = subject.huisnummertoevoeging

        pages: list[Evidence] = []
        hits: list[dict[str, Any]] = []
        totaal = 0
        for pagina in range(1, self.settings.max_pages + 1):
            response = await self._get(
                self.paths.zoeken, query, params={**params, "pagina": str(pagina)}
            )
            if not self._found(response, _NO_HITS):
                # No (more) registrations. On the first page that is the finding "zero".
                pages.append(Evidence.from_response(response, "zoeken"))
                break
            page = fields.zoeken_page(json_body(response))
            pages.append(Evidence.from_response(response, "zoeken"))
            if pagina == 1:
                totaal = page.totaal
            hits.extend(page.hits)
            if not page.hits or len(hits) >= totaal:
                break
        else:
            log.info("kvk.zoeken_capped", pages=self.settings.max_pages, totaal=totaal)

        profiles: list[Evidence] = []
        if "inschrijvingenOpAdres" in wanted:
            for hit in hits[: self.settings.max_profiles]:
                if not hit["vestigingsnummer"]:
                    continue
                path = self.paths.vestigingsprofiel.format(vestigingsnummer=hit["vestigingsnummer"])
                response = await self._get(path, query)
                if not self._found(response, _UNKNOWN_VESTIGING):
                    continue
                body = self._body(response, "vestigingsprofiel", hit["kvkNummer"])
                hit["sbiActiviteiten"] = wire.sbi_activiteiten(
                    body.get("sbiActiviteiten"), "vestigingsprofiel.sbiActiviteiten"
                )
                profiles.append(Evidence.from_response(response, "vestigingsprofiel"))

        first, rest = pages[0], [*pages[1:], *profiles]
        if "aantalInschrijvingenOpAdres" in wanted:
            fact = result.add("aantalInschrijvingenOpAdres", totaal, first)
            self._derived(result, fact, pages[1:])
        if "inschrijvingenOpAdres" in wanted:
            fact = result.add("inschrijvingenOpAdres", hits, first)
            self._derived(result, fact, rest)
        for hit in hits:
            result.discover(BusinessRef(hit["kvkNummer"]))

    # --- helpers ----------------------------------------------------------------------

    async def _get(
        self, path: str, query: Query, params: Mapping[str, str | list[str]] | None = None
    ) -> httpx.Response:
        """GET with the query's trace; no key means no call at all."""
        if not self._api_key:
            raise AuthenticationFailed(
                f"no KvK apikey: environment variable {self.settings.api_key_env} is not set"
            )
        return await send(self._client, "GET", path, trace=query.trace, params=params)

    @staticmethod
    def _found(response: httpx.Response, not_found: str) -> bool:
        """False for a 404 whose KvK code is ``not_found``; raises for any other failure.

        Only KvK's own code makes a 404 "nothing there": a 404 from a wrong base URL or a
        gateway must not look like "nothing found".
        """
        if response.status_code == 404 and not_found in wire.fout_codes(response):
            return False
        raise_for_status(response, detail=wire.fout_text)
        return True

    @staticmethod
    def _body(response: httpx.Response, where: str, kvk: str | None) -> Mapping[str, Any]:
        body = wire.obj(json_body(response), where)
        # a profile is the profile of a KvK number: without one it is no profile at all
        # (and must not read as "another business" either)
        if wire.opt_str(body, "kvkNummer", where) is None:
            raise BadResponse(f"KvK: {where}.kvkNummer is missing")
        if kvk is not None and body["kvkNummer"] != kvk:
            raise BadResponse(f"KvK: {where} answered for another kvkNummer")
        return body

    @staticmethod
    def _add_values(
        result: EnrichResult,
        extractors: Mapping[str, fields.Extractor],
        wanted: frozenset[str],
        body: Mapping[str, Any],
        evidence: Evidence,
    ) -> None:
        # read every wanted value first, so a broken answer adds no facts at all
        values = {name: extractors[name](body) for name in sorted(wanted) if name in extractors}
        for name, value in values.items():
            if value is not None:
                result.add(name, value, evidence)

    @staticmethod
    def _discover_address(result: EnrichResult, raw: Mapping[str, Any] | None) -> None:
        ref = None if raw is None else wire.address_ref(raw)
        if ref is not None:
            result.discover(ref)

    @staticmethod
    def _derived(result: EnrichResult, fact: Fact, more: list[Evidence]) -> None:
        """Record the other responses a fact was built from (``add`` takes only one)."""
        if not more:
            return
        for evidence in more:
            if evidence not in result.evidence:
                result.evidence.append(evidence)
        provenance = dataclasses.replace(
            fact.provenance, derived_from=tuple(e.request_id for e in more)
        )
        # ``fact`` is the one ``add`` just appended
        result.facts[-1] = dataclasses.replace(fact, provenance=provenance)


def create_connector(settings: Settings, context: ConnectorContext) -> KvkConnector:
    """The factory registered in :mod:`connectors.kvk.plugin`."""
    return KvkConnector(settings, context)
