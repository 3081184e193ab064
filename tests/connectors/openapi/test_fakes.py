"""Every HTTP fake, told to, refuses a request outside its registry's official OpenAPI
document, in that registry's own error format; within the document it answers as before."""

from __future__ import annotations

from typing import Any

import httpx

import connectors.bag.fake as bag
import connectors.bewoning.fake as bewoning
import connectors.brp.fake as brp
import connectors.handhaving.fake as zgw
import connectors.kvk.fake as kvk
from connectors.brp.fake import FAKE_API_KEY as BRP_KEY


def client(app: Any, base: str, root_path: str = "", **headers: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, root_path=root_path)
    return httpx.AsyncClient(transport=transport, base_url=base, headers=headers)


def logged(app: Any) -> list[tuple[str, str]]:
    return [(v.name, v.code) for _, v in app.state.contract_log.violations]


async def test_brp_refuses_with_invalid_params(official: Any) -> None:
    app = brp.create_app(openapi={"personen": official("brp-personen")})
    body = {
        "type": "RaadpleegMetBurgerservicenummer",
        "fields": ["naam"],
        "burgerservicenummer": ["999993653"],
    }
    async with client(app, f"http://f{brp.MOUNT}", brp.MOUNT, **{"X-API-KEY": BRP_KEY}) as c:
        assert (await c.post("/personen", json=body)).status_code == 200
        refused = await c.post("/personen", json={**body, "gemeenteVanInschrijving": "12"})
        wrong_media = await c.post(
            "/personen", content=b"{}", headers={"content-type": "text/plain"}
        )
    assert refused.status_code == 400
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["code"] == "paramsValidation"
    assert refused.json()["invalidParams"] == [
        {
            "name": "gemeenteVanInschrijving",
            "code": "pattern",
            "reason": "Waarde voldoet niet aan patroon ^[0-9]{4}$.",
        }
    ]
    assert wrong_media.status_code == 415
    assert ("gemeenteVanInschrijving", "pattern") in logged(app)
    assert app.state.contract_log.checked == 3


async def test_bewoning_refuses_with_invalid_params(official: Any) -> None:
    app = bewoning.create_app(openapi={"bewoning": official("brp-bewoning")})
    body = {
        "type": "BewoningMetPeildatum",
        "adresseerbaarObjectIdentificatie": "0599010000208579",
        "peildatum": "2024-01-01",
    }
    base = f"http://f{bewoning.MOUNT}"
    headers = {"X-API-KEY": bewoning.FAKE_API_KEY}
    async with client(app, base, bewoning.MOUNT, **headers) as c:
        assert (await c.post("/bewoningen", json=body)).status_code == 200
        short = {**body, "adresseerbaarObjectIdentificatie": "123"}
        refused = await c.post("/bewoningen", json=short)
    assert refused.status_code == 400
    assert refused.headers["content-type"] == "application/problem+json"
    assert [p["name"] for p in refused.json()["invalidParams"]] == [
        "adresseerbaarObjectIdentificatie"
    ]
    assert logged(app) == [("adresseerbaarObjectIdentificatie", "pattern")]


async def test_bag_refuses_unknown_and_wrong_parameters(official: Any) -> None:
    app = bag.create_app(openapi={"individuelebevragingen": official("bag-v2")})
    headers = {"X-Api-Key": bag.FAKE_API_KEY}
    async with client(app, f"http://f{bag.MOUNT}", bag.MOUNT, **headers) as c:
        ok = await c.get("/adressen", params={"postcode": "1621JH", "huisnummer": "88"})
        refused = await c.get("/adressen", params={"postcode": "1621JH", "huisnummer": "nul"})
    assert ok.status_code == 200
    assert refused.status_code == 400
    assert [(p["name"], p["code"]) for p in refused.json()["invalid-params"]] == [
        ("huisnummer", "type")
    ]
    assert logged(app) == [("huisnummer", "type")]


