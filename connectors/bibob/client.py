"""The Bibob connector: permits and their Bibob screening from a municipal permit register.

Asks the Vergunningenregister SOAP service (``ZoekVergunningen``) for the permits of a
business (KvK number) or at an address, stating the processing activity and the
officer (``doelbinding``) on every call. Every field is classified ``bibob``
(art. 28 Wet Bibob). A business's permit addresses and an address's permit holders
are reported as discovered subjects.
"""

from __future__ import annotations

import dataclasses
import ssl
import time
from collections.abc import Mapping
from datetime import date
from typing import Any

import httpx
from pydantic import Field, model_validator

from plugins import (
    AddressRef,
    BadResponse,
    BusinessRef,
    Classification,
    ConnectorContext,
    ConnectorError,
    ConnectorInfo,
    ConnectorSettings,
    EnrichResult,
    Evidence,
    FieldSpec,
    Health,
    Query,
    Subject,
    TraceContext,
    registry_client,
)

from ._soap import SoapService

__all__ = ["FIELDS", "MATE_VAN_GEVAAR", "BibobConnector", "Settings"]

NAME = "bibob"
VERSION = "0.1.0"
REGISTRY = "Vergunningenregister (Bibob, SOAP)"

#: outcomes of a Bibob screening, least severe first
MATE_VAN_GEVAAR = ("geen_gevaar", "mindere_mate", "ernstig_gevaar")
_TYPES = frozenset(
    {
        "exploitatievergunning_horeca",
        "exploitatievergunning_seksinrichting",
        "huisvesting_arbeidsmigranten",
    }
)
_STATUSES = frozenset({"aangevraagd", "verleend", "geweigerd", "ingetrokken"})
_ONDERZOEK = frozenset({"geen", "eigen_onderzoek", "lbb_advies"})

_BIBOB = Classification.BIBOB
FIELDS: Mapping[str, FieldSpec] = {
    "naam": FieldSpec(
        _BIBOB, "naam van de onderneming zoals het vergunningenregister die kent (str)"
    ),
    "vergunningen": FieldSpec(
        _BIBOB,
        "vergunningen met Bibob-toets (list of {vergunningnummer, type, status, kvkNummer, "
        "datumAanvraag, datumBesluit, adres, bibob{onderzoek, datum, mateVanGevaar, besluit}})",
    ),
    "hoogsteMateVanGevaar": FieldSpec(
        _BIBOB, "ernstigste Bibob-uitkomst over de vergunningen (str or None)"
    ),
    "aantalVergunningen": FieldSpec(_BIBOB, "aantal vergunningen (int)"),
}

_PERMIT_FIELDS = frozenset({"vergunningen", "hoogsteMateVanGevaar", "aantalVergunningen"})


class Settings(ConnectorSettings):
    """``[connectors.bibob]``: the permit register's SOAP endpoint and its credentials."""

    username: str = Field(default="opplus", min_length=1, description="HTTP Basic user")
    password_env: str = Field(
        default="OPPLUS_BIBOB_PASSWORD", description="environment variable with the password"
    )
    client_cert_path: str | None = Field(
        default=None, description="PEM client certificate (PKIoverheid), when the service asks one"
    )
    client_key_path: str | None = Field(
        default=None, description="PEM private key of the client certificate (if not in it)"
    )

    @model_validator(mode="after")
    def _key_needs_cert(self) -> Settings:
        if self.client_key_path and not self.client_cert_path:
            raise ValueError("client_key_path needs client_cert_path")
        return self


