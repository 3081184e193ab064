"""The ``zgw`` transport: one delivery = one zaak with two linked documents.

On every attempt, in this order:

1. find the zaak by its ``identificatie`` (``GET /zaken?identificatie=``, with
   ``Accept-Crs: EPSG:4326``); create it only when it is not there
   (``POST /zaken`` with ``Content-Crs``). The identificatie is derived from the
   delivery's idempotency key: ``OPPLUS-`` + the first 20 hex digits of its SHA-256,
   so every attempt of one delivery looks for the same zaak. A create answered
   ``identificatie-niet-uniek`` (an earlier attempt got there first) is looked up again;
2. with a ``roltype`` configured: a rol per person (BSN) and business (KvK number) of
   the payload, skipping the ones the zaak already has;
3. list the zaak's documents (``GET /zaakinformatieobjecten?zaak=``) and, for each of
   the rendering (``text/html``) and the payload (``application/json``) whose title is
   not linked yet: create the document (``POST /enkelvoudiginformatieobjecten``, with
   a derived ``identificatie`` ``<zaak identificatie>-HTML``/``-JSON``) and link it
   (``POST /zaakinformatieobjecten``). A document that exists but was not linked (the
   attempt died in between) is found by its identificatie and linked, not created twice.

So a retry after a failure at any step resumes where the last attempt stopped: one
zaak, two documents, two links. Each delivery signs its own ZGW JWT whose
``user_id``/``user_representation`` are the officer who confirmed it (the APIs keep
them in their audit trail). The receipt's reference is the zaak URL.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

import httpx
import structlog
from pydantic import Field, field_validator

from plugins import (
    BadResponse,
    ConnectorContext,
    ConnectorError,
    Delivery,
    DeliveryFailed,
    Health,
    Probe,
    Receipt,
    TableSettings,
    ZgwClientSettings,
    ZgwJwt,
    is_valid_bsn,
    json_body,
    parse_retry_after,
    problem_detail,
    raise_for_status,
    send,
)

__all__ = ["Settings", "ZgwTransport", "document_identificatie", "zaak_identificatie"]

log = structlog.get_logger(__name__)

CRS = "EPSG:4326"
_MAX_PAGES = 20

Vertrouwelijkheid = Literal[
    "openbaar",
    "beperkt_openbaar",
    "intern",
    "zaakvertrouwelijk",
    "vertrouwelijk",
    "confidentieel",
    "geheim",
    "zeer_geheim",
]


class Settings(TableSettings, ZgwClientSettings):
    """``[tables.NAME.settings]`` of a ``zgw`` table."""

    zaken_url: str = Field(description="Zaken API root, e.g. https://zaken.example/zaken/api/v1")
    documenten_url: str = Field(
        description="Documenten API root, e.g. https://documenten.example/documenten/api/v1"
    )
    zaaktype: str = Field(description="URL of the zaaktype (Catalogi API) of the zaak created")
    informatieobjecttype: str = Field(
        description="URL of the informatieobjecttype of both documents; the zaaktype must allow it"
    )
    bronorganisatie: str = Field(description="RSIN (9 digits) of the sending organisation")
    verantwoordelijke_organisatie: str | None = Field(
        default=None, description="RSIN of the organisation responsible; default bronorganisatie"
    )
    roltype: str | None = Field(
        default=None,
        description="URL of a roltype of the zaaktype: when set, every person and business "
        "of the payload becomes a rol of the zaak",
    )
    vertrouwelijkheidaanduiding: Vertrouwelijkheid = "vertrouwelijk"
    omschrijving: str = Field(default="Opgeplust signaal mensenhandel", min_length=1, max_length=80)
    timeout_s: float = Field(default=30.0, gt=0, le=300, description="per request")

    @field_validator("zaken_url", "documenten_url", "zaaktype", "informatieobjecttype", "roltype")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not value.startswith(("https://", "http://")):
            raise ValueError("must be an absolute http(s) URL")
        return value.rstrip("/")

    @field_validator("bronorganisatie", "verantwoordelijke_organisatie")
    @classmethod
    def _rsin(cls, value: str | None) -> str | None:
        if value is not None and not is_valid_bsn(value):
            raise ValueError("must be an RSIN: 9 digits passing the 11-check")
        return value


def zaak_identificatie(idempotency_key: str) -> str:
    """The zaak ``identificatie`` of every attempt of one delivery."""
    return "OPPLUS-" + hashlib.sha256(idempotency_key.encode()).hexdigest()[:20]


def document_identificatie(zaak: str, suffix: str) -> str:
    return f"{zaak}-{suffix}"


@dataclass(frozen=True)
class _Document:
    suffix: str
    titel: str
    bestandsnaam: str
    formaat: str
    content: bytes
    beschrijving: str


def _documents(delivery: Delivery) -> list[_Document]:
    stem = f"Opgeplust signaal {delivery.signal_id}"[:180]
    return [
        _Document(
            "HTML",
            f"{stem} - weergave",
            f"dossier-{delivery.dossier_id}.html",
            "text/html",
            delivery.rendering_html.encode("utf-8"),
            "Leesbare weergave van het opgeplust signaal, zoals de aandachtsfunctionaris "
            "het heeft bevestigd.",
        ),
        _Document(
            "JSON",
            f"{stem} - gegevens",
            f"dossier-{delivery.dossier_id}.json",
            "application/json",
            delivery.payload_json,
            f"Gegevens van het opgeplust signaal (JSON); SHA-256 {delivery.payload_sha256}.",
        ),
    ]


def _has_code(response: httpx.Response, code: str) -> bool:
    if response.status_code != 400:
        return False
    try:
        params = response.json().get("invalidParams") or []
        return any(isinstance(p, dict) and p.get("code") == code for p in params)
    except (ValueError, AttributeError):
        return False


def _check(response: httpx.Response) -> None:
    """Non-2xx → DeliveryFailed (transient for 429 and 502/503/504, with Retry-After)."""
    try:
        raise_for_status(response, detail=problem_detail)
    except ConnectorError as exc:
        retry_after = None
        if exc.transient:
            retry_after = parse_retry_after(response.headers.get("retry-after"))
        raise DeliveryFailed(
            f"zgw: {exc}", transient=exc.transient, retry_after=retry_after
        ) from exc


def _object(body: Any, where: str) -> dict[str, Any]:
    if not isinstance(body, dict) or not isinstance(body.get("url"), str):
        raise BadResponse(f"{where}: answer without a 'url'")
    return body


def _results(body: Any, where: str) -> list[dict[str, Any]]:
    """The items of a list answer: paginated ``{results}`` or a plain array."""
    items = body.get("results") if isinstance(body, dict) else body
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise BadResponse(f"{where}: answer is not a list")
    return items


class ZgwTransport:
    """Delivers to a zaaksysteem; see the module docstring."""

    kind = "zgw"

    def __init__(self, settings: Settings, context: ConnectorContext) -> None:
        self.settings = settings
        self._jwt = ZgwJwt.from_settings(settings, context)
        self._http = httpx.AsyncClient(
            timeout=httpx.Timeout(settings.timeout_s),
            transport=context.transport,
            headers={"User-Agent": context.user_agent, "Accept": "application/json"},
            follow_redirects=False,
        )

    # -- the protocol ----------------------------------------------------------------

    async def deliver(self, delivery: Delivery) -> Receipt:
        if delivery.notice is not None:
            raise DeliveryFailed(
                "zgw: a case system takes dossiers, not notices to persons", transient=False
            )
        try:
            return await self._deliver(delivery)
        except DeliveryFailed:
            raise
        except ConnectorError as exc:
            retry_after = getattr(exc, "retry_after", None)
            raise DeliveryFailed(
                f"zgw: {exc}", transient=exc.transient, retry_after=retry_after
            ) from exc
        except Exception as exc:  # the hub must only ever see DeliveryFailed
            log.error("table.zgw.unexpected", delivery=delivery.id, error=type(exc).__name__)
            raise DeliveryFailed(f"zgw: unexpected {type(exc).__name__}", transient=False) from exc

    async def check(self) -> Health:
        probe = Probe()
        if not self._jwt.has_secret:
            return probe.failed(self._jwt.missing)
        headers = self._jwt.authorization("opplus-check", "opplus health check")
        try:
            response = await send(self._http, "GET", self.settings.zaaktype, headers=headers)
            _check(response)
            zaaktype = json_body(response)
            problem = self._zaaktype_problem(zaaktype)
            if problem:
                return probe.failed(problem)
            response = await send(
                self._http,
                "GET",
                f"{self.settings.zaken_url}/zaken",
                params={"identificatie": "OPPLUS-CHECK"},
                headers={**headers, "Accept-Crs": CRS},
            )
            _check(response)
        except DeliveryFailed as exc:
            return probe.failed(str(exc))
        except Exception as exc:  # a probe reports, it never raises
            return probe.failed(exc)
        name = zaaktype.get("identificatie") or zaaktype.get("omschrijving") or "?"
        return probe.ok(f"zaaktype {name} readable, Zaken API answered")

    async def aclose(self) -> None:
        await self._http.aclose()

    # -- one delivery ----------------------------------------------------------------

    async def _deliver(self, delivery: Delivery) -> Receipt:
        if not self._jwt.has_secret:
            raise DeliveryFailed(f"zgw: {self._jwt.missing}", transient=False)
        if hashlib.sha256(delivery.payload_json).hexdigest() != delivery.payload_sha256.lower():
            raise DeliveryFailed("zgw: payload_json does not match payload_sha256", transient=False)
        attempt = _Attempt(self, delivery)
        ident = zaak_identificatie(delivery.idempotency_key)
        zaak, zaak_sha, resumed = await attempt.zaak(ident)
        zaak_url = str(zaak["url"])
        rollen = await attempt.rollen(zaak_url) if self.settings.roltype else 0
        linked = await attempt.linked(zaak_url)
        created = 0
        documenten: dict[str, str] = {}
        for document in _documents(delivery):
            if document.titel in linked:
                documenten[document.bestandsnaam] = linked[document.titel]
                continue
            url = await attempt.document(document, document_identificatie(ident, document.suffix))
            await attempt.link(zaak_url, url, document)
            documenten[document.bestandsnaam] = url
            created += 1
        how = "found (earlier attempt)" if resumed else "created"
        return Receipt(
            reference=zaak_url,
            detail=f"zaak {ident} {how}; {len(documenten)} documents linked ({created} now)",
            response_sha256=zaak_sha,
            acknowledged=True,
            extra={
                "zaak_identificatie": ident,
                "documenten": documenten,
                "rollen_created": rollen,
                "resumed": resumed,
            },
        )

    def _zaaktype_problem(self, zaaktype: Any) -> str | None:
        if not isinstance(zaaktype, dict):
            return "zaaktype: answer is not an object"
        allowed = {str(u).rstrip("/") for u in zaaktype.get("informatieobjecttypen") or []}
        if self.settings.informatieobjecttype not in allowed:
            return "the zaaktype does not allow the configured informatieobjecttype"
        roltypen = {str(u).rstrip("/") for u in zaaktype.get("roltypen") or []}
        if self.settings.roltype and self.settings.roltype not in roltypen:
            return "the configured roltype is not a roltype of the zaaktype"
        return None


class _Attempt:
    """The requests of one attempt, all with the same token and trace."""

    def __init__(self, transport: ZgwTransport, delivery: Delivery) -> None:
        self.settings = transport.settings
        self.http = transport._http
        self.delivery = delivery
        self.auth = transport._jwt.authorization(delivery.officer.id, delivery.officer.name)
        self.today = date.today().isoformat()

    async def _send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        headers = {**self.auth, **kwargs.pop("headers", {})}
        return await send(
            self.http, method, url, trace=self.delivery.trace, headers=headers, **kwargs
        )

    async def _list(
        self, url: str, params: Mapping[str, str], where: str, **kwargs: Any
    ) -> list[dict[str, Any]]:
        """All items of a list, following ``next`` only within the same API root."""
        items: list[dict[str, Any]] = []
        next_url: str | None = url
        query: Mapping[str, str] | None = params
        for _ in range(_MAX_PAGES):
            if next_url is None:
                break
            response = await self._send("GET", next_url, params=query, **kwargs)
            _check(response)
            body = json_body(response)
            items.extend(_results(body, where))
            candidate = body.get("next") if isinstance(body, dict) else None
            same_api = isinstance(candidate, str) and candidate.startswith(url)
            next_url = candidate if same_api else None
            query = None
        return items

    # -- zaak --------------------------------------------------------------------

    async def find_zaak(self, ident: str) -> tuple[dict[str, Any], str] | None:
        url = f"{self.settings.zaken_url}/zaken"
        response = await self._send(
            "GET", url, params={"identificatie": ident}, headers={"Accept-Crs": CRS}
        )
        _check(response)
        for zaak in _results(json_body(response), "zaken"):
            if (
                zaak.get("identificatie") == ident
                and zaak.get("bronorganisatie") == self.settings.bronorganisatie
            ):
                return _object(zaak, "zaken"), hashlib.sha256(response.content).hexdigest()
        return None

    async def zaak(self, ident: str) -> tuple[dict[str, Any], str, bool]:
        """The zaak of this delivery, found or created, the hash of that answer, and
        whether an earlier attempt had created it."""
        found = await self.find_zaak(ident)
        if found is not None:
            return found[0], found[1], True
        response = await self._send(
            "POST",
            f"{self.settings.zaken_url}/zaken",
            json=self._zaak_body(ident),
            headers={"Content-Crs": CRS, "Accept-Crs": CRS},
        )
        if _has_code(response, "identificatie-niet-uniek"):
            found = await self.find_zaak(ident)
            if found is None:
                raise DeliveryFailed(
                    f"zgw: zaak {ident} exists but is not found by its identificatie",
                    transient=False,
                )
            return found[0], found[1], True
        _check(response)
        zaak = _object(json_body(response), "zaak")
        return zaak, hashlib.sha256(response.content).hexdigest(), False

    def _zaak_body(self, ident: str) -> dict[str, Any]:
        d = self.delivery
        toelichting = (
            f"Opgeplust signaal {d.signal_id} (dossier {d.dossier_id}, levering {d.id}) "
            f"voor {d.table_label}, doorgestuurd met opplus. Doel: {d.purpose.name} "
            f"({d.purpose.id}). Bevestigd door {d.officer.name}, gemeente "
            f"{d.officer.municipality}. SHA-256 van de gegevens: {d.payload_sha256}."
        )
        bron = self.settings.bronorganisatie
        return {
            "identificatie": ident,
            "bronorganisatie": bron,
            "verantwoordelijkeOrganisatie": self.settings.verantwoordelijke_organisatie or bron,
            "zaaktype": self.settings.zaaktype,
            "registratiedatum": self.today,
            "startdatum": self.today,
            "omschrijving": self.settings.omschrijving,
            "toelichting": toelichting[:1000],
            "vertrouwelijkheidaanduiding": self.settings.vertrouwelijkheidaanduiding,
        }

    # -- rollen ------------------------------------------------------------------

    async def rollen(self, zaak_url: str) -> int:
        """A rol per person and business of the payload that the zaak lacks."""
        url = f"{self.settings.zaken_url}/rollen"
        existing = {
            (r.get("betrokkeneType"), _identification(r.get("betrokkeneIdentificatie")))
            for r in await self._list(url, {"zaak": zaak_url}, "rollen")
        }
        created = 0
        for betrokkene_type, identificatie in _betrokkenen(self.delivery.payload):
            if (betrokkene_type, _identification(identificatie)) in existing:
                continue
            body = {
                "zaak": zaak_url,
                "roltype": self.settings.roltype,
                "betrokkeneType": betrokkene_type,
                "roltoelichting": "Betrokkene bij het opgeplust signaal",
                "betrokkeneIdentificatie": identificatie,
            }
            response = await self._send("POST", url, json=body)
            _check(response)
            created += 1
        return created

    # -- documents ---------------------------------------------------------------

    async def linked(self, zaak_url: str) -> dict[str, str]:
        """Titles of the documents linked to the zaak → their informatieobject URL."""
        response = await self._send(
            "GET", f"{self.settings.zaken_url}/zaakinformatieobjecten", params={"zaak": zaak_url}
        )
        _check(response)
        return {
            str(z.get("titel")): str(z.get("informatieobject"))
            for z in _results(json_body(response), "zaakinformatieobjecten")
        }

    async def document(self, document: _Document, ident: str) -> str:
        """The URL of the document: created, or found when an earlier attempt created it."""
        url = f"{self.settings.documenten_url}/enkelvoudiginformatieobjecten"
        digest = hashlib.sha256(document.content).hexdigest()
        body = {
            "identificatie": ident,
            "bronorganisatie": self.settings.bronorganisatie,
            "creatiedatum": self.today,
            "titel": document.titel,
            "auteur": (self.delivery.officer.name or "opplus")[:200],
            "taal": "dut",
            "informatieobjecttype": self.settings.informatieobjecttype,
            "inhoud": base64.b64encode(document.content).decode("ascii"),
            "bestandsnaam": document.bestandsnaam,
            "formaat": document.formaat,
            "beschrijving": document.beschrijving,
            "vertrouwelijkheidaanduiding": self.settings.vertrouwelijkheidaanduiding,
            "status": "definitief",
            "integriteit": {"algoritme": "sha_256", "waarde": digest, "datum": self.today},
        }
        response = await self._send("POST", url, json=body)
        if _has_code(response, "identificatie-niet-uniek"):
            return await self._find_document(url, ident)
        _check(response)
        return str(_object(json_body(response), "document")["url"])

    async def _find_document(self, url: str, ident: str) -> str:
        params = {"identificatie": ident, "bronorganisatie": self.settings.bronorganisatie}
        try:
            found = await self._list(url, params, "enkelvoudiginformatieobjecten")
        except DeliveryFailed as exc:
            if exc.transient:
                raise
            found = []
        for item in found:
            if item.get("identificatie") == ident and isinstance(item.get("url"), str):
                return str(item["url"])
        raise DeliveryFailed(
            f"zgw: document {ident} exists but cannot be found to link it; link it to the "
            "zaak by hand",
            transient=False,
        )

    async def link(self, zaak_url: str, document_url: str, document: _Document) -> None:
        body = {
            "zaak": zaak_url,
            "informatieobject": document_url,
            "titel": document.titel,
            "beschrijving": document.beschrijving,
        }
        response = await self._send(
            "POST", f"{self.settings.zaken_url}/zaakinformatieobjecten", json=body
        )
        if _has_code(response, "unique"):  # linked by an earlier attempt
            return
        _check(response)


def _betrokkenen(payload: Mapping[str, Any]) -> Iterator[tuple[str, dict[str, str]]]:
    """(betrokkeneType, betrokkeneIdentificatie) of each person and business sent."""
    subjects = payload.get("subjects")
    for subject in subjects if isinstance(subjects, list) else []:
        if not isinstance(subject, dict) or not isinstance(subject.get("identifiers"), dict):
            continue
        identifiers = subject["identifiers"]
        if subject.get("kind") == "person" and identifiers.get("burgerservicenummer"):
            yield "natuurlijk_persoon", {"inpBsn": str(identifiers["burgerservicenummer"])}
        elif subject.get("kind") == "business" and identifiers.get("kvkNummer"):
            yield "niet_natuurlijk_persoon", {"kvkNummer": str(identifiers["kvkNummer"])}


def _identification(value: Any) -> tuple[str, str] | None:
    if not isinstance(value, dict):
        return None
    for key in ("inpBsn", "kvkNummer"):
        if value.get(key):
            return key, str(value[key])
    return None
