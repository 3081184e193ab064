"""The fake zaaksysteem against the ZGW contract: auth, CRS headers, paging, filters, errors."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from connectors.handhaving.fake import create_app
from connectors.handhaving.fake.data import (
    ZAAKTYPE_HANDHAVING_OPIUMWET,
    ZAAKTYPE_HANDHAVING_WONEN,
    ZAAKTYPE_PARKEERVERGUNNING,
)

ZAKEN = "/zaken/api/v1/zaken"
BSN = "rol__betrokkeneIdentificatie__natuurlijkPersoon__inpBsn"
KVK = "rol__betrokkeneIdentificatie__nietNatuurlijkPersoon__kvkNummer"
VESTIGING = "rol__betrokkeneIdentificatie__vestiging__vestigingsNummer"


def _problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["code"] == code
    assert {"type", "title", "detail", "instance"} <= body.keys()
    return body


def _idents(body: dict[str, Any]) -> list[str]:
    return [z["identificatie"] for z in body["results"]]


# --- authentication -------------------------------------------------------------------


async def test_missing_token_is_403(fake: httpx.AsyncClient) -> None:
    r = await fake.get(ZAKEN, headers={"Accept-Crs": "EPSG:4326"})
    _problem(r, 403, "not_authenticated")


@pytest.mark.parametrize(
    ("overrides", "detail"),
    [
        ({"secret": "not-the-secret"}, "ongeldig"),
        ({"client_id": "someone-else"}, "client_id"),
        ({"issued_at": int(time.time()) - 7200}, "verlopen"),
        ({"issued_at": int(time.time()) + 3600}, "verlopen"),
    ],
)
async def test_bad_token_is_403(
    fake: httpx.AsyncClient, zgw: Any, overrides: dict[str, Any], detail: str
) -> None:
    headers = {**zgw.auth(**overrides), "Accept-Crs": "EPSG:4326"}
    body = _problem(await fake.get(ZAKEN, headers=headers), 403, "permission_denied")
    assert detail in body["detail"]


async def test_not_bearer_is_403(fake: httpx.AsyncClient) -> None:
    r = await fake.get(
        ZAKEN, headers={"Authorization": "Basic b3BwbHVzOng=", "Accept-Crs": "EPSG:4326"}
    )
    _problem(r, 403, "permission_denied")


async def test_catalogi_and_documenten_need_a_token_too(fake: httpx.AsyncClient) -> None:
    _problem(await fake.get("/catalogi/api/v1/zaaktypen"), 403, "not_authenticated")
    _problem(
        await fake.post("/documenten/api/v1/enkelvoudiginformatieobjecten", json={}),
        403,
        "not_authenticated",
    )


async def test_claims_are_recorded_for_the_audit_trail(
    fake: httpx.AsyncClient, app: Any, zgw: Any
) -> None:
    headers = {**zgw.auth(user_id="o-42", user_representation="Ann"), "Accept-Crs": "EPSG:4326"}
    assert (await fake.get(ZAKEN, headers=headers)).status_code == 200
    claims = app.state.received_claims[-1]
    assert (claims["user_id"], claims["user_representation"], claims["iss"]) == (
        "o-42",
        "Ann",
        "opplus",
    )


# --- CRS headers ----------------------------------------------------------------------


async def test_zaken_without_accept_crs_is_412(fake: httpx.AsyncClient, zgw: Any) -> None:
    body = _problem(await fake.get(ZAKEN, headers=zgw.auth()), 412, "precondition_failed")
    assert "Accept-Crs" in body["detail"]


async def test_zaak_retrieve_and_zoek_need_accept_crs(fake: httpx.AsyncClient, zgw: Any) -> None:
    listed = (await fake.get(ZAKEN, headers=zgw.read())).json()["results"][0]
    _problem(await fake.get(listed["url"], headers=zgw.auth()), 412, "precondition_failed")
    _problem(
        await fake.post(f"{ZAKEN}/_zoek", json={}, headers=zgw.auth()), 412, "precondition_failed"
    )


async def test_other_crs_is_406(fake: httpx.AsyncClient, zgw: Any) -> None:
    headers = {**zgw.auth(), "Accept-Crs": "EPSG:28992"}
    _problem(await fake.get(ZAKEN, headers=headers), 406, "not_acceptable")


async def test_zaken_answers_carry_content_crs(fake: httpx.AsyncClient, zgw: Any) -> None:
    r = await fake.get(ZAKEN, headers=zgw.read())
    assert r.status_code == 200
    assert r.headers["content-crs"] == "EPSG:4326"
    assert r.headers["api-version"] == "1.5.1"


async def test_catalogi_do_not_need_accept_crs(fake: httpx.AsyncClient, zgw: Any) -> None:
    r = await fake.get(
        f"/catalogi/api/v1/zaaktypen/{ZAAKTYPE_HANDHAVING_WONEN}", headers=zgw.auth()
    )
    assert r.status_code == 200
    assert r.json()["omschrijving"] == "Handhaving wonen"


# --- lists and paging -----------------------------------------------------------------


async def test_paging_follows_absolute_next_links_to_the_end(zgw: Any) -> None:
    app = create_app(page_size=4, extra_zaken=10)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://fake") as client:
        first = (await client.get(ZAKEN, params={BSN: "999993653"}, headers=zgw.read())).json()
        assert first["count"] == 10
        assert first["previous"] is None
        assert first["next"] == f"http://fake{ZAKEN}?{BSN}=999993653&page=2"
        seen = _idents(first)
        url = first["next"]
        pages = 1
        while url:
            page = (await client.get(url, headers=zgw.read())).json()
            seen += _idents(page)
            url = page["next"]
            pages += 1
        assert pages == 3
        assert page["previous"] == f"http://fake{ZAKEN}?{BSN}=999993653&page=2"
        assert len(seen) == len(set(seen)) == 10
        assert len(page["results"]) == 2


async def test_previous_of_page_two_drops_the_page_parameter(zgw: Any) -> None:
    app = create_app(page_size=2)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://fake") as client:
        page = (await client.get(ZAKEN, params={"page": 2}, headers=zgw.read())).json()
    assert page["previous"] == f"http://fake{ZAKEN}"


@pytest.mark.parametrize("page", ["0", "99", "x"])
async def test_invalid_page_is_404(fake: httpx.AsyncClient, zgw: Any, page: str) -> None:
    r = await fake.get(ZAKEN, params={"page": page}, headers=zgw.read())
    assert _problem(r, 404, "not_found")["detail"] == "Ongeldige pagina."


async def test_empty_list_has_one_valid_page(fake: httpx.AsyncClient, zgw: Any) -> None:
    r = await fake.get(ZAKEN, params={BSN: "999970057", "page": 1}, headers=zgw.read())
    assert r.json() == {"count": 0, "next": None, "previous": None, "results": []}


# --- filters --------------------------------------------------------------------------


async def test_filter_on_person(fake: httpx.AsyncClient, zgw: Any) -> None:
    r = await fake.get(ZAKEN, params={BSN: "999970185"}, headers=zgw.read())
    assert _idents(r.json()) == ["HH-2026-000203", "PV-2026-000311"]


async def test_filter_on_zaaktype(fake: httpx.AsyncClient, zgw: Any) -> None:
    zaaktype = f"http://fake/catalogi/api/v1/zaaktypen/{ZAAKTYPE_HANDHAVING_OPIUMWET}"
    r = await fake.get(ZAKEN, params={BSN: "999970185", "zaaktype": zaaktype}, headers=zgw.read())
    body = r.json()
    assert _idents(body) == ["HH-2026-000203"]
    assert body["results"][0]["zaaktype"] == zaaktype


async def test_filter_on_business_and_vestiging(fake: httpx.AsyncClient, zgw: Any) -> None:
    by_kvk = await fake.get(ZAKEN, params={KVK: "97000011"}, headers=zgw.read())
    assert _idents(by_kvk.json()) == ["HH-2026-000142"]
    by_vestiging = await fake.get(ZAKEN, params={VESTIGING: "000097000035"}, headers=zgw.read())
    # the vestiging is also the applicant of a Bibob-onderzoek (connectors/bibob/zgw.py)
    assert sorted(_idents(by_vestiging.json())) == ["BIBOB-2025-0002", "HH-2026-000077"]


async def test_filter_on_identificatie_and_startdatum(fake: httpx.AsyncClient, zgw: Any) -> None:
    r = await fake.get(ZAKEN, params={"identificatie": "HH-2024-000031"}, headers=zgw.read())
    zaak = r.json()["results"][0]
    assert (zaak["startdatum"], zaak["einddatum"]) == ("2024-03-11", "2024-04-22")
    recent = await fake.get(ZAKEN, params={"startdatum__gte": "2025-01-01"}, headers=zgw.read())
    assert "HH-2024-000031" not in _idents(recent.json())
    assert "HH-2026-000142" in _idents(recent.json())


@pytest.mark.parametrize(
    ("params", "name", "code"),
    [
        ({"zaaktype": "not-a-url"}, "zaaktype", "invalid"),
        ({"startdatum__gte": "28-11-2026"}, "startdatum__gte", "invalid"),
        ({BSN: "9999701850"}, BSN, "max_length"),
    ],
)
async def test_bad_filter_values_are_400_with_invalid_params(
    fake: httpx.AsyncClient, zgw: Any, params: dict[str, str], name: str, code: str
) -> None:
    body = _problem(await fake.get(ZAKEN, params=params, headers=zgw.read()), 400, "invalid")
    assert body["invalidParams"][0]["name"] == name
    assert body["invalidParams"][0]["code"] == code


async def test_unknown_filters_are_refused_not_ignored(fake: httpx.AsyncClient, zgw: Any) -> None:
    """An ignored filter would widen the list: ZGW APIs answer 400 instead."""
    r = await fake.get(ZAKEN, params={"rol__kvk": "97000011"}, headers=zgw.read())
    body = _problem(r, 400, "invalid")
    assert body["invalidParams"] == [
        {
            "name": "nonFieldErrors",
            "code": "unknown-parameters",
            "reason": "Onbekende query parameters: rol__kvk",
        }
    ]
    objecten = await fake.get(
        "/zaken/api/v1/zaakobjecten", params={"postcode": "1621JH"}, headers=zgw.auth()
    )
    assert _problem(objecten, 400, "invalid")["invalidParams"][0]["code"] == "unknown-parameters"


async def test_zoek_takes_the_filters_in_a_body(fake: httpx.AsyncClient, zgw: Any) -> None:
    r = await fake.post(f"{ZAKEN}/_zoek", json={KVK: "97000035"}, headers=zgw.read())
    assert r.status_code == 200
    assert r.headers["content-crs"] == "EPSG:4326"
    assert _idents(r.json()) == ["HH-2026-000077"]
    bad = await fake.post(f"{ZAKEN}/_zoek", json={"zaaktype": 12}, headers=zgw.read())
    assert _problem(bad, 400, "invalid")["invalidParams"][0]["name"] == "zaaktype"


async def test_zaakobjecten_by_object_type_and_zaak(fake: httpx.AsyncClient, zgw: Any) -> None:
    r = await fake.get(
        "/zaken/api/v1/zaakobjecten", params={"objectType": "adres"}, headers=zgw.auth()
    )
    adressen = r.json()["results"]
    assert r.json()["count"] == 8  # 5 handhaving and other zaken, 3 Bibob-onderzoeken
    ident = next(
        o["objectIdentificatie"]
        for o in adressen
        if o["objectIdentificatie"]["postcode"] == "1687AB"
    )
    assert ident == {
        "identificatie": "0420200000150005",
        "wplWoonplaatsNaam": "Wognum",
        "gorOpenbareRuimteNaam": "Dorpsstraat",
        "huisnummer": 5,
        "huisletter": "",
        "huisnummertoevoeging": "",
        "postcode": "1687AB",
    }
    zaak = adressen[0]["zaak"]
    own = await fake.get("/zaken/api/v1/zaakobjecten", params={"zaak": zaak}, headers=zgw.auth())
    assert [o["url"] for o in own.json()["results"]] == [adressen[0]["url"]]
    bad = await fake.get(
        "/zaken/api/v1/zaakobjecten", params={"objectType": "huis"}, headers=zgw.auth()
    )
    assert _problem(bad, 400, "invalid")["invalidParams"][0]["code"] == "invalid_choice"


async def test_status_resultaat_and_their_types(fake: httpx.AsyncClient, zgw: Any) -> None:
    r = await fake.get(ZAKEN, params={"identificatie": "HH-2026-000203"}, headers=zgw.read())
    zaak = r.json()["results"][0]
    status = (await fake.get(zaak["status"], headers=zgw.auth())).json()
    statustype = (await fake.get(status["statustype"], headers=zgw.auth())).json()
    resultaat = (await fake.get(zaak["resultaat"], headers=zgw.auth())).json()
    resultaattype = (await fake.get(resultaat["resultaattype"], headers=zgw.auth())).json()
    zaaktype = (await fake.get(zaak["zaaktype"], headers=zgw.auth())).json()
    assert status["zaak"] == zaak["url"]
    assert (statustype["omschrijving"], statustype["isEindstatus"]) == ("Besluit genomen", False)
    assert resultaattype["omschrijving"] == "Sluiting opgelegd"
    assert zaaktype["omschrijving"] == "Handhaving Opiumwet"
    assert status["statustype"] in zaaktype["statustypen"]


async def test_rollen_by_zaak(fake: httpx.AsyncClient, zgw: Any) -> None:
    r = await fake.get(ZAKEN, params={"identificatie": "HH-2026-000142"}, headers=zgw.read())
    zaak = r.json()["results"][0]
    rollen = (
        await fake.get("/zaken/api/v1/rollen", params={"zaak": zaak["url"]}, headers=zgw.auth())
    ).json()
    assert sorted(r["betrokkeneType"] for r in rollen["results"]) == [
        "niet_natuurlijk_persoon",
        "vestiging",
    ]
    assert sorted(zaak["rollen"]) == sorted(r["url"] for r in rollen["results"])


async def test_unknown_resources_are_404_problems(fake: httpx.AsyncClient, zgw: Any) -> None:
    missing = "00000000-0000-4000-8000-000000000000"
    _problem(await fake.get(f"{ZAKEN}/{missing}", headers=zgw.read()), 404, "not_found")
    _problem(
        await fake.get(f"/zaken/api/v1/statussen/{missing}", headers=zgw.auth()), 404, "not_found"
    )
    _problem(
        await fake.get(f"/catalogi/api/v1/statustypen/{missing}", headers=zgw.auth()),
        404,
        "not_found",
    )
    _problem(await fake.get("/zaken/api/v1/nothing", headers=zgw.auth()), 404, "not_found")


# --- observability and failure injection ----------------------------------------------


async def test_traceparent_is_recorded(fake: httpx.AsyncClient, app: Any, zgw: Any) -> None:
    traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    await fake.get(ZAKEN, headers={**zgw.read(), "traceparent": traceparent})
    assert app.state.received_traceparents[-1] == traceparent


async def test_fail_first_injects_server_errors(zgw: Any) -> None:
    app = create_app(fail_first=2, fail_status=503)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://fake") as client:
        statuses = [(await client.get(ZAKEN, headers=zgw.read())).status_code for _ in range(3)]
    assert statuses == [503, 503, 200]


async def test_injected_429_says_when_to_retry(zgw: Any) -> None:
    app = create_app(error_rate=1.0, fail_status=429, seed=1)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://fake") as client:
        r = await client.get(ZAKEN, headers=zgw.read())
    assert r.status_code == 429
    assert r.headers["retry-after"] == "1"


async def test_latency_is_injected(zgw: Any) -> None:
    app = create_app(latency_s=0.05)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://fake") as client:
        started = time.perf_counter()
        await client.get(ZAKEN, headers=zgw.read())
    assert time.perf_counter() - started >= 0.05


async def test_non_handhaving_zaaktypes_exist_in_the_catalogus(
    fake: httpx.AsyncClient, zgw: Any
) -> None:
    r = await fake.get(
        f"/catalogi/api/v1/zaaktypen/{ZAAKTYPE_PARKEERVERGUNNING}", headers=zgw.auth()
    )
    assert r.json()["omschrijving"] == "Parkeervergunning bewoners"