class BibobConnector:
    """Permits and Bibob outcomes for businesses and addresses."""

    def __init__(self, settings: Settings, context: ConnectorContext) -> None:
        self.settings = settings
        self.info = ConnectorInfo(
            name=NAME,
            version=VERSION,
            registry=REGISTRY,
            subject_kinds=frozenset({"business", "address"}),
            fields=FIELDS,
        )
        self._password = context.secret(settings.password_env)
        http = registry_client(
            settings, _with_client_cert(settings, context), headers={"Accept": "text/xml"}
        )
        if self._password is not None:
            http.auth = httpx.BasicAuth(settings.username, self._password)
        self._soap = SoapService(http, settings.base_url)

    def accepts(self, subject: Subject) -> bool:
        return isinstance(subject, BusinessRef | AddressRef)

    async def enrich(self, query: Query) -> EnrichResult:
        result = EnrichResult(info=self.info, query=query)
        subject = query.subject
        if not isinstance(subject, BusinessRef | AddressRef):
            return result
        # an address has no business name: only the permit fields apply to it
        applicable = FIELDS.keys() if isinstance(subject, BusinessRef) else _PERMIT_FIELDS
        if not query.fields & applicable:
            return result
        answer, response = await self._soap.call(
            "ZoekVergunningen",
            query.trace,
            **_search(subject),
            doelbinding={
                "verwerkingsactiviteitId": query.purpose.id,
                "gebruiker": query.officer.id,
            },
        )
        permits = _permits(answer)
        evidence = Evidence.from_response(response, "ZoekVergunningen")
        _record(result, subject, permits, evidence)
        return result

    async def check(self) -> Health:
        started = time.perf_counter()

        def elapsed() -> float:
            return round((time.perf_counter() - started) * 1000, 1)

        try:
            answer, _ = await self._soap.call("Ping", TraceContext.new_trace())
            status = str(getattr(answer, "status", "") or "")
            versie = str(getattr(answer, "versie", "") or "?")
        except ConnectorError as exc:
            hint = "" if self._password else f" (no password in {self.settings.password_env})"
            return Health(ok=False, detail=f"{exc}{hint}", latency_ms=elapsed())
        except Exception as exc:  # a probe reports, it never raises
            return Health(ok=False, detail=f"probe failed: {type(exc).__name__}")
        if status != "OK":
            detail = f"Ping status {status or 'missing'}"
            return Health(ok=False, detail=detail, latency_ms=elapsed())
        return Health(ok=True, detail=f"Ping OK, service version {versie}", latency_ms=elapsed())

    async def aclose(self) -> None:
        await self._soap.aclose()


def _with_client_cert(settings: Settings, context: ConnectorContext) -> ConnectorContext:
    """Present the client certificate on real TLS connections.

    ``registry_client`` has no certificate parameter, so the certificate goes into the
    transport. An in-process transport given by the hub (to reach the fakes) has no
    TLS, and is kept as it is.
    """
    if not settings.client_cert_path or context.transport is not None:
        return context
    tls = ssl.create_default_context()
    try:
        tls.load_cert_chain(settings.client_cert_path, settings.client_key_path)
    except (OSError, ssl.SSLError) as exc:
        raise ValueError(f"bibob: cannot load the client certificate: {exc}") from exc
    return dataclasses.replace(context, transport=httpx.AsyncHTTPTransport(verify=tls))


def _search(subject: BusinessRef | AddressRef) -> dict[str, Any]:
    if isinstance(subject, BusinessRef):
        return {"kvkNummer": subject.kvkNummer}
    adres: dict[str, Any] = {"postcode": subject.postcode, "huisnummer": subject.huisnummer}
    if subject.huisletter:
        adres["huisletter"] = subject.huisletter
    if subject.huisnummertoevoeging:
        adres["huisnummertoevoeging"] = subject.huisnummertoevoeging
    return {"adres": adres}


@dataclasses.dataclass(frozen=True, slots=True)
class _Permit:
    """One permit as read from the answer: the fact value and what discovery needs."""

    value: dict[str, Any]
    naam: str
    business: BusinessRef
    address: AddressRef
    mateVanGevaar: str | None


def _permits(answer: Any) -> list[_Permit]:
    """The permits, newest application first; BadResponse when one breaks the contract.

    The transport has checked the answer against the XSD; zeep reads an empty
    ``vergunningen`` as None.
    """
    if answer is None:
        return []
    if not isinstance(answer, list):
        raise BadResponse(f"ZoekVergunningen: expected a list of vergunning, got {type(answer)}")
    try:
        permits = [_permit(item) for item in answer]
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise BadResponse(f"ZoekVergunningen: a vergunning breaks the contract: {exc}") from exc
    return sorted(
        permits,
        key=lambda p: (p.value["datumAanvraag"], p.value["vergunningnummer"]),
        reverse=True,
    )


