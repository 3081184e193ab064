"""The write side of the fake zaaksysteem: what delivering a dossier to a case system uses.

Zaken API: ``POST /zaken`` (needs ``Content-Crs``), ``POST /rollen``,
``POST /zaakinformatieobjecten``; Documenten API: ``POST /enkelvoudiginformatieobjecten``,
``GET /enkelvoudiginformatieobjecten/{uuid}`` and its ``/download``. Bodies are
validated as the standard says (required fields, RSIN 11-check, URLs that must
resolve to resources of this fake, enums, lengths) and rejected with 400
problem+json ``invalidParams``. Written objects stay in the app's :class:`~.data.World`.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from plugins import is_ascii_digits, is_valid_bsn

from ._base import (
    API_VERSIONS,
    CRS,
    PREFIX,
    Problem,
    Renderer,
    check_crs,
    invalid_many,
    is_url,
    resolve,
)
from .data import Record, World

__all__ = ["write_routers"]

VERTROUWELIJKHEID = (
    "openbaar",
    "beperkt_openbaar",
    "intern",
    "zaakvertrouwelijk",
    "vertrouwelijk",
    "confidentieel",
    "geheim",
    "zeer_geheim",
)
_DOCUMENT_STATUS = ("in_bewerking", "ter_vaststelling", "definitief", "gearchiveerd")
_BETROKKENE_TYPES = (
    "natuurlijk_persoon",
    "niet_natuurlijk_persoon",
    "vestiging",
    "organisatorische_eenheid",
    "medewerker",
)


class _Validator:
    """Collects ``invalidParams`` for one body, then raises them all at once."""

    def __init__(self, body: dict[str, Any]) -> None:
        self.body = body
        self.errors: list[dict[str, str]] = []

    def error(self, name: str, code: str, reason: str) -> None:
        self.errors.append({"name": name, "code": code, "reason": reason})

    def present(self, name: str, required: bool) -> bool:
        value = self.body.get(name)
        if value is None or value == "":
            if required:
                self.error(name, "required", "Dit veld is vereist.")
            return False
        return True

    def text(self, name: str, max_length: int, *, required: bool = False) -> str | None:
        if not self.present(name, required):
            return None
        value = self.body[name]
        if not isinstance(value, str):
            self.error(name, "invalid", "Geen geldige string.")
            return None
        if len(value) > max_length:
            self.error(
                name,
                "max_length",
                f"Zorg ervoor dat dit veld niet meer dan {max_length} karakters bevat.",
            )
            return None
        return value

    def choice(self, name: str, choices: tuple[str, ...], *, required: bool = False) -> str | None:
        if not self.present(name, required):
            return None
        value = self.body[name]
        if value not in choices:
            self.error(name, "invalid_choice", f"{value!r} is een ongeldige keuze.")
            return None
        return str(value)

    def day(self, name: str, *, required: bool = False) -> str | None:
        if not self.present(name, required):
            return None
        value = self.body[name]
        try:
            return date.fromisoformat(value).isoformat()
        except (TypeError, ValueError):
            self.error(name, "invalid", "Datum heeft het verkeerde formaat, gebruik YYYY-MM-DD.")
            return None

    def rsin(self, name: str, *, required: bool = True) -> str | None:
        if not self.present(name, required):
            return None
        value = self.body[name]
        if not isinstance(value, str) or len(value) != 9:
            self.error(name, "invalid-length", "Waarde moet 9 tekens lang zijn")
        elif not is_ascii_digits(value):
            self.error(name, "only-digits", "Voer een numerieke waarde in")
        elif not is_valid_bsn(value):
            self.error(name, "invalid", "Onjuist RSIN")
        else:
            return value
        return None

    def ref(
        self, name: str, resource: str, store: dict[str, Record], *, required: bool = True
    ) -> str | None:
        """The uuid behind URL field ``name``, which must point to one of ``store``."""
        if not self.present(name, required):
            return None
        value = self.body[name]
        if not is_url(value):
            self.error(name, "invalid", "Voer een geldige URL in.")
            return None
        key = resolve(value, resource)
        if key is None or key not in store:
            self.error(name, "bad-url", f"De URL {value} resolvet niet naar een geldige resource.")
            return None
        return key

    def done(self) -> None:
        if self.errors:
            raise invalid_many(self.errors)


async def _json_body(request: Request) -> dict[str, Any]:
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/json":
        raise Problem(
            415, "unsupported_media_type", f'Ongeldig media type "{media_type}" in aanvraag.'
        )
    try:
        body = await request.json()
    except ValueError:
        raise Problem(400, "parse_error", "JSON parse error") from None
    if not isinstance(body, dict):
        raise invalid_many(
            [{"name": "nonFieldErrors", "code": "invalid", "reason": "Verwacht een object."}]
        )
    return body


def _content_crs(request: Request) -> None:
    check_crs(request, "Content-Crs", 415, "unsupported_media_type")


def _now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


def _next_identificatie(prefix: str, existing: list[str]) -> str:
    year = date.today().year
    stem = f"{prefix}-{year}-"
    tails = [i[len(stem) :] for i in existing if i.startswith(stem)]
    numbers = [int(t) for t in tails if is_ascii_digits(t)]
    return f"{stem}{max(numbers, default=0) + 1:010d}"


def _created(body: Record, api: str, **headers: str) -> JSONResponse:
    return JSONResponse(
        body,
        status_code=201,
        headers={"Location": str(body["url"]), "API-version": API_VERSIONS[api], **headers},
    )


def _zaken_write(world: World) -> APIRouter:
    router = APIRouter(prefix=f"/{PREFIX['zaken']}")

    @router.post("/zaken")
    async def zaak_create(request: Request) -> Response:
        _content_crs(request)
        body = await _json_body(request)
        v = _Validator(body)
        bron = v.rsin("bronorganisatie")
        v.rsin("verantwoordelijkeOrganisatie")
        zaaktype = v.ref("zaaktype", "zaaktypen", world.zaaktypen)
        startdatum = v.day("startdatum", required=True)
        registratiedatum = v.day("registratiedatum")
        v.day("einddatumGepland")
        v.day("uiterlijkeEinddatumAfdoening")
        v.text("omschrijving", 80)
        v.text("toelichting", 1000)
        v.choice("vertrouwelijkheidaanduiding", VERTROUWELIJKHEID)
        identificatie = v.text("identificatie", 40)
        if identificatie and any(
            z["identificatie"] == identificatie and z["bronorganisatie"] == bron
            for z in world.zaken.values()
        ):
            v.error("identificatie", "identificatie-niet-uniek", "Deze identificatie bestaat al.")
        geometrie = body.get("zaakgeometrie")
        if geometrie is not None and not (
            isinstance(geometrie, dict) and "type" in geometrie and "coordinates" in geometrie
        ):
            v.error("zaakgeometrie", "invalid", "Geen geldige GeoJSON-geometrie.")
        v.done()
        assert zaaktype is not None and startdatum is not None and bron is not None
        key = str(uuid.uuid4())
        world.zaken[key] = {
            "identificatie": identificatie
            or _next_identificatie("ZAAK", [z["identificatie"] for z in world.zaken.values()]),
            "bronorganisatie": bron,
            "omschrijving": body.get("omschrijving") or "",
            "toelichting": body.get("toelichting") or "",
            "zaaktype": zaaktype,
            "registratiedatum": registratiedatum or date.today().isoformat(),
            "verantwoordelijkeOrganisatie": body["verantwoordelijkeOrganisatie"],
            "startdatum": startdatum,
            "einddatum": None,
            "einddatumGepland": body.get("einddatumGepland"),
            "uiterlijkeEinddatumAfdoening": body.get("uiterlijkeEinddatumAfdoening"),
            "vertrouwelijkheidaanduiding": body.get("vertrouwelijkheidaanduiding")
            or world.zaaktypen[zaaktype]["vertrouwelijkheidaanduiding"],
            "zaakgeometrie": geometrie,
            "status": None,
            "resultaat": None,
        }
        return _created(Renderer(request, world).zaak(key), "zaken", **{"Content-Crs": CRS})

    @router.post("/rollen")
    async def rol_create(request: Request) -> Response:
        body = await _json_body(request)
        v = _Validator(body)
        zaak = v.ref("zaak", "zaken", world.zaken)
        roltype = v.ref("roltype", "roltypen", world.roltypen)
        betrokkene_type = v.choice("betrokkeneType", _BETROKKENE_TYPES, required=True)
        v.text("roltoelichting", 1000, required=True)
        betrokkene = body.get("betrokkene") or ""
        identificatie = body.get("betrokkeneIdentificatie")
        if betrokkene and not is_url(betrokkene):
            v.error("betrokkene", "invalid", "Voer een geldige URL in.")
        if identificatie is not None and not isinstance(identificatie, dict):
            v.error("betrokkeneIdentificatie", "invalid", "Verwacht een object.")
        elif not betrokkene and not identificatie:
            v.error(
                "nonFieldErrors",
                "invalid-betrokkene",
                "`betrokkene` of `betrokkeneIdentificatie` moet opgegeven worden.",
            )
        elif identificatie and betrokkene_type == "natuurlijk_persoon":
            bsn = identificatie.get("inpBsn")
            if bsn not in (None, "") and not (isinstance(bsn, str) and is_valid_bsn(bsn)):
                v.error("betrokkeneIdentificatie.inpBsn", "invalid", "Onjuist BSN")
        zaaktype = world.zaken[zaak]["zaaktype"] if zaak else None
        if roltype and zaaktype and world.roltypen[roltype]["zaaktype"] != zaaktype:
            v.error(
                "nonFieldErrors",
                "zaaktype-mismatch",
                "Het roltype hoort niet bij het zaaktype van de zaak.",
            )
        v.done()
        assert zaak is not None and roltype is not None and betrokkene_type is not None
        key = str(uuid.uuid4())
        world.rollen[key] = {
            "zaak": zaak,
            "betrokkene": betrokkene,
            "betrokkeneType": betrokkene_type,
            "roltype": roltype,
            "roltoelichting": body["roltoelichting"],
            "registratiedatum": _now(),
            "indicatieMachtiging": body.get("indicatieMachtiging") or "",
            "betrokkeneIdentificatie": identificatie or {},
        }
        return _created(Renderer(request, world).rol(key), "zaken")

    @router.post("/zaakinformatieobjecten")
    async def zio_create(request: Request) -> Response:
        body = await _json_body(request)
        v = _Validator(body)
        zaak = v.ref("zaak", "zaken", world.zaken)
        document = v.ref("informatieobject", "enkelvoudiginformatieobjecten", world.documenten)
        v.text("titel", 200)
        v.text("beschrijving", 1000)
        if zaak and document:
            if any(
                z["zaak"] == zaak and z["informatieobject"] == document
                for z in world.zaakinformatieobjecten.values()
            ):
                v.error(
                    "nonFieldErrors",
                    "unique",
                    "De velden zaak, informatieobject moeten een unieke set zijn.",
                )
            iotype = world.documenten[document]["informatieobjecttype"]
            zaaktype = world.zaaktypen[world.zaken[zaak]["zaaktype"]]
            if iotype not in zaaktype["informatieobjecttypen"]:
                v.error(
                    "nonFieldErrors",
                    "missing-zaaktype-informatieobjecttype-relation",
                    "Het informatieobjecttype hoort niet bij het zaaktype van de zaak.",
                )
        v.done()
        assert zaak is not None and document is not None
        key = str(uuid.uuid4())
        world.zaakinformatieobjecten[key] = {
            "zaak": zaak,
            "informatieobject": document,
            "titel": body.get("titel") or "",
            "beschrijving": body.get("beschrijving") or "",
            "registratiedatum": _now(),
        }
        return _created(Renderer(request, world).zaakinformatieobject(key), "zaken")

    return router


def _documenten(world: World) -> APIRouter:
    router = APIRouter(prefix=f"/{PREFIX['documenten']}")

    def get(key: str) -> Record:
        document = world.documenten.get(key)
        if document is None:
            raise Problem(404, "not_found", "Niet gevonden.")
        return document

    @router.post("/enkelvoudiginformatieobjecten")
    async def document_create(request: Request) -> Response:
        body = await _json_body(request)
        v = _Validator(body)
        bron = v.rsin("bronorganisatie")
        v.day("creatiedatum", required=True)
        v.text("titel", 200, required=True)
        v.text("auteur", 200, required=True)
        taal = v.text("taal", 3, required=True)
        if taal is not None and len(taal) != 3:
            v.error("taal", "min_length", "Zorg ervoor dat dit veld minimaal 3 karakters bevat.")
        iotype = v.ref("informatieobjecttype", "informatieobjecttypen", world.informatieobjecttypen)
        v.text("bestandsnaam", 255)
        v.text("formaat", 255)
        v.text("beschrijving", 1000)
        v.choice("vertrouwelijkheidaanduiding", VERTROUWELIJKHEID)
        v.choice("status", _DOCUMENT_STATUS)
        identificatie = v.text("identificatie", 40)
        if identificatie and any(
            d["identificatie"] == identificatie and d["bronorganisatie"] == bron
            for d in world.documenten.values()
        ):
            v.error("identificatie", "identificatie-niet-uniek", "Deze identificatie bestaat al.")
        content = b""
        inhoud = body.get("inhoud")
        if inhoud not in (None, ""):
            try:
                content = base64.b64decode(str(inhoud), validate=True)
            except (binascii.Error, ValueError):
                v.error("inhoud", "invalid", "Het bestand is geen geldige base64-tekst.")
        v.done()
        assert iotype is not None
        key = str(uuid.uuid4())
        world.documenten[key] = {
            "identificatie": identificatie
            or _next_identificatie(
                "DOCUMENT", [d["identificatie"] for d in world.documenten.values()]
            ),
            "bronorganisatie": bron,
            "creatiedatum": body["creatiedatum"],
            "titel": body["titel"],
            "vertrouwelijkheidaanduiding": body.get("vertrouwelijkheidaanduiding")
            or world.informatieobjecttypen[iotype]["vertrouwelijkheidaanduiding"],
            "auteur": body["auteur"],
            "status": body.get("status") or "",
            "formaat": body.get("formaat") or "",
            "taal": taal,
            "versie": 1,
            "beginRegistratie": _now(),
            "bestandsnaam": body.get("bestandsnaam") or "",
            "inhoud": content,
            "bestandsomvang": len(content),
            "link": body.get("link") or "",
            "beschrijving": body.get("beschrijving") or "",
            "ontvangstdatum": body.get("ontvangstdatum"),
            "verzenddatum": body.get("verzenddatum"),
            "indicatieGebruiksrecht": body.get("indicatieGebruiksrecht"),
            "ondertekening": {"soort": "", "datum": None},
            "integriteit": {"algoritme": "", "waarde": "", "datum": None},
            "informatieobjecttype": iotype,
        }
        return _created(Renderer(request, world).document(key), "documenten")

    @router.get("/enkelvoudiginformatieobjecten/{key}")
    async def document_retrieve(request: Request, key: str) -> Response:
        get(key)
        return JSONResponse(Renderer(request, world).document(key))

    @router.get("/enkelvoudiginformatieobjecten/{key}/download")
    async def document_download(key: str) -> Response:
        document = get(key)
        return Response(document["inhoud"], media_type="application/octet-stream")

    return router


def write_routers(world: World) -> list[APIRouter]:
    """The routers of the write side, sharing ``world`` with the read side."""
    factories: list[Callable[[World], APIRouter]] = [_zaken_write, _documenten]
    return [make(world) for make in factories]
