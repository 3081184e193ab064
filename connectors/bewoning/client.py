"""The BRP Bewoning connector: who is registered at an adresseerbaar object, and who is new.

``POST /bewoningen`` with ``BewoningMetPeildatum`` for today and, when
``aantalNieuweBewoners`` is asked for, once more for today minus
``new_residents_window_days``: a bewoner today who was neither bewoner nor mogelijke
bewoner then is new. Only addresses with an ``adresseerbaarObjectIdentificatie`` are
accepted; the engine refines addresses through BAG (or BRP) first.
Authentication: the SDK's OAuth2 client credentials (production) or an ``X-API-KEY``
header; the gateway's purpose headers are sent when ``purpose_headers`` is configured.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import httpx
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
    GatewayAuth,
    GatewayAuthSettings,
    Health,
    PersonRef,
    Probe,
    Query,
    QueryRejected,
    Subject,
    TraceContext,
    is_valid_bsn,
    json_body,
    parse_model,
    problem_detail,
    raise_for_status,
    registry_client,
)

__all__ = ["FIELDS", "BewoningConnector", "Settings", "problem_detail"]

VERSION = "0.1.0"
REGISTRY = "BRP Bewoning (RvIG)"
_AMSTERDAM = ZoneInfo("Europe/Amsterdam")

_P = Classification.PERSONAL
FIELDS: Mapping[str, FieldSpec] = {
    "aantalBewoners": FieldSpec(
        _P, "aantal personen dat vandaag op het adres staat ingeschreven", "Ingeschreven bewoners"
    ),
    "aantalMogelijkeBewoners": FieldSpec(
        _P, "aantal personen dat er mogelijk staat ingeschreven", "Mogelijke bewoners"
    ),
    "indicatieVeelBewoners": FieldSpec(
        _P, "meer dan 100 (mogelijke) bewoners", "Meer dan 100 bewoners (BRP)"
    ),
    "bewoners": FieldSpec(
        _P,
        "bewoners: burgerservicenummer, volledigeNaam, geboortedatum, leeftijd (lijst)",
        "Bewoners",
        parts={
            "burgerservicenummer": "BSN",
            "volledigeNaam": "Naam",
            "geboortedatum": "Geboortedatum",
            "leeftijd": "Leeftijd",
        },
    ),
    "aantalNieuweBewoners": FieldSpec(
        _P,
        "bewoners van vandaag die er aan het begin van de periode niet stonden ingeschreven",
        "Nieuwe bewoners",
    ),
}


class Settings(GatewayAuthSettings):
    """``[connectors.bewoning]``; OAuth2, TLS and ``purpose_headers`` are the SDK's."""

    sends_purpose_headers: ClassVar[bool] = True

    base_url: str = Field(
        default="https://apigw.idm.diginetwerk.net/api/brp/bewoning",
        description="the registry's base URL, without trailing slash",
    )
    token_url: str | None = Field(
        default="https://auth.idm.diginetwerk.net/nidp/oauth/nam/token",
        description="OAuth2 token endpoint (auth = oauth2)",
    )
    resource_server: str | None = Field(default=None, description="resourceServer form field")
    client_secret_env: str = Field(
        default="OPPLUS_BEWONING_CLIENT_SECRET",
        description="environment variable holding the OAuth2 client secret",
    )
    api_key_env: str = Field(
        default="OPPLUS_BEWONING_API_KEY",
        description="environment variable holding the X-API-KEY (auth = api_key)",
    )
    new_residents_window_days: int = Field(default=90, ge=1, le=3650)
    discover_residents: bool = Field(
        default=False, description="report the bewoners as person subjects for the next round"
    )


class _Datum(BaseModel):
    model_config = ConfigDict(extra="ignore")

    type: str
    datum: str | None = None
    jaar: int | None = None
    maand: int | None = None


class _Geboorte(BaseModel):
    model_config = ConfigDict(extra="ignore")

    datum: _Datum | None = None


class _Naam(BaseModel):
    model_config = ConfigDict(extra="ignore")

    volledigeNaam: str | None = None