def _permit(item: Any) -> _Permit:
    bibob = item.bibob
    if bibob is None:
        raise ValueError("bibob missing")
    mate = None
    if bibob.mateVanGevaar is not None:
        mate = _one_of(bibob.mateVanGevaar, frozenset(MATE_VAN_GEVAAR), "bibob.mateVanGevaar")
    address, label = _address(item.adres)
    business = BusinessRef(_required(item.kvkNummer, "kvkNummer"))
    value = {
        "vergunningnummer": _required(item.vergunningnummer, "vergunningnummer"),
        "type": _one_of(item.type, _TYPES, "type"),
        "status": _one_of(item.status, _STATUSES, "status"),
        "kvkNummer": business.kvkNummer,
        "adres": label,
        "datumAanvraag": _date(item.datumAanvraag, "datumAanvraag"),
        "datumBesluit": _date(item.datumBesluit, "datumBesluit", optional=True),
        "bibob": {
            "onderzoek": _one_of(bibob.onderzoek, _ONDERZOEK, "bibob.onderzoek"),
            "datum": _date(bibob.datum, "bibob.datum", optional=True),
            "mateVanGevaar": mate,
            "besluit": None if bibob.besluit is None else str(bibob.besluit).strip(),
        },
    }
    return _Permit(value, _required(item.naam, "naam"), business, address, mate)


def _required(value: Any, name: str) -> str:
    if value is None or not str(value).strip():
        raise ValueError(f"{name} missing")
    return str(value).strip()


def _one_of(value: Any, allowed: frozenset[str], name: str) -> str:
    text = _required(value, name)
    if text not in allowed:
        raise ValueError(f"{name} {text!r} is not one of {sorted(allowed)}")
    return text


def _date(value: Any, name: str, *, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, date):
        raise ValueError(f"{name} is not a date")
    return value.isoformat()


def _address(adres: Any) -> tuple[AddressRef, str]:
    """The permit's address as a subject, and as one line (``Kleine Noord 88, 1621 JH Hoorn``)."""
    if adres is None:
        raise ValueError("adres missing")
    ref = AddressRef(
        postcode=_required(adres.postcode, "adres.postcode"),
        huisnummer=int(adres.huisnummer),
        huisletter=adres.huisletter or None,
        huisnummertoevoeging=adres.huisnummertoevoeging or None,
    )
    straat = _required(adres.straatnaam, "adres.straatnaam")
    woonplaats = _required(adres.woonplaats, "adres.woonplaats")
    number = f"{ref.huisnummer}{ref.huisletter or ''}"
    if ref.huisnummertoevoeging:
        number += f"-{ref.huisnummertoevoeging}"
    return ref, f"{straat} {number}, {ref.postcode[:4]} {ref.postcode[4:]} {woonplaats}"


def _highest(permits: list[_Permit]) -> str | None:
    outcomes = [p.mateVanGevaar for p in permits if p.mateVanGevaar is not None]
    return max(outcomes, key=MATE_VAN_GEVAAR.index) if outcomes else None


def _record(
    result: EnrichResult,
    subject: BusinessRef | AddressRef,
    permits: list[_Permit],
    evidence: Evidence,
) -> None:
    """Facts for the requested fields; none found is a checked answer, recorded as such."""
    wanted = result.query.fields
    if "vergunningen" in wanted:
        result.add("vergunningen", [p.value for p in permits], evidence)
    if "aantalVergunningen" in wanted:
        result.add("aantalVergunningen", len(permits), evidence)
    if "hoogsteMateVanGevaar" in wanted:
        result.add("hoogsteMateVanGevaar", _highest(permits), evidence)
    if isinstance(subject, BusinessRef):
        # The name on the newest application is the register's current view.
        if permits and "naam" in wanted:
            result.add("naam", permits[0].naam, evidence)
        for permit in permits:
            result.discover(permit.address)
    else:
        for permit in permits:
            result.discover(permit.business)
