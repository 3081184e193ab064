"""The reference Bibob source: the Vergunningenregister SOAP service (``ZoekVergunningen``).

Asks for the permits of a business (KvK number) or at an address, stating the
processing activity and the officer (``doelbinding``) on every call; ``Ping`` is the
health probe. The wire (zeep, the shipped WSDL and XSD, error mapping) is
:mod:`._soap`; this module maps the answer onto the seam's :class:`.source.Permit`.
"""

from __future__ import annotations

from typing import Any

import httpx

from plugins import (
    AddressRef,
    BadResponse,
    BusinessRef,
    ConnectorContext,
    ConnectorError,
    Evidence,
    Health,
    Probe,
    Query,
    TraceContext,
    registry_client,
)

from ._soap import SoapService
from .source import BibobOutcome, Permit, PermitAddress, Permits

__all__ = ["REGISTRY", "SoapSource"]

REGISTRY = "Vergunningenregister (Bibob, SOAP)"


class SoapSource:
    """Permits from the Vergunningenregister SOAP service at ``settings.base_url``."""

    registry = REGISTRY

    def __init__(self, settings: Any, context: ConnectorContext) -> None:
        self.settings = settings
        self._password = context.secret(settings.password_env)
        http = registry_client(settings, context, headers={"Accept": "text/xml"})
        if self._password is not None:
            http.auth = httpx.BasicAuth(settings.username, self._password)
        self._soap = SoapService(http, settings.base_url)

    async def permits(self, subject: BusinessRef | AddressRef, query: Query) -> Permits:
        answer, response = await self._soap.call(
            "ZoekVergunningen",
            query.trace,
            **_search(subject),
            doelbinding={
                "verwerkingsactiviteitId": query.purpose.id,
                "gebruiker": query.officer.id,
            },
        )
        return Permits(
            tuple(_permits(answer)), (Evidence.from_response(response, "ZoekVergunningen"),)
        )

    async def check(self) -> Health:
        probe = Probe()
        try:
            answer, _ = await self._soap.call("Ping", TraceContext.new_trace())
            status = str(getattr(answer, "status", "") or "")
            versie = str(getattr(answer, "versie", "") or "?")
        except ConnectorError as exc:
            hint = "" if self._password else f" (no password in {self.settings.password_env})"
            return probe.failed(f"{exc}{hint}")
        except Exception as exc:  # a probe reports, it never raises
            return probe.failed(exc)
        if status != "OK":
            return probe.failed(f"Ping status {status or 'missing'}")
        return probe.ok(f"Ping OK, service version {versie}")

    async def aclose(self) -> None:
        await self._soap.aclose()


def _search(subject: BusinessRef | AddressRef) -> dict[str, Any]:
    if isinstance(subject, BusinessRef):
        return {"kvkNummer": subject.kvkNummer}
    adres: dict[str, Any] = {"postcode": subject.postcode, "huisnummer": subject.huisnummer}
    if subject.huisletter:
        adres["huisletter"] = subject.huisletter
    if subject.huisnummertoevoeging:
        adres["huisnummertoevoeging"] = subject.huisnummertoevoeging
    return {"adres": adres}


def _permits(answer: Any) -> list[Permit]:
    """The permits of the answer; BadResponse when one breaks the contract.

    The transport has checked the answer against the XSD; zeep reads an empty
    ``vergunningen`` as None.
    """
    if answer is None:
        return []
    if not isinstance(answer, list):
        raise BadResponse(f"ZoekVergunningen: expected a list of vergunning, got {type(answer)}")
    try:
        return [_permit(item) for item in answer]
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise BadResponse(f"ZoekVergunningen: a vergunning breaks the contract: {exc}") from exc


def _permit(item: Any) -> Permit:
    bibob = item.bibob
    if bibob is None:
        raise ValueError("bibob missing")
    adres = item.adres
    if adres is None:
        raise ValueError("adres missing")
    return Permit(
        vergunningnummer=item.vergunningnummer,
        type=item.type,
        status=item.status,
        kvkNummer=item.kvkNummer,
        naam=item.naam,
        adres=PermitAddress(
            straatnaam=adres.straatnaam,
            huisnummer=int(adres.huisnummer),
            postcode=adres.postcode,
            woonplaats=adres.woonplaats,
            huisletter=adres.huisletter or None,
            huisnummertoevoeging=adres.huisnummertoevoeging or None,
        ),
        datumAanvraag=item.datumAanvraag,
        datumBesluit=item.datumBesluit,
        bibob=BibobOutcome(
            onderzoek=bibob.onderzoek,
            datum=bibob.datum,
            mateVanGevaar=bibob.mateVanGevaar,
            besluit=bibob.besluit,
        ),
    )
