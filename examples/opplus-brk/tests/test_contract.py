"""The hub's connector contract kit on the BRK connector, and the fake's own contract."""

from __future__ import annotations

import httpx
import pytest
from opplus_brk import plugin
from opplus_brk.fake import FAKE_API_KEY, create_app
from opplus_brk.fake import plugin as fake_plugin

from plugins import AddressRef
from plugins.testing import ConnectorContract, ContractCase

from .conftest import BASE_URL

KLEINE_NOORD_88 = AddressRef("1621JH", 88, adresseerbaarObjectIdentificatie="0405010000170088")
WESTERSTRAAT_201 = AddressRef("1601AM", 201, adresseerbaarObjectIdentificatie="0388010000120201")
DIJK_12 = AddressRef("1601GJ", 12, adresseerbaarObjectIdentificatie="0388010000110012")
DORPSSTRAAT_5 = AddressRef("1687AB", 5, adresseerbaarObjectIdentificatie="0420010000150005")


class TestBrkContract(ConnectorContract):
    @pytest.fixture
    def case(self) -> ContractCase:
        return ContractCase(
            spec=plugin.SPEC,
            fake=fake_plugin.FAKE,
            settings={
                "base_url": BASE_URL,
                "timeout_s": 2.0,
                "max_attempts": 1,
                "check_postcode": "1621JH",
                "check_huisnummer": 88,
            },
            known=[KLEINE_NOORD_88, WESTERSTRAAT_201, DIJK_12, DORPSSTRAAT_5],
            unknown=[
                # an address the BRK does not know
                AddressRef("1621JH", 90, adresseerbaarObjectIdentificatie="0405010000170090"),
                # a known address, but another adresseerbaar object than the registry's
                AddressRef("1621JH", 88, adresseerbaarObjectIdentificatie="0405010000179999"),
            ],
            bad_credentials={"OPPLUS_BRK_API_KEY": "wrong"},
        )


def test_plugin_registers_the_connector_and_its_fake() -> None:
    connectors: list[object] = []
    fakes: list[object] = []
    plugin.register_connectors(connectors.append)
    fake_plugin.register_fakes(fakes.append)
    assert connectors == [plugin.SPEC] and plugin.SPEC.name == "brk"
    assert fakes == [fake_plugin.FAKE]
    assert fake_plugin.FAKE.mount == "/kadaster/brk/bevragen/v2"
    assert dict(fake_plugin.FAKE.test_env) == {"OPPLUS_BRK_API_KEY": "fake-brk-api-key"}
    # production loads the connector's plugin module alone: it must not bring the fake
    assert not hasattr(plugin, "register_fakes")


# --- the fake against the published contract --------------------------------------------


async def test_fake_needs_the_api_key(fake: httpx.AsyncClient) -> None:
    params = {"postcode": "1621JH", "huisnummer": "88"}
    for headers in ({"X-Api-Key": ""}, {"X-Api-Key": "wrong"}):
        response = await fake.get("/kadastraalonroerendezaken", params=params, headers=headers)
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"
        body = response.json()
        assert body["code"] == "authentication" and body["status"] == 401
        assert body["title"] == "Niet correct geauthenticeerd."
    ok = await fake.get("/kadastraalonroerendezaken", params=params)
    assert ok.status_code == 200 and ok.headers["api-version"] == "2.0.0"


async def test_fake_validates_parameters_with_invalid_params(fake: httpx.AsyncClient) -> None:
    response = await fake.get(
        "/kadastraalonroerendezaken", params={"postcode": "1621 JH", "huisnummer": "nul"}
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "paramsValidation"
    assert {(p["name"], p["code"]) for p in body["invalidParams"]} == {
        ("postcode", "pattern"),
        ("huisnummer", "integer"),
    }
    assert body["instance"] == "/kadastraalonroerendezaken?postcode=1621+JH&huisnummer=nul"


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({}, "paramsRequired"),
        ({"postcode": "1621JH", "kadastraleAanduiding": "Hoorn B 4521"}, "paramsCombination"),
        ({"huisnummer": "88"}, "paramsCombination"),
    ],
)
async def test_fake_wants_exactly_one_search_category(
    fake: httpx.AsyncClient, params: dict[str, str], code: str
) -> None:
    response = await fake.get("/kadastraalonroerendezaken", params=params)
    assert response.status_code == 400 and response.json()["code"] == code


async def test_fake_rejects_unknown_parameters_fields_and_types(fake: httpx.AsyncClient) -> None:
    unknown = await fake.get(
        "/kadastraalonroerendezaken", params={"postcode": "1621JH", "page": "2"}
    )
    assert [(p["name"], p["code"]) for p in unknown.json()["invalidParams"]] == [
        ("page", "unknownParam")
    ]
    fields = await fake.get(
        "/kadastraalonroerendezaken", params={"postcode": "1621JH", "fields": "eigenaar"}
    )
    assert [(p["name"], p["code"]) for p in fields.json()["invalidParams"]] == [
        ("fields", "fields")
    ]
    kind = await fake.get(
        "/kadastraalonroerendezaken/21740452170000/zakelijkgerechtigden", params={"type": "huurder"}
    )
    assert kind.status_code == 400
    assert [(p["name"], p["code"]) for p in kind.json()["invalidParams"]] == [("type", "enum")]


