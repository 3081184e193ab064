"""The BRP fake against the published BRP Personen v2 contract."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from connectors.brp.fake import FAKE_API_KEY, FAKE_CLIENT_ID, FAKE_CLIENT_SECRET, MOUNT, create_app
from connectors.brp.fake._render import render_persoon
from connectors.brp.fake.data import PERSONS

TODAY = date(2026, 11, 28)  # the fake's date in these tests, as in conftest
OpenFake = Callable[[FastAPI], httpx.AsyncClient]

PROBLEM = "application/problem+json"
RAADPLEEG = "RaadpleegMetBurgerservicenummer"


def raadpleeg(*bsns: str, fields: list[str], **extra: Any) -> dict[str, Any]:
    return {"type": RAADPLEEG, "burgerservicenummer": list(bsns), "fields": fields, **extra}


async def post(client: httpx.AsyncClient, token: str, body: Any) -> httpx.Response:
    return await client.post("/personen", json=body, headers={"Authorization": f"Bearer {token}"})


def invalid_params(response: httpx.Response) -> list[tuple[str, str, str]]:
    assert response.status_code == 400
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["code"] == "paramsValidation"
    assert body["title"] == "Een of meerdere parameters zijn niet correct."
    return [(p["name"], p["code"], p["reason"]) for p in body["invalidParams"]]


# --- authentication -----------------------------------------------------------------


async def test_token_endpoint_issues_bearer_token(
    fake: FastAPI, fake_http: httpx.AsyncClient
) -> None:
    response = await fake_http.post(
        "/token",
        data={
            "grant_type": "client_credentials",
            "client_id": FAKE_CLIENT_ID,
            "client_secret": FAKE_CLIENT_SECRET,
            "scope": "brp-personen",
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert body["scope"] == "brp-personen"
    assert len(body["access_token"]) > 20
    assert response.headers["cache-control"] == "no-store"
    assert fake.state.tokens_issued == 1


async def test_token_endpoint_accepts_http_basic_client_auth(fake_http: httpx.AsyncClient) -> None:
    response = await fake_http.post(
        "/token",
        data={"grant_type": "client_credentials"},
        auth=(FAKE_CLIENT_ID, FAKE_CLIENT_SECRET),
    )
    assert response.status_code == 200
    assert response.json()["token_type"] == "Bearer"


@pytest.mark.parametrize(
    ("form", "status", "error"),
    [
        ({"grant_type": "client_credentials", "client_id": FAKE_CLIENT_ID,
          "client_secret": "wrong"}, 401, "invalid_client"),
        ({"grant_type": "client_credentials", "client_id": "someone-else",
          "client_secret": FAKE_CLIENT_SECRET}, 401, "invalid_client"),
        ({"grant_type": "password", "client_id": FAKE_CLIENT_ID,
          "client_secret": FAKE_CLIENT_SECRET}, 400, "unsupported_grant_type"),
        ({"client_id": FAKE_CLIENT_ID, "client_secret": FAKE_CLIENT_SECRET}, 400,
         "invalid_request"),
    ],
)  # fmt: skip
async def test_token_endpoint_refuses(
    fake: FastAPI, fake_http: httpx.AsyncClient, form: dict[str, str], status: int, error: str
) -> None:
    response = await fake_http.post("/token", data=form)
    assert response.status_code == status
    assert response.json() == {"error": error}
    assert fake.state.tokens_issued == 0


async def test_personen_without_credentials_is_401_problem(fake_http: httpx.AsyncClient) -> None:
    response = await fake_http.post("/personen", json=raadpleeg("999993653", fields=["leeftijd"]))
    assert response.status_code == 401
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["code"] == "authentication"
    assert body["title"] == "Niet correct geauthenticeerd."
    assert body["status"] == 401
    assert body["instance"] == f"{MOUNT}/personen"
    assert "personen" not in body


@pytest.mark.parametrize(
    "headers",
    [
        {"Authorization": "Bearer not-issued-by-the-fake"},
        {"X-API-KEY": "wrong-key"},
        {"Authorization": f"Basic {FAKE_API_KEY}"},
    ],
)
async def test_personen_with_wrong_credentials_is_401(
    fake_http: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    response = await fake_http.post(
        "/personen", json=raadpleeg("999993653", fields=["leeftijd"]), headers=headers
    )
    assert response.status_code == 401
    assert response.json()["code"] == "authentication"


async def test_personen_accepts_the_api_key(fake_http: httpx.AsyncClient) -> None:
    response = await fake_http.post(
        "/personen",
        json=raadpleeg("999993653", fields=["naam.geslachtsnaam"]),
        headers={"X-API-KEY": FAKE_API_KEY},
    )
    assert response.status_code == 200
    assert response.json()["personen"] == [{"naam": {"geslachtsnaam": "Moulin"}}]


async def test_expired_token_is_refused(open_fake: OpenFake) -> None:
    client = open_fake(create_app(today=TODAY, token_ttl_s=0))
    form = {
        "grant_type": "client_credentials",
        "client_id": FAKE_CLIENT_ID,
        "client_secret": FAKE_CLIENT_SECRET,
    }
    token = (await client.post("/token", data=form)).json()["access_token"]
    response = await post(client, token, raadpleeg("999993653", fields=["leeftijd"]))
    assert response.status_code == 401


# --- raadplegen and projection ----------------------------------------------------------


async def test_raadpleeg_projects_a_leaf(fake_http: httpx.AsyncClient, token: str) -> None:
    response = await post(fake_http, token, raadpleeg("999993653", fields=["naam.voornamen"]))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"type": RAADPLEEG, "personen": [{"naam": {"voornamen": "Suzanne"}}]}


async def test_raadpleeg_parent_path_returns_whole_subobject(
    fake_http: httpx.AsyncClient, token: str
) -> None:
    response = await post(fake_http, token, raadpleeg("999993653", fields=["naam", "leeftijd"]))
    [persoon] = response.json()["personen"]
    assert persoon == {
        "leeftijd": 40,
        "naam": {
            "voornamen": "Suzanne",
            "voorletters": "S.",
            "geslachtsnaam": "Moulin",
            "volledigeNaam": "Suzanne Moulin",
            "aanduidingNaamgebruik": {"code": "E", "omschrijving": "eigen geslachtsnaam"},
        },
    }


async def test_raadpleeg_public_test_person_999993653(
    fake_http: httpx.AsyncClient, token: str
) -> None:
    fields = [
        "burgerservicenummer",
        "geboorte",
        "geslacht",
        "nationaliteiten",
        "verblijfplaats",
        "gemeenteVanInschrijving",
        "datumInschrijvingInGemeente",
        "immigratie",
    ]
    [persoon] = (await post(fake_http, token, raadpleeg("999993653", fields=fields))).json()[
        "personen"
    ]
    assert persoon["burgerservicenummer"] == "999993653"
    assert persoon["geboorte"] == {
        "datum": {"type": "Datum", "datum": "1985-12-01", "langFormaat": "1 december 1985"},
        "plaats": {"omschrijving": "Thann"},
        "land": {"code": "5001", "omschrijving": "Canada"},
    }
    assert persoon["geslacht"] == {"code": "V", "omschrijving": "vrouw"}
    assert persoon["nationaliteiten"] == [
        {"type": "Nationaliteit", "nationaliteit": {"code": "0057", "omschrijving": "Franse"}}
    ]
    assert persoon["verblijfplaats"]["type"] == "Adres"
    assert persoon["verblijfplaats"]["verblijfadres"] == {
        "officieleStraatnaam": "Boterdiep",
        "korteStraatnaam": "Boterdiep",
        "huisnummer": 31,
        "postcode": "3077AW",
        "woonplaats": "Rotterdam",
    }
    assert persoon["verblijfplaats"]["adresseerbaarObjectIdentificatie"] == "0599010000208579"
    assert persoon["verblijfplaats"]["nummeraanduidingIdentificatie"] == "0599200000219678"
    assert persoon["verblijfplaats"]["datumVan"]["datum"] == "2015-08-08"
    assert persoon["gemeenteVanInschrijving"] == {"code": "0599", "omschrijving": "Rotterdam"}
    assert persoon["datumInschrijvingInGemeente"]["datum"] == "2013-11-02"
    assert persoon["immigratie"]["landVanwaarIngeschreven"] == {
        "code": "5002",
        "omschrijving": "Frankrijk",
    }
    assert "naam" not in persoon and "leeftijd" not in persoon and "adressering" not in persoon


@pytest.mark.parametrize(
    ("bsn", "volledige_naam", "geboortedatum", "gemeente", "aoi"),
    [
        ("999990676", "Cornelia Francisca Wiegman", "1907-02-03", "0518", "0518013530058001"),
        ("999991978", "Adrianus Holthuizen", "1927-02-03", "0518", "0518014040007001"),
        ("999993483", "Jacoba Magdalena gravin te Schaars", "1965-05-22", "1999", None),
    ],
)
async def test_raadpleeg_public_test_persons(
    fake_http: httpx.AsyncClient,
    token: str,
    bsn: str,
    volledige_naam: str,
    geboortedatum: str,
    gemeente: str,
    aoi: str | None,
) -> None:
    fields = ["naam.volledigeNaam", "geboorte.datum", "gemeenteVanInschrijving", "verblijfplaats"]
    [persoon] = (await post(fake_http, token, raadpleeg(bsn, fields=fields))).json()["personen"]
    assert persoon["naam"] == {"volledigeNaam": volledige_naam}
    assert persoon["geboorte"]["datum"]["datum"] == geboortedatum
    assert persoon["gemeenteVanInschrijving"]["code"] == gemeente
    assert persoon["verblijfplaats"].get("adresseerbaarObjectIdentificatie") == aoi


async def test_date_subfield_returns_the_whole_date(
    fake_http: httpx.AsyncClient, token: str
) -> None:
    response = await post(fake_http, token, raadpleeg("999992351", fields=["geboorte.datum.jaar"]))
    assert response.json()["personen"] == [
        {"geboorte": {"datum": {"type": "JaarMaandDatum", "jaar": 1978, "maand": 3,
                                "langFormaat": "maart 1978"}}}
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("bsn", "datum"),
    [
        ("999995844", {"type": "JaarDatum", "jaar": 1971, "langFormaat": "1971"}),
        ("999994220", {"type": "DatumOnbekend", "onbekend": True, "langFormaat": "onbekend"}),
    ],
)
async def test_partial_birth_dates_and_no_age(
    fake_http: httpx.AsyncClient, token: str, bsn: str, datum: dict[str, Any]
) -> None:
    response = await post(fake_http, token, raadpleeg(bsn, fields=["geboorte.datum", "leeftijd"]))
    assert response.json()["personen"] == [{"geboorte": {"datum": datum}}]


async def test_polymorphic_type_kept_with_a_subfield(
    fake_http: httpx.AsyncClient, token: str
) -> None:
    body = raadpleeg("999993483", fields=["verblijfplaats.verblijfadres.land"])
    [persoon] = (await post(fake_http, token, body)).json()["personen"]
    assert persoon["verblijfplaats"] == {
        "type": "VerblijfplaatsBuitenland",
        "verblijfadres": {"land": {"code": "5010", "omschrijving": "België"}},
    }


async def test_automatic_fields_are_added(fake_http: httpx.AsyncClient, token: str) -> None:
    response = await post(fake_http, token, raadpleeg("999993483", fields=["burgerservicenummer"]))
    assert response.json()["personen"] == [
        {
            "burgerservicenummer": "999993483",
            "geheimhoudingPersoonsgegevens": True,
            "opschortingBijhouding": {
                "reden": {"code": "E", "omschrijving": "emigratie"},
                "datum": {"type": "Datum", "datum": "2014-07-02", "langFormaat": "2 juli 2014"},
            },
        }
    ]


async def test_raadpleeg_returns_deceased_persons(fake_http: httpx.AsyncClient, token: str) -> None:
    response = await post(
        fake_http, token, raadpleeg("999990147", fields=["overlijden", "leeftijd"])
    )
    [persoon] = response.json()["personen"]
    assert persoon["overlijden"] == {
        "datum": {"type": "Datum", "datum": "2018-05-26", "langFormaat": "26 mei 2018"},
        "plaats": {"code": "0599", "omschrijving": "Rotterdam"},
        "land": {"code": "6030", "omschrijving": "Nederland"},
    }
    assert "leeftijd" not in persoon
    assert persoon["opschortingBijhouding"]["reden"]["code"] == "O"


async def test_not_found_is_an_empty_list(fake_http: httpx.AsyncClient, token: str) -> None:
    response = await post(fake_http, token, raadpleeg("111222333", fields=["leeftijd"]))
    assert response.status_code == 200
    assert response.json() == {"type": RAADPLEEG, "personen": []}


async def test_several_bsns_in_one_call(fake_http: httpx.AsyncClient, token: str) -> None:
    body = raadpleeg("999970173", "999970185", "111222333", fields=["burgerservicenummer"])
    personen = (await post(fake_http, token, body)).json()["personen"]
    assert [p["burgerservicenummer"] for p in personen] == ["999970173", "999970185"]


@pytest.mark.parametrize(("gemeente", "found"), [("0599", 1), ("0518", 0)])
async def test_gemeente_van_inschrijving_filters(
    fake_http: httpx.AsyncClient, token: str, gemeente: str, found: int
) -> None:
    body = raadpleeg("999993653", fields=["leeftijd"], gemeenteVanInschrijving=gemeente)
    response = await post(fake_http, token, body)
    assert response.status_code == 200
    assert len(response.json()["personen"]) == found


# --- the demo world -------------------------------------------------------------------

DEMO_WORLD = {
    "999970008": ("Piotr Nowak", "1990-04-12", "Poolse", "1621JH"),
    "999970021": ("Andrei Popescu", "1997-09-30", "Roemeense", "1621JH"),
    "999970033": ("Marta Kowalska", "2001-01-15", "Poolse", "1621JH"),
    "999970045": ("Ionut Dumitru", "1985-06-02", "Roemeense", "1621JH"),
    "999970057": ("Katarzyna Wiśniewska", "2004-11-23", "Poolse", "1621JH"),
    "999970069": ("Mihai Ionescu", "1993-03-08", "Roemeense", "1621JH"),
    "999970070": ("Tomasz Zieliński", "1988-07-19", "Poolse", "1621JH"),
    "999970082": ("Elena Stan", "2000-12-01", "Roemeense", "1621JH"),
    "999970094": ("Pawel Lewandowski", "1982-02-27", "Poolse", "1621JH"),
    "999970100": ("Adam Wójcik", "1991-05-14", "Poolse", "1621JH"),
    "999970112": ("Radu Marin", "1989-10-02", "Roemeense", "1621JH"),
    "999970124": ("Mai Nguyen", "2003-05-05", "Vietnamese", "1601AM"),
    "999970136": ("Ana Costa", "1999-08-14", "Braziliaanse", "1601AM"),
    "999970148": ("Lin Wei", "2005-02-10", "Chinese", "1601AM"),
    "999970161": ("Johan de Vries", "1971-10-03", "Nederlandse", "1601GJ"),
    "999970173": ("Daan Bakker", str(TODAY.replace(year=TODAY.year - 16) - timedelta(days=120)),
                  "Nederlandse", "1687AB"),
    "999970185": ("Kevin Smit", "1994-01-20", "Nederlandse", "1687AB"),
    "999970197": ("Sandra Bakker", "1978-04-11", "Nederlandse", "1687AB"),
}  # fmt: skip


async def test_every_demo_world_person(fake_http: httpx.AsyncClient, token: str) -> None:
    fields = ["naam.volledigeNaam", "geboorte.datum", "nationaliteiten", "verblijfplaats"]
    body = raadpleeg(*DEMO_WORLD, fields=fields)
    assert len(body["burgerservicenummer"]) == 18
    response = await post(fake_http, token, {**body, "burgerservicenummer": list(DEMO_WORLD)[:9]})
    response2 = await post(fake_http, token, {**body, "burgerservicenummer": list(DEMO_WORLD)[9:]})
    personen = response.json()["personen"] + response2.json()["personen"]
    assert len(personen) == 18
    for bsn, persoon in zip(DEMO_WORLD, personen, strict=True):
        naam, geboren, nationaliteit, postcode = DEMO_WORLD[bsn]
        assert persoon["naam"]["volledigeNaam"] == naam
        assert persoon["geboorte"]["datum"]["datum"] == geboren
        assert persoon["nationaliteiten"][0]["nationaliteit"]["omschrijving"] == nationaliteit
        assert persoon["verblijfplaats"].get("verblijfadres", {}).get("postcode") == postcode


async def test_the_minor_is_always_16_and_recent_registrations_are_recent(
    fake_http: httpx.AsyncClient, token: str
) -> None:
    fields = ["leeftijd", "datumInschrijvingInGemeente"]
    personen = (
        await post(fake_http, token, raadpleeg("999970173", "999970057", fields=fields))
    ).json()["personen"]
    assert personen[0]["leeftijd"] == 16
    assert personen[1]["datumInschrijvingInGemeente"]["datum"] == str(TODAY - timedelta(days=20))


@pytest.mark.parametrize("today", [date(2027, 2, 28), date(2028, 2, 29), date(2030, 7, 1)])
def test_the_minor_is_16_on_any_day(today: date) -> None:
    assert render_persoon(PERSONS["999970173"], today)["leeftijd"] == 16


# --- zoeken -------------------------------------------------------------------------


async def test_zoek_adresseerbaar_object_returns_persoon_beperkt(
    fake_http: httpx.AsyncClient, token: str
) -> None:
    body = {
        "type": "ZoekMetAdresseerbaarObjectIdentificatie",
        "adresseerbaarObjectIdentificatie": "0420010000150005",
        "fields": ["burgerservicenummer", "naam.volledigeNaam", "geboorte"],
    }
    response = await post(fake_http, token, body)
    assert response.status_code == 200
    personen = response.json()["personen"]
    assert [p["burgerservicenummer"] for p in personen] == ["999970173", "999970185", "999970197"]
    assert personen[1] == {
        "burgerservicenummer": "999970185",
        "naam": {"volledigeNaam": "Kevin Smit"},
        "geboorte": {"datum": {"type": "Datum", "datum": "1994-01-20",
                               "langFormaat": "20 januari 1994"}},
    }  # fmt: skip


@pytest.mark.parametrize(
    "aoi",
    [
        "0405010000170088",  # Kleine Noord 88: 9 residents and 2 with unknown move-in date
        "1810010010001001",  # Van Wijngaerdenstraat 1 of the RvIG test set: 21 residents
    ],
)
async def test_zoek_more_than_ten_hits_is_too_many_results(
    fake_http: httpx.AsyncClient, token: str, aoi: str
) -> None:
    body = {
        "type": "ZoekMetAdresseerbaarObjectIdentificatie",
        "adresseerbaarObjectIdentificatie": aoi,
        "fields": ["burgerservicenummer"],
    }
    response = await post(fake_http, token, body)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith(PROBLEM)
    assert response.json()["code"] == "tooManyResults"
    assert "invalidParams" not in response.json()


async def test_narrowed_search_at_kleine_noord(fake_http: httpx.AsyncClient, token: str) -> None:
    body = {
        "type": "ZoekMetPostcodeEnHuisnummer",
        "postcode": "1621JH",
        "huisnummer": 88,
        "geslachtsnaam": "Wiśniewska",
        "fields": ["burgerservicenummer", "naam.volledigeNaam"],
    }
    assert (await post(fake_http, token, body)).json()["personen"] == [
        {"burgerservicenummer": "999970057", "naam": {"volledigeNaam": "Katarzyna Wiśniewska"}}
    ]


async def test_zoek_cannot_ask_for_verblijfplaats(fake_http: httpx.AsyncClient, token: str) -> None:
    body = {
        "type": "ZoekMetPostcodeEnHuisnummer",
        "postcode": "1687AB",
        "huisnummer": 5,
        "fields": ["burgerservicenummer", "verblijfplaats"],
    }
    assert invalid_params(await post(fake_http, token, body)) == [
        ("fields[1]", "fields", "Parameter bevat een niet bestaande veldnaam.")
    ]


async def test_zoek_postcode_en_huisnummer(fake_http: httpx.AsyncClient, token: str) -> None:
    body = {
        "type": "ZoekMetPostcodeEnHuisnummer",
        "postcode": "1687 ab",
        "huisnummer": 5,
        "fields": ["burgerservicenummer", "leeftijd", "adressering.adresregel1"],
    }
    personen = (await post(fake_http, token, body)).json()["personen"]
    assert personen == [
        {"burgerservicenummer": "999970173", "leeftijd": 16,
         "adressering": {"adresregel1": "Dorpsstraat 5"}},
        {"burgerservicenummer": "999970185", "leeftijd": 32,
         "adressering": {"adresregel1": "Dorpsstraat 5"}},
        {"burgerservicenummer": "999970197", "leeftijd": 48,
         "adressering": {"adresregel1": "Dorpsstraat 5"}},
    ]  # fmt: skip


@pytest.mark.parametrize("geslachtsnaam", ["Moulin", "moulin", "Moul*"])
async def test_zoek_geslachtsnaam_en_geboortedatum(
    fake_http: httpx.AsyncClient, token: str, geslachtsnaam: str
) -> None:
    body = {
        "type": "ZoekMetGeslachtsnaamEnGeboortedatum",
        "geslachtsnaam": geslachtsnaam,
        "geboortedatum": "1985-12-01",
        "fields": ["burgerservicenummer"],
    }
    assert (await post(fake_http, token, body)).json()["personen"] == [
        {"burgerservicenummer": "999993653"}
    ]


@pytest.mark.parametrize(("inclusief", "found"), [(None, []), (True, ["999990147"])])
async def test_zoek_leaves_out_deceased_persons_unless_asked(
    fake_http: httpx.AsyncClient, token: str, inclusief: bool | None, found: list[str]
) -> None:
    body: dict[str, Any] = {
        "type": "ZoekMetGeslachtsnaamEnGeboortedatum",
        "geslachtsnaam": "Buidel",
        "geboortedatum": "1948-01-17",
        "fields": ["burgerservicenummer"],
    }
    if inclusief is not None:
        body["inclusiefOverledenPersonen"] = inclusief
    personen = (await post(fake_http, token, body)).json()["personen"]
    assert [p["burgerservicenummer"] for p in personen] == found


async def test_zoek_nummeraanduiding_and_straat(fake_http: httpx.AsyncClient, token: str) -> None:
    by_id = {
        "type": "ZoekMetNummeraanduidingIdentificatie",
        "nummeraanduidingIdentificatie": "0388200000120201",
        "fields": ["burgerservicenummer"],
    }
    by_street = {
        "type": "ZoekMetStraatHuisnummerEnGemeenteVanInschrijving",
        "straat": "Westerst*",
        "huisnummer": 201,
        "gemeenteVanInschrijving": "0388",
        "fields": ["burgerservicenummer"],
    }
    expected = [
        {"burgerservicenummer": "999970124"},
        {"burgerservicenummer": "999970136"},
        {"burgerservicenummer": "999970148"},
    ]
    assert (await post(fake_http, token, by_id)).json()["personen"] == expected
    assert (await post(fake_http, token, by_street)).json()["personen"] == expected


# --- validation -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"fields": ["leeftijd"]}, [("type", "required", "Parameter is verplicht.")]),
        ({"type": "ZoekMetGeslachtsnaam", "fields": ["leeftijd"]},
         [("type", "value", "Waarde is geen geldig zoek type.")]),
        ({"type": RAADPLEEG, "burgerservicenummer": ["999993653"]},
         [("fields", "required", "Parameter is verplicht.")]),
        (raadpleeg("999993653", fields=[]),
         [("fields", "minItems", "Array bevat minder dan 1 items.")]),
        (raadpleeg("999993653", fields=["leeftijd"] * 131),
         [("fields", "maxItems", "Array bevat meer dan 130 items.")]),
        (raadpleeg("999993653", fields=["leeftijd", "naam.bestaatNiet"]),
         [("fields[1]", "fields", "Parameter bevat een niet bestaande veldnaam.")]),
        (raadpleeg("999993653", fields=["geheimhoudingPersoonsgegevens"]),
         [("fields[0]", "fields", "Parameter bevat een niet toegestane veldnaam.")]),
        (raadpleeg("999993653", fields=["naam.inOnderzoek"]),
         [("fields[0]", "fields", "Parameter bevat een niet toegestane veldnaam.")]),
        (raadpleeg("999993653", fields=["naam,leeftijd"]),
         [("fields[0]", "pattern", r"Waarde voldoet niet aan patroon ^[a-zA-Z0-9\._]{1,200}$.")]),
        ({"type": RAADPLEEG, "fields": ["leeftijd"]},
         [("burgerservicenummer", "required", "Parameter is verplicht.")]),
        (raadpleeg(fields=["leeftijd"]),
         [("burgerservicenummer", "minItems", "Array bevat minder dan 1 items.")]),
        (raadpleeg(*["999993653"] * 21, fields=["leeftijd"]),
         [("burgerservicenummer", "maxItems", "Array bevat meer dan 20 items.")]),
        (raadpleeg("99999365", "999993653", fields=["leeftijd"]),
         [("burgerservicenummer[0]", "pattern", "Waarde voldoet niet aan patroon ^[0-9]{9}$.")]),
        (raadpleeg("999993653", fields=["leeftijd"], gemeenteVanInschrijving="599"),
         [("gemeenteVanInschrijving", "pattern",
           "Waarde voldoet niet aan patroon ^[0-9]{4}$.")]),
        (raadpleeg("999993653", fields=["leeftijd"], postcode="3077AW"),
         [("postcode", "unknownParam", "Parameter is niet verwacht.")]),
        ({"type": "ZoekMetPostcodeEnHuisnummer", "postcode": "0000AA", "huisnummer": "5",
          "fields": ["leeftijd"]},
         [("postcode", "pattern",
           "Waarde voldoet niet aan patroon ^[1-9]{1}[0-9]{3}[ ]?[A-Za-z]{2}$."),
          ("huisnummer", "integer", "Waarde is geen geldig getal.")]),
        ({"type": "ZoekMetGeslachtsnaamEnGeboortedatum", "geslachtsnaam": "Mo*",
          "geboortedatum": "1985-02-30", "fields": ["leeftijd"]},
         [("geslachtsnaam", "pattern", "Waarde voldoet niet aan patroon "
           r"^[a-zA-Z0-9À-ž \.\-\']{1,200}$|^[a-zA-Z0-9À-ž \.\-\']{3,199}\*{1}$."),
          ("geboortedatum", "date", "Waarde is geen geldige datum.")]),
        ({"type": "ZoekMetAdresseerbaarObjectIdentificatie", "fields": ["leeftijd"],
          "inclusiefOverledenPersonen": "ja"},
         [("adresseerbaarObjectIdentificatie", "required", "Parameter is verplicht."),
          ("inclusiefOverledenPersonen", "boolean", "Waarde is geen boolean.")]),
    ],
)  # fmt: skip
async def test_validation(
    fake_http: httpx.AsyncClient,
    token: str,
    body: dict[str, Any],
    expected: list[tuple[str, str, str]],
) -> None:
    response = await post(fake_http, token, body)
    assert invalid_params(response) == expected
    names = ", ".join(dict.fromkeys(name for name, _, _ in expected))
    assert response.json()["detail"] == f"De foutieve parameter(s) zijn: {names}."
    assert response.json()["instance"] == f"{MOUNT}/personen"


async def test_body_must_be_json(fake_http: httpx.AsyncClient, token: str) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    not_json = await fake_http.post(
        "/personen", content=b"{nope", headers={**headers, "Content-Type": "application/json"}
    )
    assert not_json.status_code == 400
    assert not_json.json()["code"] == "paramsValidation"
    form = await fake_http.post("/personen", data={"type": RAADPLEEG}, headers=headers)
    assert form.status_code == 415
    assert form.headers["content-type"].startswith(PROBLEM)


async def test_unknown_path_and_method_are_problems(
    fake_http: httpx.AsyncClient, token: str
) -> None:
    missing = await fake_http.post("/ingeschrevenpersonen", json={})
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith(PROBLEM)
    assert missing.json()["code"] == "notFound"
    wrong_method = await fake_http.get("/personen")
    assert wrong_method.status_code == 405
    assert wrong_method.json()["code"] == "methodNotAllowed"


# --- observability and failure injection ---------------------------------------------


async def test_traceparent_is_recorded(
    fake: FastAPI, fake_http: httpx.AsyncClient, token: str
) -> None:
    traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    await fake_http.post(
        "/personen",
        json=raadpleeg("999993653", fields=["leeftijd"]),
        headers={"Authorization": f"Bearer {token}", "traceparent": traceparent},
    )
    assert fake.state.received_traceparents[-1] == traceparent


async def test_failure_injection_then_recovery(open_fake: OpenFake) -> None:
    client = open_fake(create_app(today=TODAY, fail_status=503, fail_times=1, retry_after_s=3))
    body = raadpleeg("999993653", fields=["leeftijd"])
    headers = {"X-API-KEY": FAKE_API_KEY}
    first = await client.post("/personen", json=body, headers=headers)
    second = await client.post("/personen", json=body, headers=headers)
    assert first.status_code == 503
    assert first.headers["retry-after"] == "3"
    assert first.json()["code"] == "notAvailable"
    assert second.status_code == 200
    assert second.json()["personen"] == [{"leeftijd": 40}]


async def test_latency_injection_delays_answers(open_fake: OpenFake) -> None:
    client = open_fake(create_app(today=TODAY, latency_s=0.2))
    started = time.perf_counter()
    response = await client.post("/personen", json={}, headers={"X-API-KEY": FAKE_API_KEY})
    assert time.perf_counter() - started >= 0.2
    assert response.status_code == 400
