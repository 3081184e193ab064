"""The BRP Personen v2 connector: ``RaadpleegMetBurgerservicenummer`` for one person.

The connector asks ``POST {base_url}/personen`` for exactly the BRP fields its declared
fields need (:data:`FIELDS`), and only for those the query allows; when none apply it
does not call the registry at all. It authenticates with OAuth2 client credentials
or with the older ``X-API-KEY`` (the SDK's :class:`~plugins.GatewayAuth`), and
sends the gateway's purpose headers (:class:`~plugins.PurposeHeaders`) when configured.

A person's ``Adres`` residence is reported as a discovered :class:`~plugins.AddressRef`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar

import httpx
import structlog
from pydantic import Field

from plugins import (
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
    json_body,
    problem_detail,
    raise_for_status,
    registry_client,
)

from . import _values as v

__all__ = ["FIELDS", "OPERATION", "BrpConnector", "Settings", "create_connector"]

log = structlog.get_logger(__name__)

NAME = "brp"
VERSION = "1.0.0"
REGISTRY = "BRP Personen v2 (RvIG)"
OPERATION = "RaadpleegMetBurgerservicenummer"
# relative (no leading slash), so that it is resolved under the base URL's path everywhere
_PERSONEN = "personen"

_P = Classification.PERSONAL


class Settings(GatewayAuthSettings):
    """``[connectors.brp]``: where the BRP API is and how to authenticate.

    OAuth2 (``token_url``, ``client_id``, ``scope``, ``token_auth_method``) or the
    API key (``auth``, ``api_key_env``), TLS (``ca_file``, ``client_cert_file``) and
    the gateway's ``purpose_headers`` are the SDK's settings; see
    :class:`~plugins.GatewayAuthSettings` and :class:`~plugins.ConnectorSettings`.
    """

    sends_purpose_headers: ClassVar[bool] = True
    client_secret_env: str = "OPPLUS_BRP_CLIENT_SECRET"  # noqa: S105 - a variable name
    api_key_env: str = "OPPLUS_BRP_API_KEY"
    gemeente_van_inschrijving: str | None = Field(
        default=None,
        pattern=r"^[0-9]{4}$",
        description="only persons registered in this gemeente (gemeenteVanInschrijving)",
    )
    health_check_bsn: str | None = Field(
        default=None,
        pattern=r"^[0-9]{9}$",
        description="the BSN check() asks for: one the gateway's owner allows for probing",
    )


Reader = Callable[[Any], Any]

#: Dutch labels of the keys inside the structured BRP values
_PARTS: Mapping[str, str] = {
    "type": "Soort",
    "straat": "Straat",
    "huisnummer": "Huisnummer",
    "huisletter": "Huisletter",
    "huisnummertoevoeging": "Toevoeging",
    "postcode": "Postcode",
    "woonplaats": "Woonplaats",
    "adresseerbaarObjectIdentificatie": "BAG-id verblijfsobject",
    "nummeraanduidingIdentificatie": "BAG-id nummeraanduiding",
    "datumVan": "Sinds",
    "land": "Land",
    "adresregel1": "Adresregel 1",
    "adresregel2": "Adresregel 2",
    "adresregel3": "Adresregel 3",
    "locatiebeschrijving": "Locatie",
    "code": "Code",
    "omschrijving": "Omschrijving",
    "landVanwaarIngeschreven": "Ingeschreven vanuit",
    "datumVestigingInNederland": "In Nederland sinds",
    "indicatieVestigingVanuitBuitenland": "Gevestigd vanuit het buitenland",
    "vanuitVerblijfplaatsOnbekend": "Vanuit onbekende verblijfplaats",
    "datum": "Datum",
    "plaats": "Plaats",
    "indicatieOverleden": "Overleden",
}
#: the kinds of verblijfplaats Personen v2 knows
_VERBLIJFPLAATS_CODES: Mapping[str, Mapping[str, str]] = {
    "type": {
        "Adres": "adres in Nederland",
        "VerblijfplaatsBuitenland": "buitenland",
        "Locatie": "locatie",
        "VerblijfplaatsOnbekend": "onbekend",
    }
}

#: connector field -> (its spec, the BRP field paths it needs, how to read its value)
FIELDS: Mapping[str, tuple[FieldSpec, tuple[str, ...], str, Reader]] = {
    "burgerservicenummer": (
        FieldSpec(_P, "Burgerservicenummer", "BSN"),
        ("burgerservicenummer",),
        "burgerservicenummer",
        lambda x: v.text(x, "burgerservicenummer"),
    ),
    "naam.volledigeNaam": (
        FieldSpec(_P, "Volledige naam (voornamen, voorvoegsel, geslachtsnaam)", "Volledige naam"),
        ("naam.volledigeNaam",),
        "naam.volledigeNaam",
        lambda x: v.text(x, "naam.volledigeNaam"),
    ),
    "naam.voornamen": (
        FieldSpec(_P, "Voornamen", "Voornamen"),
        ("naam.voornamen",),
        "naam.voornamen",
        lambda x: v.text(x, "naam.voornamen"),
    ),
    "naam.voorvoegsel": (
        FieldSpec(_P, "Voorvoegsel van de geslachtsnaam", "Voorvoegsel"),
        ("naam.voorvoegsel",),
        "naam.voorvoegsel",
        lambda x: v.text(x, "naam.voorvoegsel"),
    ),
    "naam.geslachtsnaam": (
        FieldSpec(_P, "Geslachtsnaam", "Geslachtsnaam"),
        ("naam.geslachtsnaam",),
        "naam.geslachtsnaam",
        lambda x: v.text(x, "naam.geslachtsnaam"),
    ),
    "geboorte.datum": (
        FieldSpec(
            _P, "Geboortedatum (JJJJ-MM-DD; JJJJ of JJJJ-MM als deels onbekend)", "Geboortedatum"
        ),
        ("geboorte.datum",),
        "geboorte.datum",
        lambda x: v.iso_date(x, "geboorte.datum"),
    ),
    "geboorte.plaats": (
        FieldSpec(_P, "Geboorteplaats", "Geboorteplaats"),
        ("geboorte.plaats",),
        "geboorte.plaats",
        lambda x: v.omschrijving(x, "geboorte.plaats"),
    ),
    "leeftijd": (
        FieldSpec(_P, "Leeftijd in jaren", "Leeftijd"),
        ("leeftijd",),
        "leeftijd",
        lambda x: v.whole_number(x, "leeftijd"),
    ),
    "geslacht": (
        FieldSpec(_P, "Geslacht", "Geslacht"),
        ("geslacht",),
        "geslacht",
        lambda x: v.omschrijving(x, "geslacht"),
    ),
    "nationaliteiten": (
        FieldSpec(_P, "Nationaliteiten", "Nationaliteit"),
        ("nationaliteiten.nationaliteit",),
        "nationaliteiten",
        v.read_nationaliteiten,
    ),
    "verblijfplaats": (
        FieldSpec(
            _P,
            "Verblijfplaats (adres, buitenland of onbekend)",
            "Verblijfplaats",
            parts=_PARTS,
            codes=_VERBLIJFPLAATS_CODES,
        ),
        ("verblijfplaats",),
        "verblijfplaats",
        v.read_verblijfplaats,
    ),
    "gemeenteVanInschrijving": (
        FieldSpec(_P, "Gemeente van inschrijving", "Gemeente van inschrijving", parts=_PARTS),
        ("gemeenteVanInschrijving",),
        "gemeenteVanInschrijving",
        lambda x: v.coded(x, "gemeenteVanInschrijving"),
    ),
    "datumInschrijvingInGemeente": (
        FieldSpec(_P, "Datum inschrijving in de gemeente", "Ingeschreven in de gemeente sinds"),
        ("datumInschrijvingInGemeente",),
        "datumInschrijvingInGemeente",
        lambda x: v.iso_date(x, "datumInschrijvingInGemeente"),
    ),
    "immigratie": (
        FieldSpec(
            _P,
            "Immigratie (land vanwaar ingeschreven, datum vestiging in Nederland)",
            "Immigratie",
            parts=_PARTS,
        ),
        ("immigratie",),
        "immigratie",
        v.read_immigratie,
    ),
    "overlijden": (
        FieldSpec(_P, "Overlijden (datum, plaats, land)", "Overlijden", parts=_PARTS),
        ("overlijden",),
        "overlijden",
        v.read_overlijden,
    ),
    # an automatic field: never requested, added by the registry when it applies
    "geheimhoudingPersoonsgegevens": (
        FieldSpec(
            _P,
            "Geheimhouding persoonsgegevens (niet verstrekken aan derden)",
            "Geheimhouding persoonsgegevens",
        ),
        (),
        "geheimhoudingPersoonsgegevens",
        lambda x: x is True,
    ),
}

#: asked for when only automatic fields are wanted: the subject's own identifier
_MINIMAL_FIELDS = ("burgerservicenummer",)


def brp_fields(wanted: list[str]) -> list[str]:
    """The BRP ``fields`` parameter for the connector fields ``wanted`` (no duplicates)."""
    paths = [path for name in wanted for path in FIELDS[name][1]]
    return list(dict.fromkeys(paths)) or list(_MINIMAL_FIELDS)


def _lookup(persoon: Mapping[str, Any], dotted: str) -> Any:
    node: Any = persoon
    for part in dotted.split("."):
        if not isinstance(node, Mapping):
            raise BadResponse(f"BRP answer: {dotted} is not inside an object")
        node = node.get(part)
        if node is None:
            return None
    return node


class BrpConnector:
    """Asks BRP Personen v2 about one person (``RaadpleegMetBurgerservicenummer``)."""

    info = ConnectorInfo(
        name=NAME,
        version=VERSION,
        registry=REGISTRY,
        subject_kinds=frozenset({"person"}),
        fields={name: spec for name, (spec, *_rest) in FIELDS.items()},
        brp_supply=True,
    )

    def __init__(self, settings: Settings, context: ConnectorContext) -> None:
        self._settings = settings
        self._client = registry_client(settings, context, headers={"Accept": "application/json"})
        self._auth = GatewayAuth.from_settings(settings, context, label="BRP")

    @property
    def token_fetches(self) -> int:
        """How many OAuth2 tokens this connector fetched."""
        return self._auth.fetches

    def accepts(self, subject: Subject) -> bool:
        return subject.kind == "person"

    async def enrich(self, query: Query) -> EnrichResult:
        result = EnrichResult(info=self.info, query=query)
        subject = query.subject
        if not isinstance(subject, PersonRef):
            raise QueryRejected(f"BRP answers for persons only, not for {subject.kind}")
        wanted = [name for name in FIELDS if name in query.fields]
        if not wanted:
            return result
        body: dict[str, Any] = {
            "type": OPERATION,
            "burgerservicenummer": [subject.burgerservicenummer],
            "fields": brp_fields(wanted),
        }
        if self._settings.gemeente_van_inschrijving:
            body["gemeenteVanInschrijving"] = self._settings.gemeente_van_inschrijving
        headers = self._settings.gateway_headers(query)
        response = await self._post(body, trace=query.trace, headers=headers)
        persoon = self._persoon(response, subject.burgerservicenummer)
        evidence = Evidence.from_response(response, OPERATION)
        result.evidence.append(evidence)
        if persoon is None:
            return result
        if persoon.get("geheimhoudingPersoonsgegevens") is True:
            log.info(
                "brp.geheimhouding_persoonsgegevens",
                signal_id=query.signal_id,
                purpose=query.purpose.id,
                trace_id=query.trace.trace_id,
            )
        for name in wanted:
            _spec, _paths, source, read = FIELDS[name]
            raw = _lookup(persoon, source)
            if raw is None and name != "geheimhoudingPersoonsgegevens":
                continue
            value = read(raw)
            result.add(name, value, evidence)
            if name == "verblijfplaats":
                self._discover(result, value, query)
        return result

    def _discover(self, result: EnrichResult, verblijfplaats: dict[str, Any], query: Query) -> None:
        if verblijfplaats.get("type") != "Adres":
            return
        try:
            result.discover(v.address_ref(verblijfplaats))
        except ValueError as exc:
            # an unusable address is still a fact; it just cannot feed the next round
            log.info("brp.address_not_discovered", reason=str(exc), trace_id=query.trace.trace_id)

    def _persoon(self, response: httpx.Response, bsn: str) -> Mapping[str, Any] | None:
        raise_for_status(response, detail=problem_detail)
        data = json_body(response)
        if not isinstance(data, dict) or not isinstance(data.get("personen"), list):
            raise BadResponse("BRP answer: no personen list")
        personen = data["personen"]
        if not personen:
            return None
        if len(personen) > 1 or not isinstance(personen[0], dict):
            raise BadResponse("BRP answer: expected at most one persoon object")
        persoon: Mapping[str, Any] = personen[0]
        answered = persoon.get("burgerservicenummer")
        if answered is not None and answered != bsn:
            raise BadResponse("BRP answer: a different burgerservicenummer than asked for")
        return persoon

    async def _post(
        self, body: dict[str, Any], *, trace: TraceContext, headers: Mapping[str, str]
    ) -> httpx.Response:
        return await self._auth.send(
            self._client, "POST", _PERSONEN, trace=trace, json=body, headers=headers
        )

    async def check(self) -> Health:
        """Fetch a fresh token (OAuth2) and ask for the configured probe person
        (``health_check_bsn``), with the same TLS and gateway headers as a real query
        (the first configured purpose)."""
        probe = Probe()
        bsn = self._settings.health_check_bsn
        if bsn is None:
            # asking for a person is processing their data: only a BSN the municipality
            # has agreed on for probing may be asked, so there is no default
            return probe.failed("no probe person: set health_check_bsn")
        trace = TraceContext.new_trace()
        body = {
            "type": OPERATION,
            "burgerservicenummer": [bsn],
            "fields": list(_MINIMAL_FIELDS),
        }
        try:
            await self._auth.refresh(self._client, trace=trace)
            headers = self._settings.gateway_headers()
            response = await self._post(body, trace=trace, headers=headers)
            self._persoon(response, bsn)
        except Exception as exc:  # a probe reports, it never raises
            return probe.failed(exc)
        where = str(response.request.url.copy_with(query=None))
        return probe.ok(f"HTTP {response.status_code} from {where}")

    async def aclose(self) -> None:
        await self._client.aclose()


def create_connector(settings: Any, context: ConnectorContext) -> BrpConnector:
    """The :class:`~plugins.ConnectorSpec` factory: settings as a model or a mapping."""
    if not isinstance(settings, Settings):
        settings = Settings.model_validate(
            settings.model_dump() if hasattr(settings, "model_dump") else settings
        )
    return BrpConnector(settings, context)
