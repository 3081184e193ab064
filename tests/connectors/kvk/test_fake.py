"""The KvK fake against KvK's published contract (paths, auth, validation, paging, 404s)."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from starlette.applications import Starlette
from starlette.routing import Mount

from connectors.kvk.fake import FAKE_API_KEY, create_app

BASE = "http://fake/api"


def fout(response: httpx.Response) -> list[dict[str, Any]]:
    assert response.headers["content-type"].startswith("application/json")
    body: dict[str, list[dict[str, Any]]] = response.json()
    assert set(body) == {"fout"}
    return body["fout"]


def codes(response: httpx.Response) -> list[str]:
    return [f["code"] for f in fout(response)]


# --- auth ---------------------------------------------------------------------------------


async def test_missing_apikey_is_401_in_kvk_error_format(fake_app: FastAPI) -> None:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=fake_app), base_url=BASE
    ) as client:
        response = await client.get("/v1/basisprofielen/69599084")
    assert response.status_code == 401
    assert fout(response) == [
        {"code": "401", "omschrijving": "Geen of onjuiste apikey aangeleverd."}
    ]


async def test_wrong_apikey_is_401(fake: httpx.AsyncClient) -> None:
    response = await fake.get("/v2/zoeken?kvkNummer=69599084", headers={"apikey": "not-the-key"})
    assert response.status_code == 401


async def test_public_test_key_is_the_default_credential(fake: httpx.AsyncClient) -> None:
    assert FAKE_API_KEY == "l7xx1f2691f2520d487b902f4e0b57a0b197"
    response = await fake.get("/v1/basisprofielen/69599084")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/hal+json"


async def test_unsupported_accept_is_406(fake: httpx.AsyncClient) -> None:
    response = await fake.get("/v1/basisprofielen/69599084", headers={"Accept": "text/html"})
    assert response.status_code == 406


# --- Zoeken -------------------------------------------------------------------------------


async def test_zoeken_on_an_address_finds_both_registrations(fake: httpx.AsyncClient) -> None:
    response = await fake.get(
        "/v2/zoeken",
        params={
            "postcode": "1621JH",
            "huisnummer": "88",
            "type": ["hoofdvestiging", "nevenvestiging"],
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["pagina"], body["resultatenPerPagina"], body["totaal"]) == (1, 10, 2)
    hits = {hit["kvkNummer"]: hit for hit in body["resultaten"]}
    assert set(hits) == {"97000011", "97000023"}
    flex = hits["97000011"]
    assert flex["vestigingsnummer"] == "000097000011"
    assert flex["naam"] == "Flex West-Friesland Uitzendbureau B.V."
    assert flex["type"] == "hoofdvestiging"
    assert flex["adres"] == {
        "binnenlandsAdres": {
            "type": "bezoekadres",
            "straatnaam": "Kleine Noord",
            "huisnummer": 88,
            "postcode": "1621JH",
            "plaats": "Hoorn",
        }
    }
    assert {"rel": "vestigingsprofiel", "href": f"{BASE}/v1/vestigingsprofielen/000097000011"} in (
        flex["links"]
    )
    assert body["links"][0]["rel"] == "self"


async def test_zoeken_type_filter_is_a_repeated_parameter_never_comma_joined(
    fake: httpx.AsyncClient,
) -> None:
    everything = await fake.get("/v2/zoeken?kvkNummer=97000011")
    assert sorted(h["type"] for h in everything.json()["resultaten"]) == [
        "hoofdvestiging",
        "rechtspersoon",
    ]
    rechtspersoon = await fake.get("/v2/zoeken?kvkNummer=97000011&type=rechtspersoon")
    [hit] = rechtspersoon.json()["resultaten"]
    assert hit["rsin"] == "865001005"
    assert "vestigingsnummer" not in hit
    repeated = await fake.get(
        "/v2/zoeken?kvkNummer=69599084&type=hoofdvestiging&type=nevenvestiging"
    )
    assert repeated.json()["totaal"] == 2  # an eenmanszaak has no rechtspersoon line
    # The official contract: an exploded array of enum values. KvK refuses a joined list.
    for joined in ("hoofdvestiging,nevenvestiging", "Hoofdvestiging"):
        refused = await fake.get(f"/v2/zoeken?kvkNummer=69599084&type={joined}")
        assert refused.status_code == 400
        assert refused.json()["fout"][0]["code"] == "IPD5203"


async def test_zoeken_paging_to_the_end(fake: httpx.AsyncClient) -> None:
    seen: list[str] = []
    pagina = 1
    while True:
        body = (
            await fake.get(
                "/v2/zoeken",
                params={
                    "kvkNummer": "90006577",
                    "resultatenPerPagina": "100",
                    "pagina": str(pagina),
                },
            )
        ).json()
        assert body["totaal"] == 1001  # 1000 vestigingen and the rechtspersoon
        seen += [h.get("vestigingsnummer", "rp") for h in body["resultaten"]]
        if "volgende" not in body:
            break
        assert body["volgende"].endswith(f"pagina={pagina + 1}")
        pagina += 1
    assert pagina == 10  # "Er wordt max. 1000 resultaten getoond."
    assert len(seen) == 1000 == len(set(seen))
    beyond = await fake.get("/v2/zoeken?kvkNummer=90006577&resultatenPerPagina=100&pagina=11")
    assert beyond.status_code == 200
    assert beyond.json()["resultaten"] == []
    assert "vorige" in beyond.json()


@pytest.mark.parametrize(
    ("query", "code", "mentions"),
    [
        ("kvkNummer=1234567", "IPD0004", "1234567"),
        ("kvkNummer=1234567a", "IPD0004", "1234567a"),
        ("rsin=12345678", "IPD0010", "12345678"),
        ("vestigingsnummer=12345", "IPD0006", "12345"),
        ("postcode=1621J&huisnummer=88", "IPD1999", "postcode"),
        ("postcode=1621JH&huisnummer=abc", "IPD1999", "huisnummer"),
        ("postcode=1621JH&huisnummer=123456", "IPD1999", "huisnummer"),
        ("postcode=1621JH&huisnummer=88&huisletter=AB", "IPD1999", "huisletter"),
        (
            "postcode=1621JH&huisnummer=88&huisnummerToevoeging=ABCDE",
            "IPD1999",
            "huisnummerToevoeging",
        ),
        ("postcode=1621JH", "IPD1999", "postcode"),
        ("huisnummer=88", "IPD1999", "huisnummer"),
        ("naam=Test&huisletter=A", "IPD1999", "huisletter"),
        ("naam=Test&type=bedrijf", "IPD5203", "type"),
        (
            "naam=Test&inclusiefInactieveRegistraties=soms",
            "IPD1999",
            "inclusiefInactieveRegistraties",
        ),
        ("naam=Test&pagina=0", "IPD1999", "pagina"),
        ("naam=Test&pagina=1001", "IPD1999", "pagina"),
        ("naam=Test&resultatenPerPagina=0", "IPD1999", "resultatenPerPagina"),
        ("naam=Test&resultatenPerPagina=101", "IPD1999", "resultatenPerPagina"),
        ("type=hoofdvestiging", "IPD1998", "invoer"),
    ],
)
async def test_zoeken_validates_every_parameter(
    fake: httpx.AsyncClient, query: str, code: str, mentions: str
) -> None:
    response = await fake.get(f"/v2/zoeken?{query}")
    assert response.status_code == 400
    [error] = [f for f in fout(response) if f["code"] == code]
    assert mentions in error["omschrijving"]


async def test_zoeken_without_hits_is_404_ipd5200(fake: httpx.AsyncClient) -> None:
    # Dorpsstraat 5, Wognum: story 3 has no KvK registrations
    response = await fake.get("/v2/zoeken?postcode=1687AB&huisnummer=5")
    assert response.status_code == 404
    assert codes(response) == ["IPD5200"]


async def test_zoeken_resultaten_per_pagina_bounds_are_inclusive(fake: httpx.AsyncClient) -> None:
    one = await fake.get("/v2/zoeken?kvkNummer=69599084&resultatenPerPagina=1")
    hundred = await fake.get("/v2/zoeken?kvkNummer=69599084&resultatenPerPagina=100")
    assert len(one.json()["resultaten"]) == 1
    assert one.json()["volgende"].endswith("pagina=2")
    assert len(hundred.json()["resultaten"]) == 2


async def test_zoeken_hides_inactive_registrations_unless_asked(fake: httpx.AsyncClient) -> None:
    hidden = await fake.get("/v2/zoeken?kvkNummer=96354429")
    assert hidden.status_code == 404
    shown = await fake.get("/v2/zoeken?kvkNummer=96354429&inclusiefInactieveRegistraties=true")
    assert shown.status_code == 200
    assert {hit["actief"] for hit in shown.json()["resultaten"]} == {"Nee"}


async def test_zoeken_filters_on_huisnummer_toevoeging(fake: httpx.AsyncClient) -> None:
    base = "/v2/zoeken?postcode=8823SJ&huisnummer=3&type=hoofdvestiging"
    match = await fake.get(base + "&huisnummerToevoeging=A")
    assert [h["kvkNummer"] for h in match.json()["resultaten"]] == ["68750110"]
    other = await fake.get(base + "&huisnummerToevoeging=B")
    assert other.status_code == 404


async def test_zoeken_shows_no_street_data_of_a_shielded_address(fake: httpx.AsyncClient) -> None:
    response = await fake.get("/v2/zoeken?kvkNummer=90001354&type=hoofdvestiging")
    [hit] = response.json()["resultaten"]
    assert hit["adres"] == {"binnenlandsAdres": {"type": "bezoekadres", "plaats": "Sterksel"}}


# --- Basisprofiel and Vestigingsprofiel -------------------------------------------------


async def test_basisprofiel_of_an_eenmanszaak(fake: httpx.AsyncClient) -> None:
    body = (await fake.get("/v1/basisprofielen/69599084")).json()
    assert body["kvkNummer"] == "69599084"
    assert body["naam"] == "Test EMZ Dagobert"
    assert body["formeleRegistratiedatum"] == "20170710"
    assert body["materieleRegistratie"] == {"datumAanvang": "20170108"}
    assert body["totaalWerkzamePersonen"] == 1
    assert body["handelsnamen"][1] == {"naam": "Tweede handelsnaam 1MZ", "volgorde": 1}
    assert body["sbiActiviteiten"][0] == {
        "sbiCode": "1011",
        "sbiOmschrijving": "Slachterijen (geen pluimvee-)",
        "indHoofdactiviteit": "Ja",
    }
    assert "statutaireNaam" not in body
    # the owner is a natural person: the legal form only, no RSIN, nothing personal
    eigenaar = body["_embedded"]["eigenaar"]
    assert {k: v for k, v in eigenaar.items() if k != "links"} == {
        "rechtsvorm": "Eenmanszaak",
        "uitgebreideRechtsvorm": "Eenmanszaak",
    }
    hoofdvestiging = body["_embedded"]["hoofdvestiging"]
    assert hoofdvestiging["vestigingsnummer"] == "000038509504"
    assert hoofdvestiging["indHoofdvestiging"] == "Ja"
    [adres] = hoofdvestiging["adressen"]
    assert adres["indAfgeschermd"] == "Nee"
    assert (adres["straatnaam"], adres["huisnummer"], adres["postcode"]) == (
        "Abebe Bikilalaan",
        17,
        "1034WL",
    )
    assert "geoData" not in adres


async def test_basisprofiel_dates_of_the_demo_world_are_recent(fake: httpx.AsyncClient) -> None:
    body = (await fake.get("/v1/basisprofielen/97000011")).json()
    assert body["materieleRegistratie"]["datumAanvang"] == "20251221"  # 2026-03-01 minus 70 days
    assert body["totaalWerkzamePersonen"] == 1
    assert body["_embedded"]["eigenaar"]["rsin"] == "865001005"
    lotus = (await fake.get("/v1/basisprofielen/97000035")).json()
    assert lotus["materieleRegistratie"]["datumAanvang"] == "20250301"
    assert [s["sbiCode"] for s in lotus["sbiActiviteiten"]] == ["96022", "96040"]
    assert lotus["totaalWerkzamePersonen"] == 2


def test_demo_world_dates_follow_today() -> None:
    later = create_app(today=date(2030, 1, 31)).state.registry
    assert later.inschrijvingen["97000011"].datumAanvang == "20291122"


async def test_basisprofiel_geodata_carries_the_bag_ids(fake: httpx.AsyncClient) -> None:
    body = (await fake.get("/v1/basisprofielen/97000011?geoData=true")).json()
    [adres] = body["_embedded"]["hoofdvestiging"]["adressen"]
    assert adres["geoData"] == {
        "addresseerbaarObjectId": "0405010000170088",
        "nummerAanduidingId": "0405200000170088",
    }
    bad = await fake.get("/v1/basisprofielen/97000011?geoData=ja")
    assert bad.status_code == 400
    assert codes(bad) == ["IPD1999"]


async def test_basisprofiel_of_a_shielded_address(fake: httpx.AsyncClient) -> None:
    body = (await fake.get("/v1/basisprofielen/90001354")).json()
    [adres] = body["_embedded"]["hoofdvestiging"]["adressen"]
    assert adres == {
        "type": "bezoekadres",
        "indAfgeschermd": "Ja",
        "plaats": "Sterksel",
        "land": "Nederland",
    }


async def test_basisprofiel_of_an_ended_registration(fake: httpx.AsyncClient) -> None:
    body = (await fake.get("/v1/basisprofielen/96354429")).json()
    assert body["materieleRegistratie"] == {"datumAanvang": "20190101", "datumEinde": "20231231"}
    assert body["_embedded"]["eigenaar"]["rechtsvorm"] == "Coöperatie"


@pytest.mark.parametrize(
    "path",
    [
        "/v1/basisprofielen/{}",
        "/v1/basisprofielen/{}/hoofdvestiging",
        "/v1/basisprofielen/{}/vestigingen",
        "/v1/basisprofielen/{}/eigenaar",
    ],
)
async def test_basisprofiel_numbers_invalid_400_unknown_404(
    fake: httpx.AsyncClient, path: str
) -> None:
    invalid = await fake.get(path.format("1234"))
    assert invalid.status_code == 400
    assert fout(invalid) == [
        {"code": "IPD0004", "omschrijving": "Het KVK-nummer 1234 is niet valide."}
    ]
    unknown = await fake.get(path.format("12345678"))
    assert unknown.status_code == 404
    assert codes(unknown) == ["IPD0005"]


async def test_hoofdvestiging_and_eigenaar_of_a_bv(fake: httpx.AsyncClient) -> None:
    hoofdvestiging = (await fake.get("/v1/basisprofielen/68750110/hoofdvestiging")).json()
    assert hoofdvestiging["vestigingsnummer"] == "000037178598"
    assert [a["type"] for a in hoofdvestiging["adressen"]] == [
        "correspondentieadres",
        "bezoekadres",
    ]
    eigenaar = (await fake.get("/v1/basisprofielen/68750110/eigenaar")).json()
    assert (eigenaar["rsin"], eigenaar["rechtsvorm"]) == ("857587973", "Besloten Vennootschap")


async def test_vestigingen_of_a_business_with_1000(fake: httpx.AsyncClient) -> None:
    body = (await fake.get("/v1/basisprofielen/90006577/vestigingen")).json()
    assert body["totaalAantalVestigingen"] == 1000
    assert len(body["vestigingen"]) == 1000
    first = body["vestigingen"][0]
    assert first["vestigingsnummer"] == "900065770000"
    assert first["indHoofdvestiging"] == "Ja"
    assert sum(v["indHoofdvestiging"] == "Ja" for v in body["vestigingen"]) == 1


async def test_vestigingsprofiel(fake: httpx.AsyncClient) -> None:
    body = (await fake.get("/v1/vestigingsprofielen/000038509520")).json()
    assert body["kvkNummer"] == "69599084"
    assert body["eersteHandelsnaam"] == "Test EMZ Nevenvestiging Govert"
    assert body["indHoofdvestiging"] == "Nee"
    invalid = await fake.get("/v1/vestigingsprofielen/38509520")
    assert (invalid.status_code, codes(invalid)) == (400, ["IPD0006"])
    unknown = await fake.get("/v1/vestigingsprofielen/000000000001")
    assert (unknown.status_code, codes(unknown)) == (404, ["IPD0007"])


# --- plumbing: mount, traceparents, failure injection ------------------------------------


@pytest.mark.parametrize("mount", ["/api", "/fakes/kvk/api"])
async def test_works_mounted_by_a_parent_app(mount: str) -> None:
    parent = Starlette(routes=[Mount(mount, app=create_app())])
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=parent),
        base_url="http://hub",
        headers={"apikey": FAKE_API_KEY},
    ) as client:
        response = await client.get(f"{mount}/v1/basisprofielen/68750110")
    assert response.status_code == 200
    assert response.json()["links"][0]["href"] == f"http://hub{mount}/v1/basisprofielen/68750110"


async def test_records_the_last_1000_traceparents(
    fake_app: FastAPI, fake: httpx.AsyncClient
) -> None:
    for i in range(1003):
        await fake.get("/v1/basisprofielen/1", headers={"traceparent": f"00-{i:032x}-{i:016x}-01"})
    received = fake_app.state.received_traceparents
    assert len(received) == 1000
    assert received[0] == f"00-{3:032x}-{3:016x}-01"
    assert received[-1] == f"00-{1002:032x}-{1002:016x}-01"


async def test_failure_injection_fails_the_first_requests_then_recovers() -> None:
    app = create_app(fail_status=503, fail_times=1, retry_after="2")
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=BASE, headers={"apikey": FAKE_API_KEY}
    ) as client:
        first = await client.get("/v1/basisprofielen/69599084")
        second = await client.get("/v1/basisprofielen/69599084")
    assert (first.status_code, first.headers["retry-after"], codes(first)) == (
        503,
        "2",
        ["IPD9999"],
    )
    assert second.status_code == 200


async def test_latency_injection() -> None:
    app = create_app(latency_s=0.05)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=BASE, headers={"apikey": FAKE_API_KEY}
    ) as client:
        started = time.perf_counter()
        await client.get("/v1/basisprofielen/69599084")
    assert time.perf_counter() - started >= 0.05