class _Bewoner(BaseModel):
    model_config = ConfigDict(extra="ignore")

    burgerservicenummer: str
    geheimhoudingPersoonsgegevens: bool = False
    naam: _Naam | None = None
    geboorte: _Geboorte | None = None


class _Bewoning(BaseModel):
    model_config = ConfigDict(extra="ignore")

    adresseerbaarObjectIdentificatie: str | None = None
    bewoners: list[_Bewoner] = Field(default_factory=list)
    mogelijkeBewoners: list[_Bewoner] = Field(default_factory=list)
    indicatieVeelBewoners: bool = False


class _Answer(BaseModel):
    model_config = ConfigDict(extra="ignore")

    bewoningen: list[_Bewoning]


@dataclasses.dataclass(frozen=True, slots=True)
class _Occupancy:
    """Who lived at the object on one peildatum, as one answer told it."""

    bewoners: list[_Bewoner]
    mogelijke: list[_Bewoner]
    veel: bool
    evidence: Evidence


#: the object the health probe asks about: valid for the official document, but
#: gemeentecode 0000 belongs to no municipality, so no registry holds it
PROBE_OBJECT = "0000010000000000"


def _amsterdam_today() -> date:
    return datetime.now(_AMSTERDAM).date()


def _age(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _birth(bewoner: _Bewoner, today: date) -> tuple[str | None, int | None]:
    """ISO birth date (or its known part) and age; age only for a full date."""
    datum = bewoner.geboorte.datum if bewoner.geboorte else None
    if datum is None:
        return None, None
    if datum.type == "Datum" and datum.datum:
        try:
            born = date.fromisoformat(datum.datum)
        except ValueError as exc:
            raise BadResponse("bewoning: geboorte.datum is no ISO date") from exc
        return born.isoformat(), _age(born, today)
    if datum.type == "JaarMaandDatum" and datum.jaar and datum.maand:
        return f"{datum.jaar:04d}-{datum.maand:02d}", None
    if datum.type == "JaarDatum" and datum.jaar:
        return f"{datum.jaar:04d}", None
    return None, None


def _unique(bewoners: list[_Bewoner]) -> list[_Bewoner]:
    seen: dict[str, _Bewoner] = {}
    for bewoner in bewoners:
        seen.setdefault(bewoner.burgerservicenummer, bewoner)
    return list(seen.values())


class BewoningConnector:
    """Connector for BRP Bewoning (Haal Centraal)."""

    def __init__(
        self,
        settings: Settings,
        context: ConnectorContext,
        *,
        today: Callable[[], date] = _amsterdam_today,
    ) -> None:
        self.settings = settings
        self._today = today
        self._client = registry_client(settings, context, headers={"Accept": "application/json"})
        extra = {"resourceServer": settings.resource_server} if settings.resource_server else {}
        self._auth = GatewayAuth.from_settings(
            settings, context, label="BRP Bewoning", extra_form=extra
        )
        self.info = ConnectorInfo(
            name="bewoning",
            version=VERSION,
            registry=REGISTRY,
            subject_kinds=frozenset({"address"}),
            fields=FIELDS,
            brp_supply=True,
        )

    def accepts(self, subject: Subject) -> bool:
        return (
            isinstance(subject, AddressRef) and subject.adresseerbaarObjectIdentificatie is not None
        )

    async def enrich(self, query: Query) -> EnrichResult:
        result = EnrichResult(info=self.info, query=query)
        subject = query.subject
        if not self.accepts(subject):
            raise QueryRejected("bewoning needs an address with adresseerbaarObjectIdentificatie")
        assert isinstance(subject, AddressRef) and subject.adresseerbaarObjectIdentificatie
        wanted = query.fields & FIELDS.keys()
        if not wanted:
            return result
        aoi = subject.adresseerbaarObjectIdentificatie
        today = self._today()
        headers = self.settings.gateway_headers(query)
        now = await self._occupancy(aoi, today, query.trace, headers)
        if now.veel:
            if "indicatieVeelBewoners" in wanted:
                result.add("indicatieVeelBewoners", True, now.evidence)
            return result
        values: dict[str, Any] = {
            "aantalBewoners": len(now.bewoners),
            "aantalMogelijkeBewoners": len(now.mogelijke),
            "indicatieVeelBewoners": False,
            "bewoners": [self._bewoner(b, today) for b in now.bewoners],
        }
        for name, value in values.items():
            if name in wanted:
                result.add(name, value, now.evidence)
        if "aantalNieuweBewoners" in wanted:
            await self._add_new_residents(result, aoi, today, now, query.trace, headers)
        if self.settings.discover_residents:
            for bewoner in now.bewoners:
                if is_valid_bsn(bewoner.burgerservicenummer):
                    result.discover(PersonRef(bewoner.burgerservicenummer))
        return result

    async def check(self) -> Health:
        """Probe with the credentials without asking for anyone's data.

        The probe is a query the official document allows, about an object no registry
        holds (:data:`PROBE_OBJECT`): an answer proves the credentials and the gateway
        headers, and can name nobody.
        """
        probe = Probe()
        if self._auth.problem:
            return probe.failed(f"not configured: {self._auth.problem}")
        try:
            body = {
                "type": "BewoningMetPeildatum",
                "adresseerbaarObjectIdentificatie": PROBE_OBJECT,
                "peildatum": self._today().isoformat(),
            }
            response = await self._post(body, None, self.settings.gateway_headers())
        except Exception as exc:  # a probe reports, it never raises
            return probe.failed(exc)
        return probe.ok(f"credentials accepted (HTTP {response.status_code})")

    async def aclose(self) -> None:
        await self._client.aclose()

    async def _add_new_residents(
        self,
        result: EnrichResult,
        aoi: str,
        today: date,
        now: _Occupancy,
        trace: TraceContext,
        headers: Mapping[str, str],
    ) -> None:
        then_day = today - timedelta(days=self.settings.new_residents_window_days)
        then = await self._occupancy(aoi, then_day, trace, headers)
        if then.veel:
            return  # who lived there then is not told; "new" cannot be counted
        before = {b.burgerservicenummer for b in then.bewoners + then.mogelijke}
        new = [b for b in now.bewoners if b.burgerservicenummer not in before]
        result.evidence.append(then.evidence)
        fact = result.add("aantalNieuweBewoners", len(new), now.evidence)
        provenance = dataclasses.replace(
            fact.provenance, derived_from=(now.evidence.request_id, then.evidence.request_id)
        )
        result.facts[-1] = dataclasses.replace(fact, provenance=provenance)

    async def _occupancy(
        self, aoi: str, day: date, trace: TraceContext, headers: Mapping[str, str]
    ) -> _Occupancy:
        body = {
            "type": "BewoningMetPeildatum",
            "adresseerbaarObjectIdentificatie": aoi,
            "peildatum": day.isoformat(),
        }
        response = await self._post(body, trace, headers)
        answer = parse_model(_Answer, json_body(response), "bewoningen")
        mine = [b for b in answer.bewoningen if b.adresseerbaarObjectIdentificatie in (None, aoi)]
        return _Occupancy(
            bewoners=_unique([p for b in mine for p in b.bewoners]),
            mogelijke=_unique([p for b in mine for p in b.mogelijkeBewoners]),
            veel=any(b.indicatieVeelBewoners for b in mine),
            evidence=Evidence.from_response(
                response, f"POST /bewoningen BewoningMetPeildatum {day.isoformat()}"
            ),
        )

    async def _post(
        self,
        body: dict[str, Any],
        trace: TraceContext | None,
        headers: Mapping[str, str],
    ) -> httpx.Response:
        response = await self._auth.send(
            self._client, "POST", "/bewoningen", trace=trace, json=body, headers=headers
        )
        raise_for_status(response, detail=problem_detail)
        return response

    @staticmethod
    def _bewoner(bewoner: _Bewoner, today: date) -> dict[str, Any]:
        geboortedatum, leeftijd = _birth(bewoner, today)
        entry: dict[str, Any] = {
            "burgerservicenummer": bewoner.burgerservicenummer,
            "volledigeNaam": bewoner.naam.volledigeNaam if bewoner.naam else None,
            "geboortedatum": geboortedatum,
            "leeftijd": leeftijd,
        }
        if bewoner.geheimhoudingPersoonsgegevens:
            entry["geheimhoudingPersoonsgegevens"] = True
        return entry
