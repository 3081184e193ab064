"""The BRP Bewoning fake against the published contract (Haal-Centraal-BRP-bewoning)."""

from __future__ import annotations

import base64
import itertools
import time
from datetime import date, timedelta
from typing import Any

import httpx
import pytest

from connectors.bewoning.fake import FAKE_API_KEY, MOUNT, create_app
from connectors.bewoning.fake.data import Inschrijving, PartialDate

TODAY = date(2026, 3, 16)
BASE_URL = f"http://bewoning.fake{MOUNT}"
KLEINE_NOORD = "0405010000170088"
PROBLEM = "application/problem+json"
LONG_STAYING = ["999970008", "999970045", "999970069", "999970070", "999970094"]


def _peildatum(aoi: str, day: date) -> dict[str, str]:
    return {
        "type": "BewoningMetPeildatum",
        "adresseerbaarObjectIdentificatie": aoi,
        "peildatum": day.isoformat(),
    }


def _bsns(people: list[dict[str, Any]]) -> list[str]:
    return sorted(p["burgerservicenummer"] for p in people)


def _client(app: Any, **headers: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, root_path=MOUNT),
        base_url=BASE_URL,
        headers=headers,
    )


async def test_token_endpoint(fake: httpx.AsyncClient) -> None:
    resp = await fake.post(
        "/token",
        data={
            "grant_type": "client_credentials",
            "client_id": "opplus-fake",
            "client_secret": "fake-bewoning-client-secret",
            "scope": "s",
        },
    )
    assert resp.status_code == 200
    body = resp.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 3600
    assert body["scope"] == "s"
    used = await fake.post(
        "/bewoningen",
        json=_peildatum(KLEINE_NOORD, TODAY),
        headers={"X-API-KEY": "", "Authorization": f"Bearer {body['access_token']}"},
    )
    assert used.status_code == 200


