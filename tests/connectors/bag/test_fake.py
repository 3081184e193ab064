"""The BAG fake against the published contract of BAG Individuele Bevragingen v2."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from connectors.bag.fake import MOUNT, create_app

BASE_URL = f"http://bag.fake{MOUNT}"

PROBLEM = "application/problem+json"


async def test_missing_or_wrong_key_is_401_authentication(fake: httpx.AsyncClient) -> None:
    for headers in ({"X-Api-Key": ""}, {"X-Api-Key": "wrong"}):
        resp = await fake.get("/adressen?postcode=1621JH&huisnummer=88", headers=headers)
        assert resp.status_code == 401
        assert resp.headers["content-type"].startswith(PROBLEM)
        body = resp.json()
        assert body["code"] == "authentication"
        assert body["status"] == 401
        assert body["title"] == "Niet correct geauthenticeerd."
        assert "invalid-params" not in body


async def test_adressen_exact_match_kleine_noord(fake: httpx.AsyncClient) -> None:
    resp = await fake.get("/adressen?postcode=1621JH&huisnummer=88&exacteMatch=true")
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("application/hal+json")
    adressen = resp.json()["_embedded"]["adressen"]
    assert len(adressen) == 1
    adres = adressen[0]
    assert adres["openbareRuimteNaam"] == "Kleine Noord"
    assert adres["huisnummer"] == 88
    assert adres["postcode"] == "1621JH"
    assert adres["woonplaatsNaam"] == "Hoorn"
    assert adres["nummeraanduidingIdentificatie"] == "0405200000170088"
    assert adres["adresseerbaarObjectIdentificatie"] == "0405010000170088"
    assert adres["pandIdentificaties"] == ["0405100000170088"]
    assert adres["adresregel5"] == "Kleine Noord 88"
    assert adres["adresregel6"] == "1621 JH  HOORN"
    assert "huisletter" not in adres
    assert adres["_links"]["adresseerbaarObject"]["href"] == (
        f"{BASE_URL}/verblijfsobjecten/0405010000170088"
    )


async def test_boterdiep_is_the_rvig_test_address(fake: httpx.AsyncClient) -> None:
    resp = await fake.get("/adressen?postcode=3077AW&huisnummer=31")
    adres = resp.json()["_embedded"]["adressen"][0]
    assert adres["adresseerbaarObjectIdentificatie"] == "0599010000208579"
    assert adres["nummeraanduidingIdentificatie"] == "0599200000219678"
    assert adres["woonplaatsNaam"] == "Rotterdam"


async def test_no_hits_is_200_without_embedded(fake: httpx.AsyncClient) -> None:
    resp = await fake.get("/adressen?postcode=1621JH&huisnummer=89")
    assert resp.status_code == 200
    body = resp.json()
    assert "_embedded" not in body
    assert set(body["_links"]) == {"self"}


async def test_exacte_match_filters_on_absent_toevoeging(fake: httpx.AsyncClient) -> None:
    loose = await fake.get("/adressen?postcode=1687TV&huisnummer=40&pageSize=100")
    assert len(loose.json()["_embedded"]["adressen"]) == 46
    exact = await fake.get("/adressen?postcode=1687TV&huisnummer=40&exacteMatch=true")
    only = exact.json()["_embedded"]["adressen"]
    assert [(a["huisnummer"], a.get("huisnummertoevoeging")) for a in only] == [(40, None)]
    unit = await fake.get(
        "/adressen?postcode=1687TV&huisnummer=40&huisnummertoevoeging=37&exacteMatch=true"
    )
    assert [a["huisnummertoevoeging"] for a in unit.json()["_embedded"]["adressen"]] == ["37"]


async def test_paging_links_first_previous_next_last(fake: httpx.AsyncClient) -> None:
    first = await fake.get("/adressen?postcode=1687TV&huisnummer=40")
    body = first.json()
    assert len(body["_embedded"]["adressen"]) == 20
    assert first.headers["X-Pagination-Page"] == "1"
    assert first.headers["X-Pagination-Limit"] == "20"
    links = body["_links"]
    assert set(links) == {"self", "next", "last"}
    assert links["next"]["href"].endswith("page=2")
    assert links["last"]["href"].endswith("page=3")

    middle = (await fake.get(links["next"]["href"])).json()
    assert set(middle["_links"]) == {"self", "first", "previous", "next", "last"}
    assert middle["_links"]["previous"]["href"].endswith("page=1")

    last = (await fake.get(links["last"]["href"])).json()
    assert len(last["_embedded"]["adressen"]) == 6
    assert set(last["_links"]) == {"self", "first", "previous"}
    toevoegingen = [a["huisnummertoevoeging"] for a in last["_embedded"]["adressen"]]
    assert toevoegingen == ["40", "41", "42", "43", "44", "45"]


async def test_page_size_is_kept_in_links(fake: httpx.AsyncClient) -> None:
    resp = await fake.get("/adressen?postcode=1687TV&huisnummer=40&pageSize=10&page=2")
    body = resp.json()
    assert len(body["_embedded"]["adressen"]) == 10
    assert "pageSize=10" in body["_links"]["next"]["href"]
    assert body["_links"]["last"]["href"].endswith("page=5")


@pytest.mark.parametrize(
    ("query", "name", "code"),
    [
        ("postcode=1621jh&huisnummer=88", "postcode", "pattern"),
        ("postcode=1621JH&huisnummer=0", "huisnummer", "minimum"),
        ("postcode=1621JH&huisnummer=100000", "huisnummer", "maximum"),
        ("postcode=1621JH&huisnummer=acht", "huisnummer", "integer"),
        ("postcode=1621JH&huisnummer=88&huisletter=AB", "huisletter", "pattern"),
        (
            "postcode=1621JH&huisnummer=88&huisnummertoevoeging=tegenover",
            "huisnummertoevoeging",
            "pattern",
        ),
        ("postcode=1621JH&huisnummer=88&exacteMatch=ja", "exacteMatch", "boolean"),
        ("postcode=1621JH&huisnummer=88&pageSize=5", "pageSize", "minimum"),
        ("postcode=1621JH&huisnummer=88&pageSize=101", "pageSize", "maximum"),
        ("postcode=1621JH&huisnummer=88&page=0", "page", "minimum"),
        ("postcode=1621JH&huisnummer=88&onbekend=1", "onbekend", "unknownParam"),
        (
            "adresseerbaarObjectIdentificatie=0405040000170088",
            "adresseerbaarObjectIdentificatie",
            "pattern",
        ),
    ],
)
async def test_parameter_validation(
    fake: httpx.AsyncClient, query: str, name: str, code: str
) -> None:
    resp = await fake.get(f"/adressen?{query}")
    assert resp.status_code == 400
    assert resp.headers["content-type"].startswith(PROBLEM)
    body = resp.json()
    assert body["code"] == "paramsValidation"
    assert body["title"] == "Een of meerdere parameters zijn niet correct."
    assert body["instance"].endswith(f"/adressen?{query}")
    assert [(p["name"], p["code"]) for p in body["invalid-params"]] == [(name, code)]


async def test_every_invalid_parameter_is_reported(fake: httpx.AsyncClient) -> None:
    resp = await fake.get("/adressen?postcode=12&huisnummer=88&fout=a&onbekend=b")
    names = sorted(p["name"] for p in resp.json()["invalid-params"])
    assert names == ["fout", "onbekend", "postcode"]


async def test_page_beyond_the_last(fake: httpx.AsyncClient) -> None:
    resp = await fake.get("/adressen?postcode=1687TV&huisnummer=40&page=4")
    assert resp.status_code == 400
    params = resp.json()["invalid-params"]
    assert params == [
        {
            "type": "https://www.vng.nl/realisatie/api/validaties/page",
            "name": "page",
            "code": "page",
            "reason": "De opgegeven pagina bestaat niet.",
        }
    ]


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("", "paramsRequired"),
        ("postcode=1621JH", "paramsCombination"),
        ("huisnummer=88", "paramsCombination"),
        ("woonplaatsNaam=Hoorn&huisnummer=88", "paramsCombination"),
        ("postcode=1621JH&huisnummer=88&woonplaatsNaam=Hoorn", "unsupportedCombination"),
        (
            "adresseerbaarObjectIdentificatie=0405010000170088&postcode=1621JH",
            "unsupportedCombination",
        ),
    ],
)
async def test_parameter_combinations(fake: httpx.AsyncClient, query: str, code: str) -> None:
    resp = await fake.get(f"/adressen?{query}")
    assert resp.status_code == 400
    body = resp.json()
    assert body["code"] == code
    assert "invalid-params" not in body


async def test_other_search_combinations(fake: httpx.AsyncClient) -> None:
    by_street = await fake.get(
        "/adressen?woonplaatsNaam=Enkhuizen&openbareRuimteNaam=Westerstraat&huisnummer=201"
    )
    assert by_street.json()["_embedded"]["adressen"][0]["postcode"] == "1601AM"
    by_aoi = await fake.get("/adressen?adresseerbaarObjectIdentificatie=0420010000150005")
    assert by_aoi.json()["_embedded"]["adressen"][0]["openbareRuimteNaam"] == "Dorpsstraat"
    by_pand = await fake.get("/adressen?pandIdentificatie=0420100000160040&pageSize=100")
    assert len(by_pand.json()["_embedded"]["adressen"]) == 46


async def test_adres_by_nummeraanduiding(fake: httpx.AsyncClient) -> None:
    resp = await fake.get("/adressen/0388200000120201")
    assert resp.json()["adresseerbaarObjectIdentificatie"] == "0388010000120201"
    missing = await fake.get("/adressen/0388200000999999")
    assert missing.status_code == 404
    assert missing.json()["code"] == "notFound"


async def test_verblijfsobject_needs_accept_crs(fake: httpx.AsyncClient) -> None:
    missing = await fake.get("/verblijfsobjecten/0405010000170088")
    assert missing.status_code == 412
    assert missing.json()["code"] == "acceptCrsMissing"
    wrong = await fake.get(
        "/verblijfsobjecten/0405010000170088", headers={"Accept-Crs": "epsg:4326"}
    )
    assert wrong.status_code == 406
    assert wrong.json()["code"] == "crsNotAcceptable"


async def test_verblijfsobject_kleine_noord(fake: httpx.AsyncClient) -> None:
    resp = await fake.get(
        "/verblijfsobjecten/0405010000170088", headers={"Accept-Crs": "epsg:28992"}
    )
    assert resp.status_code == 200
    assert resp.headers["Content-Crs"] == "epsg:28992"
    vbo = resp.json()["verblijfsobject"]
    assert vbo["identificatie"] == "0405010000170088"
    assert vbo["oppervlakte"] == 64
    assert vbo["gebruiksdoelen"] == ["woonfunctie"]
    assert vbo["status"] == "Verblijfsobject in gebruik"
    assert vbo["heeftAlsHoofdAdres"] == "0405200000170088"
    assert vbo["maaktDeelUitVan"] == ["0405100000170088"]
    assert vbo["geometrie"]["punt"]["type"] == "Point"


async def test_verblijfsobject_westerstraat_has_two_uses(fake: httpx.AsyncClient) -> None:
    resp = await fake.get(
        "/verblijfsobjecten/0388010000120201", headers={"Accept-Crs": "epsg:28992"}
    )
    vbo = resp.json()["verblijfsobject"]
    assert (vbo["oppervlakte"], vbo["gebruiksdoelen"]) == (48, ["winkelfunctie", "woonfunctie"])


async def test_verblijfsobject_pattern_and_not_found(fake: httpx.AsyncClient) -> None:
    crs = {"Accept-Crs": "epsg:28992"}
    bad = await fake.get("/verblijfsobjecten/0405100000170088", headers=crs)
    assert bad.status_code == 400
    assert bad.json()["invalid-params"][0]["reason"] == (
        "Waarde voldoet niet aan patroon ^[0-9]{4}01[0-9]{10}$."
    )
    missing = await fake.get("/verblijfsobjecten/0405010000999999", headers=crs)
    assert missing.status_code == 404
    assert missing.json()["code"] == "notFound"
    assert missing.json()["title"] == "Opgevraagde resource bestaat niet."


async def test_unknown_path_and_wrong_method(fake: httpx.AsyncClient) -> None:
    unknown = await fake.get("/adressen/zoek/nergens")
    assert unknown.status_code == 404
    assert unknown.headers["content-type"].startswith(PROBLEM)
    post = await fake.post("/adressen", json={})
    assert post.status_code == 405
    assert post.json()["code"] == "methodNotAllowed"


async def test_accept_xml_is_406(fake: httpx.AsyncClient) -> None:
    resp = await fake.get(
        "/adressen?postcode=1621JH&huisnummer=88", headers={"Accept": "application/xml"}
    )
    assert resp.status_code == 406
    assert resp.json()["code"] == "notAcceptable"


async def test_rate_limit_headers_on_success(fake: httpx.AsyncClient) -> None:
    resp = await fake.get("/adressen?postcode=1621JH&huisnummer=88")
    assert resp.headers["X-Rate-Limit-Limit"] == "50"
    assert int(resp.headers["X-Rate-Limit-Remaining"]) == 49
    assert int(resp.headers["X-Rate-Limit-Reset"]) >= 1


def _client(**options: object) -> httpx.AsyncClient:
    app = create_app(**options)  # type: ignore[arg-type]
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, root_path=MOUNT),
        base_url=BASE_URL,
        headers={"X-Api-Key": "fake-bag-api-key"},
    )


async def test_rate_limit_answers_429_with_retry_after() -> None:
    async with _client(rate_limit_per_s=2.0) as client:
        codes = [
            (await client.get("/adressen?postcode=1621JH&huisnummer=88")).status_code
            for _ in range(2)
        ]
        limited = await client.get("/adressen?postcode=1621JH&huisnummer=88")
    assert codes == [200, 200]
    assert limited.status_code == 429
    assert limited.json()["code"] == "tooManyRequests"
    assert int(limited.headers["Retry-After"]) >= 1
    assert limited.headers["X-Rate-Limit-Remaining"] == "0"


async def test_fail_status_injection() -> None:
    async with _client(fail_status=503) as client:
        resp = await client.get("/adressen?postcode=1621JH&huisnummer=88")
    assert resp.status_code == 503
    assert resp.json()["code"] == "sourceUnavailable"


async def test_latency_injection() -> None:
    async with _client(latency_s=0.2) as client:
        started = time.perf_counter()
        await client.get("/adressen?postcode=1621JH&huisnummer=88")
    assert time.perf_counter() - started >= 0.2


async def test_traceparents_are_recorded() -> None:
    app = create_app()
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, root_path=MOUNT), base_url=BASE_URL
    ) as client:
        values = [f"00-{i:032x}-{i:016x}-01" for i in range(1, 4)]
        await asyncio.gather(*(client.get("/adressen", headers={"traceparent": v}) for v in values))
    assert sorted(app.state.received_traceparents) == values