async def test_kvk_refuses_in_its_fout_format(official: Any) -> None:
    documents = {api: official(f"kvk-{api}") for api in kvk.OPENAPI_SERVED}
    app = kvk.create_app(openapi=documents)
    async with client(app, f"http://f{kvk.MOUNT}", apikey=kvk.FAKE_API_KEY) as c:
        search = [("postcode", "1621JH"), ("huisnummer", "88")]
        types = [("type", "hoofdvestiging"), ("type", "nevenvestiging")]
        ok = await c.get("/v2/zoeken", params=search + types)
        joined = await c.get("/v2/zoeken", params={"type": "hoofdvestiging,nevenvestiging"})
        short = await c.get("/v1/basisprofielen/123")
        profile = await c.get("/v1/vestigingsprofielen/000037178598", params={"geoData": "ja"})
    assert ok.status_code == 200
    assert joined.status_code == 400
    assert joined.json() == {
        "fout": [
            {
                "code": "IPD1999",
                "omschrijving": "De volgende opgegeven parameter(s) is(zijn) ongeldig: type",
            }
        ]
    }
    assert short.json()["fout"][0]["code"] == "IPD1999"
    assert profile.status_code == 400  # geoData is a boolean in the document


async def test_zgw_refuses_unknown_parameters_and_invalid_bodies(
    official: Any, zgw_auth: dict[str, str]
) -> None:
    documents = {"zaken": official("zaken"), "documenten": official("documenten")}
    app = zgw.create_app(openapi=documents, rol_kvk_filter=False)
    read = {**zgw_auth, "Accept-Crs": "EPSG:4326"}
    kvk_filter = "rol__betrokkeneIdentificatie__nietNatuurlijkPersoon__kvkNummer"
    async with client(app, "http://fake", **read) as c:
        # Content-Crs on a GET: the Zaken 1.5.1 document's known quirk, not required
        assert (await c.get("/zaken/api/v1/zaken")).status_code == 200
        unknown = await c.get("/zaken/api/v1/zaken", params={kvk_filter: "69599084"})
        no_crs = await c.get("/zaken/api/v1/zaken", headers={"Accept-Crs": ""})
        document = await c.post(
            "/documenten/api/v1/enkelvoudiginformatieobjecten", json={"titel": "x"}
        )
        catalogi = await c.get("/catalogi/api/v1/zaaktypen")  # no document: unchecked
    assert unknown.status_code == 400
    assert unknown.json()["invalidParams"] == [
        {
            "name": "nonFieldErrors",
            "code": "unknown-parameters",
            "reason": f"Onbekende query parameters: {kvk_filter}",
        }
    ]
    assert no_crs.status_code == 400  # present but empty: not the one CRS the API knows
    assert document.status_code == 400
    names = {p["name"] for p in document.json()["invalidParams"]}
    assert {"bronorganisatie", "creatiedatum", "auteur", "taal"} <= names
    assert catalogi.status_code == 200
    assert (kvk_filter, "unknownParam") in logged(app)


async def test_zgw_as_open_zaak_allows_its_kvk_filter(
    official: Any, zgw_auth: dict[str, str]
) -> None:
    app = zgw.create_app(openapi={"zaken": official("zaken")}, rol_kvk_filter=True)
    headers = zgw_auth
    kvk_filter = "rol__betrokkeneIdentificatie__nietNatuurlijkPersoon__kvkNummer"
    async with client(app, "http://fake", **headers) as c:
        found = await c.get(
            "/zaken/api/v1/zaken",
            params={kvk_filter: "69599084"},
            headers={"Accept-Crs": "EPSG:4326"},
        )
        missing = await c.get("/zaken/api/v1/zaken")
    assert found.status_code == 200
    assert missing.status_code == 412  # Accept-Crs is required, as Open Zaak says
    assert missing.json()["code"] == "precondition_failed"