async def test_token_with_basic_client_authentication(fake: httpx.AsyncClient) -> None:
    basic = base64.b64encode(b"opplus-fake:fake-bewoning-client-secret").decode()
    resp = await fake.post(
        "/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert resp.status_code == 200


SECRET = "fake-bewoning-client-secret"


@pytest.mark.parametrize(
    ("grant", "client_id", "secret", "status", "error"),
    [
        ("client_credentials", "opplus-fake", "x", 401, "invalid_client"),
        ("client_credentials", "other", SECRET, 401, "invalid_client"),
        ("password", "opplus-fake", SECRET, 400, "unsupported_grant_type"),
    ],
)
async def test_token_refusals(
    fake: httpx.AsyncClient, grant: str, client_id: str, secret: str, status: int, error: str
) -> None:
    form = {"grant_type": grant, "client_id": client_id, "client_secret": secret}
    resp = await fake.post("/token", data=form)
    assert resp.status_code == status
    assert resp.json()["error"] == error


@pytest.mark.parametrize(
    "headers",
    [
        {"X-API-KEY": ""},
        {"X-API-KEY": "wrong"},
        {"X-API-KEY": "", "Authorization": "Bearer made-up"},
        {"X-API-KEY": "", "Authorization": FAKE_API_KEY},
    ],
)
async def test_unauthenticated_is_401(fake: httpx.AsyncClient, headers: dict[str, str]) -> None:
    resp = await fake.post("/bewoningen", json=_peildatum(KLEINE_NOORD, TODAY), headers=headers)
    assert resp.status_code == 401
    assert resp.headers["content-type"].startswith(PROBLEM)
    assert resp.headers["WWW-Authenticate"] == "Bearer"
    body = resp.json()
    assert (body["code"], body["title"]) == ("authentication", "Niet correct geauthenticeerd.")
    assert body["instance"] == "/haalcentraal/api/bewoning/bewoningen"


async def test_expired_token_is_401() -> None:
    app = create_app(today=TODAY, token_ttl_s=0.0)
    async with _client(app) as client:
        form = {
            "grant_type": "client_credentials",
            "client_id": "opplus-fake",
            "client_secret": "fake-bewoning-client-secret",
        }
        token = (await client.post("/token", data=form)).json()["access_token"]
        resp = await client.post(
            "/bewoningen",
            json=_peildatum(KLEINE_NOORD, TODAY),
            headers={"Authorization": f"Bearer {token}"},
        )
    assert resp.status_code == 401


async def test_kleine_noord_today(fake: httpx.AsyncClient) -> None:
    resp = await fake.post("/bewoningen", json=_peildatum(KLEINE_NOORD, TODAY))
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("application/json")
    [bewoning] = resp.json()["bewoningen"]
    assert bewoning["adresseerbaarObjectIdentificatie"] == KLEINE_NOORD
    assert bewoning["periode"] == {"datumVan": "2026-03-16", "datumTot": "2026-03-17"}
    assert len(bewoning["bewoners"]) == 9
    assert _bsns(bewoning["mogelijkeBewoners"]) == ["999970100", "999970112"]
    assert "indicatieVeelBewoners" not in bewoning
    piotr = next(b for b in bewoning["bewoners"] if b["burgerservicenummer"] == "999970008")
    assert piotr == {
        "burgerservicenummer": "999970008",
        "naam": {"volledigeNaam": "Piotr Nowak"},
        "geboorte": {
            "datum": {"type": "Datum", "datum": "1990-04-12", "langFormaat": "12 april 1990"}
        },
    }


async def test_kleine_noord_ninety_days_ago(fake: httpx.AsyncClient) -> None:
    resp = await fake.post("/bewoningen", json=_peildatum(KLEINE_NOORD, TODAY - timedelta(90)))
    [bewoning] = resp.json()["bewoningen"]
    assert _bsns(bewoning["bewoners"]) == LONG_STAYING
    assert len(bewoning["mogelijkeBewoners"]) == 2


async def test_move_in_day_counts_from_that_day(fake: httpx.AsyncClient) -> None:
    day_before = await fake.post(
        "/bewoningen", json=_peildatum(KLEINE_NOORD, TODAY - timedelta(21))
    )
    on_the_day = await fake.post(
        "/bewoningen", json=_peildatum(KLEINE_NOORD, TODAY - timedelta(20))
    )
    assert len(day_before.json()["bewoningen"][0]["bewoners"]) == 8
    assert len(on_the_day.json()["bewoningen"][0]["bewoners"]) == 9


async def test_periode_splits_at_every_change(fake: httpx.AsyncClient) -> None:
    resp = await fake.post(
        "/bewoningen",
        json={
            "type": "BewoningMetPeriode",
            "adresseerbaarObjectIdentificatie": KLEINE_NOORD,
            "datumVan": (TODAY - timedelta(90)).isoformat(),
            "datumTot": TODAY.isoformat(),
        },
    )
    bewoningen = resp.json()["bewoningen"]
    assert [len(b["bewoners"]) for b in bewoningen] == [5, 6, 7, 8, 9]
    periods = [(b["periode"]["datumVan"], b["periode"]["datumTot"]) for b in bewoningen]
    assert periods[0][0] == (TODAY - timedelta(90)).isoformat()
    assert periods[-1][1] == TODAY.isoformat()
    assert all(a[1] == b[0] for a, b in itertools.pairwise(periods))
    assert periods[1][0] == (TODAY - timedelta(75)).isoformat()


async def test_dorpsstraat_minor_is_always_sixteen(fake: httpx.AsyncClient) -> None:
    resp = await fake.post("/bewoningen", json=_peildatum("0420010000150005", TODAY))
    [bewoning] = resp.json()["bewoningen"]
    assert _bsns(bewoning["bewoners"]) == ["999970173", "999970185", "999970197"]
    daan = next(b for b in bewoning["bewoners"] if b["burgerservicenummer"] == "999970173")
    born = date.fromisoformat(daan["geboorte"]["datum"]["datum"])
    age = TODAY.year - born.year - ((TODAY.month, TODAY.day) < (born.month, born.day))
    assert age == 16
    assert daan["naam"]["volledigeNaam"] == "Daan Bakker"


async def test_rvig_test_person_and_her_previous_address(fake: httpx.AsyncClient) -> None:
    boterdiep = await fake.post("/bewoningen", json=_peildatum("0599010000208579", TODAY))
    [bewoning] = boterdiep.json()["bewoningen"]
    assert bewoning["bewoners"][0]["naam"]["volledigeNaam"] == "Suzanne Moulin"
    before = await fake.post("/bewoningen", json=_peildatum("0599010000208579", date(2015, 8, 7)))
    assert before.json() == {"bewoningen": []}
    vredesplein = await fake.post(
        "/bewoningen", json=_peildatum("0599010000476795", date(2014, 1, 1))
    )
    assert _bsns(vredesplein.json()["bewoningen"][0]["bewoners"]) == ["999993653"]
    moved_out = await fake.post(
        "/bewoningen", json=_peildatum("0599010000476795", date(2015, 8, 8))
    )
    assert moved_out.json() == {"bewoningen": []}


async def test_unknown_object_has_no_bewoning(fake: httpx.AsyncClient) -> None:
    resp = await fake.post("/bewoningen", json=_peildatum("0800010000000003", TODAY))
    assert resp.status_code == 200
    assert resp.json() == {"bewoningen": []}


async def test_partly_unknown_move_in_makes_a_mogelijke_bewoner() -> None:
    person = Inschrijving("000000024", "Piet", "Jansen", date(1970, 1, 1), PartialDate(2010, 8))
    app = create_app(residents={"0800010000000001": [person]})
    async with _client(app, **{"X-API-KEY": FAKE_API_KEY}) as client:

        async def on(day: date) -> Any:
            resp = await client.post("/bewoningen", json=_peildatum("0800010000000001", day))
            return resp.json()

        assert await on(date(2010, 7, 31)) == {"bewoningen": []}
        during = (await on(date(2010, 8, 18)))["bewoningen"][0]
        assert (_bsns(during["bewoners"]), _bsns(during["mogelijkeBewoners"])) == (
            [],
            ["000000024"],
        )
        after = (await on(date(2010, 9, 1)))["bewoningen"][0]
        assert _bsns(after["bewoners"]) == ["000000024"]


@pytest.mark.parametrize(("count", "veel"), [(100, False), (101, True)])
async def test_indicatie_veel_bewoners_above_100(count: int, veel: bool) -> None:
    people = [
        Inschrijving(f"{i:09d}", "P", "Q", date(1990, 1, 1), PartialDate(2020, 8, 18))
        for i in range(count)
    ]
    app = create_app(residents={"0800010000000001": people})
    async with _client(app, **{"X-API-KEY": FAKE_API_KEY}) as client:
        resp = await client.post("/bewoningen", json=_peildatum("0800010000000001", TODAY))
    [bewoning] = resp.json()["bewoningen"]
    assert bewoning.get("indicatieVeelBewoners", False) is veel
    assert len(bewoning["bewoners"]) == (0 if veel else 100)


PEIL = "BewoningMetPeildatum"
PERIODE = "BewoningMetPeriode"
AOI = "adresseerbaarObjectIdentificatie"


def _body(kind: str, **params: str) -> dict[str, str]:
    return {"type": kind, **params}


@pytest.mark.parametrize(
    ("body", "expected", "detail"),
    [
        ({}, [("type", "required")], "type"),
        ({AOI: KLEINE_NOORD}, [("type", "required")], "type"),
        (_body(""), [("type", "required")], "type"),
        (_body("BewoningMetGeslachtsnaam"), [("type", "value")], "type"),
        (_body("bewoningmetpeildatum"), [("type", "value")], "type"),
        (
            _body(PEIL),
            [(AOI, "required"), ("peildatum", "required")],
            f"{AOI}, peildatum",
        ),
        (
            _body(PEIL, **{AOI: ""}, peildatum="2023-01-01"),
            [(AOI, "required")],
            AOI,
        ),
        (
            _body(PERIODE),
            [(AOI, "required"), ("datumVan", "required"), ("datumTot", "required")],
            f"{AOI}, datumTot, datumVan",
        ),
        (
            _body(PERIODE, **{AOI: KLEINE_NOORD}, datumVan="2023-01-01", datumTot="2023-01-01"),
            [("datumTot", "invalidParam")],
            "datumTot",
        ),
        (
            _body(PERIODE, **{AOI: KLEINE_NOORD}, datumVan="2023-01-01", datumTot="2022-01-01"),
            [("datumTot", "invalidParam")],
            "datumTot",
        ),
        (
            _body(PEIL, **{AOI: KLEINE_NOORD}, peildatum="2023-01-01", periode="x"),
            [("periode", "unknownParam")],
            "periode",
        ),
    ],
)
async def test_validation(
    fake: httpx.AsyncClient, body: dict[str, str], expected: list[tuple[str, str]], detail: str
) -> None:
    resp = await fake.post("/bewoningen", json=body)
    assert resp.status_code == 400
    assert resp.headers["content-type"].startswith(PROBLEM)
    problem = resp.json()
    assert problem["code"] == "paramsValidation"
    assert problem["title"] == "Een of meerdere parameters zijn niet correct."
    assert problem["type"] == "https://datatracker.ietf.org/doc/html/rfc7231#section-6.5.1"
    assert problem["detail"] == f"De foutieve parameter(s) zijn: {detail}."
    assert [(p["name"], p["code"]) for p in problem["invalidParams"]] == expected


@pytest.mark.parametrize(
    "aoi", ["123456789012345", "12345678901234567", "<script>1234567890123456</script>", "0" * 16]
)
async def test_aoi_pattern(fake: httpx.AsyncClient, aoi: str) -> None:
    resp = await fake.post("/bewoningen", json=_peildatum(aoi, TODAY))
    [param] = resp.json()["invalidParams"]
    assert param == {
        "name": "adresseerbaarObjectIdentificatie",
        "code": "pattern",
        "reason": "Waarde voldoet niet aan patroon ^(?!0{16})[0-9]{16}$.",
    }


@pytest.mark.parametrize("peildatum", ["19830526", "26 mei 1983", "2023-02-29"])
async def test_peildatum_must_be_a_date(fake: httpx.AsyncClient, peildatum: str) -> None:
    body = {**_peildatum(KLEINE_NOORD, TODAY), "peildatum": peildatum}
    resp = await fake.post("/bewoningen", json=body)
    [param] = resp.json()["invalidParams"]
    assert (param["name"], param["code"], param["reason"]) == (
        "peildatum",
        "date",
        "Waarde is geen geldige datum.",
    )


async def test_only_post_is_allowed(fake: httpx.AsyncClient) -> None:
    resp = await fake.get("/bewoningen")
    assert resp.status_code == 405
    assert resp.json()["title"] == "Method not allowed."


async def test_media_types(fake: httpx.AsyncClient) -> None:
    body = _peildatum(KLEINE_NOORD, TODAY)
    xml = await fake.post("/bewoningen", json=body, headers={"Accept": "application/xml"})
    assert (xml.status_code, xml.json()["code"]) == (406, "notAcceptable")
    utf8 = await fake.post(
        "/bewoningen", json=body, headers={"Accept": "application/json; charset=UTF-8"}
    )
    assert utf8.status_code == 200
    sent_as_csv = await fake.post(
        "/bewoningen", content=b"{}", headers={"Content-Type": "text/csv"}
    )
    assert (sent_as_csv.status_code, sent_as_csv.json()["code"]) == (415, "unsupportedMediaType")


async def test_fail_status_and_latency() -> None:
    async with _client(create_app(fail_status=503), **{"X-API-KEY": FAKE_API_KEY}) as client:
        resp = await client.post("/bewoningen", json=_peildatum(KLEINE_NOORD, TODAY))
    assert resp.status_code == 503
    assert resp.json()["code"] == "notAvailable"
    async with _client(create_app(latency_s=0.2), **{"X-API-KEY": FAKE_API_KEY}) as client:
        started = time.perf_counter()
        await client.post("/bewoningen", json=_peildatum(KLEINE_NOORD, TODAY))
    assert time.perf_counter() - started >= 0.2


async def test_traceparents_are_recorded() -> None:
    app = create_app()
    async with _client(app, **{"X-API-KEY": FAKE_API_KEY}) as client:
        for i in (1, 2):
            await client.post(
                "/bewoningen",
                json=_peildatum(KLEINE_NOORD, TODAY),
                headers={"traceparent": f"00-{i:032x}-{i:016x}-01"},
            )
    assert app.state.received_traceparents == [
        f"00-{1:032x}-{1:016x}-01",
        f"00-{2:032x}-{2:016x}-01",
    ]


async def test_default_today_keeps_the_story() -> None:
    """Without ``today`` the recent move-ins are relative to the real date."""
    async with _client(create_app(), **{"X-API-KEY": FAKE_API_KEY}) as client:
        now = await client.post("/bewoningen", json=_peildatum(KLEINE_NOORD, date.today()))
        then = await client.post(
            "/bewoningen", json=_peildatum(KLEINE_NOORD, date.today() - timedelta(90))
        )
    assert len(now.json()["bewoningen"][0]["bewoners"]) == 9
    assert len(then.json()["bewoningen"][0]["bewoners"]) == 5