async def test_fake_does_not_page_and_refuses_too_many_results() -> None:
    app = create_app(max_results=1)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url=BASE_URL,
        headers={"X-Api-Key": FAKE_API_KEY},
    ) as fake:
        one = await fake.get("/kadastraalonroerendezaken", params={"postcode": "1621JH"})
        assert one.status_code == 200
        # a collection carries a self link only: BRK Bevragen v2 does not page
        assert set(one.json()["_links"]) == {"self"}
        assert len(one.json()["_embedded"]["kadastraalOnroerendeZaken"]) == 1
        many = await fake.get(
            "/kadastraalonroerendezaken", params={"persoon__identificatie": "30104417"}
        )
        assert many.status_code == 400 and many.json()["code"] == "tooManyResults"


async def test_fake_search_by_kadasterpersoon_gives_no_rights(fake: httpx.AsyncClient) -> None:
    response = await fake.get(
        "/kadastraalonroerendezaken", params={"persoon__identificatie": "30104417"}
    )
    zaken = response.json()["_embedded"]["kadastraalOnroerendeZaken"]
    assert [z["kadastraleAanduiding"] for z in zaken] == ["Hoorn B 4521", "Hoorn B 4522"]
    assert all("zakelijkGerechtigdeIdentificaties" not in z for z in zaken)
    # an ingeschreven persoon (BSN) is searched with POST, not by persoon__identificatie
    bsn = await fake.get(
        "/kadastraalonroerendezaken", params={"persoon__identificatie": "999970161"}
    )
    assert bsn.json() == {
        "_links": {"self": {"href": "/kadastraalonroerendezaken?persoon__identificatie=999970161"}},
        "_embedded": {},
    }


async def test_fake_answers_404_as_problem_json(fake: httpx.AsyncClient) -> None:
    for path in (
        "/kadastraalonroerendezaken/dummy",
        "/kadastraalonroerendezaken/dummy/zakelijkgerechtigden",
        "/kadasternietnatuurlijkpersonen/12345",
        "/hypotheken",
    ):
        response = await fake.get(path)
        assert response.status_code == 404, path
        body = response.json()
        assert body["code"] == "notFound" and body["title"] == "Opgevraagde resource bestaat niet."
        assert body["instance"] == path


async def test_fake_hal_shapes_projection_and_crs(fake: httpx.AsyncClient) -> None:
    response = await fake.get(
        "/kadastraalonroerendezaken",
        params={
            "nummeraanduidingIdentificatie": "0405200000170088",
            "fields": "identificatie,adressen.adresseerbaarObjectIdentificatie",
        },
    )
    assert response.headers["content-type"] == "application/hal+json"
    assert response.headers["content-crs"] == "epsg:28992"
    (zaak,) = response.json()["_embedded"]["kadastraalOnroerendeZaken"]
    assert zaak == {
        "identificatie": "21740452170000",
        "adressen": [{"adresseerbaarObjectIdentificatie": "0405010000170088"}],
        "_links": {"self": {"href": "/kadastraalonroerendezaken/21740452170000"}},
    }
    full = (await fake.get("/kadastraalonroerendezaken/21740452170000")).json()
    assert full["kadastraleGrootte"]["waarde"] == 118
    assert full["zakelijkGerechtigdeIdentificaties"] == ["40330188"]
    assert full["_links"]["zakelijkGerechtigden"][0]["templated"] is True


async def test_fake_owners_and_their_register_details(fake: httpx.AsyncClient) -> None:
    rights = await fake.get(
        "/kadastraalonroerendezaken/13380190470000/zakelijkgerechtigden",
        params={"type": "eigenaar"},
    )
    owners = rights.json()["_embedded"]["zakelijkGerechtigden"]
    assert [(o["persoon"]["type"], o["tenaamstelling"]["aandeel"]) for o in owners] == [
        ("ingeschreven_natuurlijk_persoon", {"noemer": 2, "teller": 1}),
        ("kadaster_natuurlijk_persoon", {"noemer": 2, "teller": 1}),
    ]
    # a BRP person is no resource of this API: no persoon link
    assert "persoon" not in owners[0]["_links"]
    none = await fake.get(
        "/kadastraalonroerendezaken/13380190470000/zakelijkgerechtigden",
        params={"type": "erfpachter"},
    )
    assert none.json()["_embedded"] == {}
    nnp = (await fake.get("/kadasternietnatuurlijkpersonen/30104417")).json()
    assert (nnp["statutaireNaam"], nnp["kvkNummer"]) == ("Kleine Noord Vastgoed B.V.", "97000047")


async def test_fake_records_traceparents_and_injects_failures() -> None:
    app = create_app(fail_status=503)
    traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL) as c:
        response = await c.get("/kadastraalonroerendezaken/x", headers={"traceparent": traceparent})
    assert response.status_code == 503 and response.headers["retry-after"] == "1"
    assert response.json()["code"] == "notAvailable"
    assert app.state.received_traceparents == [traceparent]
