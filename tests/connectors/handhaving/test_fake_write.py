"""The write side of the fake: create a zaak, a rol, a document, and link them."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest

from connectors.handhaving.fake.data import (
    INFORMATIEOBJECTTYPE_SIGNAALDOSSIER,
    ROLTYPE_BELANGHEBBENDE_WONEN,
    RSIN_HOORN,
    ZAAKTYPE_HANDHAVING_WONEN,
    ZAAKTYPE_PARKEERVERGUNNING,
    roltype_uuid,
)

CATALOGI = "http://fake/catalogi/api/v1"
ZAAKTYPE = f"{CATALOGI}/zaaktypen/{ZAAKTYPE_HANDHAVING_WONEN}"
IOTYPE = f"{CATALOGI}/informatieobjecttypen/{INFORMATIEOBJECTTYPE_SIGNAALDOSSIER}"
DOCS = "/documenten/api/v1/enkelvoudiginformatieobjecten"


def _zaak_body(**overrides: Any) -> dict[str, Any]:
    body = {
        "bronorganisatie": RSIN_HOORN,
        "verantwoordelijkeOrganisatie": RSIN_HOORN,
        "zaaktype": ZAAKTYPE,
        "startdatum": "2026-11-28",
        "omschrijving": "Signaal mensenhandel Kleine Noord 88 (opplus)",
    }
    body.update(overrides)
    return body


def _document_body(**overrides: Any) -> dict[str, Any]:
    body = {
        "bronorganisatie": RSIN_HOORN,
        "creatiedatum": "2026-11-28",
        "titel": "Verrijkt signaal s-1",
        "auteur": "opplus",
        "taal": "dut",
        "informatieobjecttype": IOTYPE,
        "inhoud": base64.b64encode(b"%PDF-1.7 dossier").decode(),
        "bestandsnaam": "signaal-s-1.pdf",
        "formaat": "application/pdf",
        "vertrouwelijkheidaanduiding": "vertrouwelijk",
    }
    body.update(overrides)
    return body


def _write(zgw: Any) -> dict[str, str]:
    return {**zgw.auth(), "Content-Crs": "EPSG:4326", "Accept-Crs": "EPSG:4326"}


def _invalid(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    return {p["name"]: p["code"] for p in response.json()["invalidParams"]}


async def test_deliver_zaak_document_and_link(fake: httpx.AsyncClient, app: Any, zgw: Any) -> None:
    r = await fake.post("/zaken/api/v1/zaken", json=_zaak_body(), headers=_write(zgw))
    assert r.status_code == 201, r.text
    zaak = r.json()
    assert r.headers["location"] == zaak["url"]
    assert r.headers["content-crs"] == "EPSG:4326"
    assert zaak["url"] == f"http://fake/zaken/api/v1/zaken/{zaak['uuid']}"
    assert zaak["identificatie"].startswith("ZAAK-")
    assert zaak["vertrouwelijkheidaanduiding"] == "vertrouwelijk"  # from the zaaktype
    assert (zaak["status"], zaak["einddatum"]) == (None, None)

    r = await fake.post(DOCS, json=_document_body(), headers=zgw.auth())
    assert r.status_code == 201, r.text
    document = r.json()
    assert document["identificatie"].startswith("DOCUMENT-")
    assert (document["taal"], document["versie"], document["bestandsomvang"]) == ("dut", 1, 16)
    assert document["informatieobjecttype"] == IOTYPE
    assert document["inhoud"] == f"{document['url']}/download?versie=1"

    r = await fake.post(
        "/zaken/api/v1/zaakinformatieobjecten",
        json={"zaak": zaak["url"], "informatieobject": document["url"]},
        headers=zgw.auth(),
    )
    assert r.status_code == 201, r.text
    link = r.json()
    assert (link["zaak"], link["informatieobject"]) == (zaak["url"], document["url"])
    assert link["aardRelatieWeergave"] == "Hoort bij, omgekeerd: kent"

    again = await fake.get(zaak["url"], headers=zgw.read())
    assert again.json()["zaakinformatieobjecten"] == [link["url"]]
    read_back = await fake.get(document["url"], headers=zgw.auth())
    assert read_back.json()["titel"] == "Verrijkt signaal s-1"
    content = await fake.get(document["inhoud"], headers=zgw.auth())
    assert content.content == b"%PDF-1.7 dossier"
    listed = await fake.get(
        "/zaken/api/v1/zaakinformatieobjecten", params={"zaak": zaak["url"]}, headers=zgw.auth()
    )
    assert [z["url"] for z in listed.json()] == [link["url"]]
    assert app.state.world.documenten[document["url"].rsplit("/", 1)[-1]]["bestandsnaam"] == (
        "signaal-s-1.pdf"
    )

    duplicate = await fake.post(
        "/zaken/api/v1/zaakinformatieobjecten",
        json={"zaak": zaak["url"], "informatieobject": document["url"]},
        headers=zgw.auth(),
    )
    assert _invalid(duplicate) == {"nonFieldErrors": "unique"}


async def test_created_zaak_is_found_through_its_rol(fake: httpx.AsyncClient, zgw: Any) -> None:
    zaak = (await fake.post("/zaken/api/v1/zaken", json=_zaak_body(), headers=_write(zgw))).json()
    r = await fake.post(
        "/zaken/api/v1/rollen",
        json={
            "zaak": zaak["url"],
            "betrokkeneType": "natuurlijk_persoon",
            "roltype": f"{CATALOGI}/roltypen/{ROLTYPE_BELANGHEBBENDE_WONEN}",
            "roltoelichting": "betrokkene bij het signaal",
            "betrokkeneIdentificatie": {"inpBsn": "999970057"},
        },
        headers=zgw.auth(),
    )
    assert r.status_code == 201, r.text
    assert r.json()["omschrijvingGeneriek"] == "belanghebbende"
    found = await fake.get(
        "/zaken/api/v1/zaken",
        params={"rol__betrokkeneIdentificatie__natuurlijkPersoon__inpBsn": "999970057"},
        headers=zgw.read(),
    )
    assert [z["url"] for z in found.json()["results"]] == [zaak["url"]]


async def test_create_zaak_needs_content_crs(fake: httpx.AsyncClient, zgw: Any) -> None:
    r = await fake.post("/zaken/api/v1/zaken", json=_zaak_body(), headers=zgw.auth())
    assert r.status_code == 412
    assert "Content-Crs" in r.json()["detail"]
    other = await fake.post(
        "/zaken/api/v1/zaken",
        json=_zaak_body(),
        headers={**zgw.auth(), "Content-Crs": "EPSG:28992"},
    )
    assert other.status_code == 415


async def test_create_zaak_validates_required_fields(fake: httpx.AsyncClient, zgw: Any) -> None:
    r = await fake.post("/zaken/api/v1/zaken", json={}, headers=_write(zgw))
    assert _invalid(r) == {
        "bronorganisatie": "required",
        "verantwoordelijkeOrganisatie": "required",
        "zaaktype": "required",
        "startdatum": "required",
    }


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"bronorganisatie": "12345"}, {"bronorganisatie": "invalid-length"}),
        ({"bronorganisatie": "00140511x"}, {"bronorganisatie": "only-digits"}),
        ({"bronorganisatie": "001405112"}, {"bronorganisatie": "invalid"}),
        ({"zaaktype": "zaaktype-1"}, {"zaaktype": "invalid"}),
        (
            {"zaaktype": f"{CATALOGI}/zaaktypen/00000000-0000-4000-8000-000000000000"},
            {"zaaktype": "bad-url"},
        ),
        ({"startdatum": "28-11-2026"}, {"startdatum": "invalid"}),
        ({"omschrijving": "x" * 81}, {"omschrijving": "max_length"}),
        (
            {"vertrouwelijkheidaanduiding": "heel_geheim"},
            {"vertrouwelijkheidaanduiding": "invalid_choice"},
        ),
        ({"identificatie": "HH-2026-000142"}, {"identificatie": "identificatie-niet-uniek"}),
    ],
)
async def test_create_zaak_rejects_bad_values(
    fake: httpx.AsyncClient, zgw: Any, overrides: dict[str, Any], expected: dict[str, str]
) -> None:
    r = await fake.post("/zaken/api/v1/zaken", json=_zaak_body(**overrides), headers=_write(zgw))
    assert _invalid(r) == expected


async def test_create_zaak_rejects_non_json(fake: httpx.AsyncClient, zgw: Any) -> None:
    r = await fake.post(
        "/zaken/api/v1/zaken",
        content=b"<zaak/>",
        headers={**_write(zgw), "Content-Type": "application/xml"},
    )
    assert r.status_code == 415
    broken = await fake.post(
        "/zaken/api/v1/zaken",
        content=b"{",
        headers={**_write(zgw), "Content-Type": "application/json"},
    )
    assert broken.status_code == 400
    assert broken.json()["code"] == "parse_error"


async def test_rol_must_fit_the_zaaktype(fake: httpx.AsyncClient, zgw: Any) -> None:
    zaak = (await fake.post("/zaken/api/v1/zaken", json=_zaak_body(), headers=_write(zgw))).json()
    foreign = roltype_uuid(ZAAKTYPE_PARKEERVERGUNNING, "Belanghebbende")
    r = await fake.post(
        "/zaken/api/v1/rollen",
        json={
            "zaak": zaak["url"],
            "betrokkeneType": "natuurlijk_persoon",
            "roltype": f"{CATALOGI}/roltypen/{foreign}",
            "roltoelichting": "x",
            "betrokkeneIdentificatie": {"inpBsn": "123456789"},
        },
        headers=zgw.auth(),
    )
    assert _invalid(r) == {
        "betrokkeneIdentificatie.inpBsn": "invalid",
        "nonFieldErrors": "zaaktype-mismatch",
    }


async def test_rol_needs_a_betrokkene(fake: httpx.AsyncClient, zgw: Any) -> None:
    r = await fake.post(
        "/zaken/api/v1/rollen", json={"betrokkeneType": "iemand"}, headers=zgw.auth()
    )
    assert _invalid(r) == {
        "zaak": "required",
        "roltype": "required",
        "betrokkeneType": "invalid_choice",
        "roltoelichting": "required",
        "nonFieldErrors": "invalid-betrokkene",
    }


async def test_document_validation(fake: httpx.AsyncClient, zgw: Any) -> None:
    r = await fake.post(DOCS, json={"taal": "nl", "inhoud": "***"}, headers=zgw.auth())
    assert _invalid(r) == {
        "bronorganisatie": "required",
        "creatiedatum": "required",
        "titel": "required",
        "auteur": "required",
        "taal": "min_length",
        "informatieobjecttype": "required",
        "inhoud": "invalid",
    }


async def test_link_needs_existing_objects(fake: httpx.AsyncClient, zgw: Any) -> None:
    missing = "00000000-0000-4000-8000-000000000000"
    r = await fake.post(
        "/zaken/api/v1/zaakinformatieobjecten",
        json={
            "zaak": f"http://fake/zaken/api/v1/zaken/{missing}",
            "informatieobject": f"http://fake{DOCS}/{missing}",
        },
        headers=zgw.auth(),
    )
    assert _invalid(r) == {"zaak": "bad-url", "informatieobject": "bad-url"}


async def test_unknown_document_is_404(fake: httpx.AsyncClient, zgw: Any) -> None:
    r = await fake.get(f"{DOCS}/00000000-0000-4000-8000-000000000000", headers=zgw.auth())
    assert r.status_code == 404
    assert r.headers["content-type"] == "application/problem+json"
