"""The BRK connector against its fake in-process, and against scripted registry answers."""

from __future__ import annotations

import json
import logging
from typing import Any

import httpx
import pytest
from opplus_brk.client import FIELDS, BrkConnector, Settings

from plugins import (
    AddressRef,
    AuthenticationFailed,
    BadResponse,
    BusinessRef,
    ConnectorContext,
    PersonRef,
    QueryRejected,
)

from .conftest import BASE_URL, MakeConnector, make_query
from .test_contract import DIJK_12, DORPSSTRAAT_5, KLEINE_NOORD_88, WESTERSTRAAT_201

SEARCH = "/kadastraalonroerendezaken"


def facts(result: Any) -> dict[str, Any]:
    return {f.attribute: f.value for f in result.facts}


async def test_kleine_noord_is_owned_by_a_bv_that_becomes_a_business_subject(
    make_connector: MakeConnector,
) -> None:
    connector, wire = make_connector()
    result = await connector.enrich(make_query(KLEINE_NOORD_88))
    assert facts(result) == {
        "kadastraleAanduiding": "Hoorn B 4521",
        "eigenaren": [
            {
                "naam": "Kleine Noord Vastgoed B.V.",
                "soort": "niet_natuurlijk_persoon",
                "kvkNummer": "97000047",
                "aandeel": "1/1",
            }
        ],
        "aantalEigenaren": 1,
        "eigenaarIsRechtspersoon": True,
    }
    assert result.discovered == [BusinessRef("97000047")]
    assert wire.paths == [
        SEARCH,
        f"{SEARCH}/21740452170000/zakelijkgerechtigden",
        "/kadasternietnatuurlijkpersonen/30104417",
    ]
    search = wire.requests[0].url.params
    assert dict(search) == {
        "postcode": "1621JH",
        "huisnummer": "88",
        "fields": "identificatie,kadastraleAanduiding,adressen",
    }
    assert dict(wire.requests[1].url.params) == {
        "type": "eigenaar",
        "fields": "identificatie,type,tenaamstelling.aandeel,persoon",
    }
    assert all(r.headers["x-api-key"] == "fake-brk-api-key" for r in wire.requests)
    operations = [e.operation for e in result.evidence]
    assert operations == [
        "GET /kadastraalonroerendezaken",
        "GET /kadastraalonroerendezaken/{kadastraalOnroerendeZaakIdentificatie}"
        "/zakelijkgerechtigden",
        "GET /kadasternietnatuurlijkpersonen/{kadasterNietNatuurlijkPersoonIdentificatie}",
    ]
    by_attribute = {f.attribute: f.provenance.operation for f in result.facts}
    assert by_attribute["kadastraleAanduiding"] == "GET /kadastraalonroerendezaken"
    assert by_attribute["eigenaren"].endswith("/zakelijkgerechtigden")


async def test_a_natural_owner_in_the_brp_is_named_without_bsn(
    make_connector: MakeConnector, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    connector, wire = make_connector()
    result = await connector.enrich(make_query(WESTERSTRAAT_201))
    assert facts(result)["eigenaren"] == [
        {"naam": "Johan de Vries", "soort": "natuurlijk_persoon", "aandeel": "1/1"}
    ]
    assert facts(result)["eigenaarIsRechtspersoon"] is False
    assert result.discovered == []
    # the registry's answer holds the BSN; no fact, subject or log line does
    assert b"999970161" in result.evidence[1].body
    dumped = json.dumps([(f.subject, f.attribute, f.value) for f in result.facts])
    assert "999970161" not in dumped and "999970161" not in caplog.text
    assert not any(isinstance(s, PersonRef) for s in result.discovered)
    assert len(wire.requests) == 2  # no person lookup for a BRP person


async def test_two_owners_each_with_their_share(make_connector: MakeConnector) -> None:
    connector, _ = make_connector()
    result = await connector.enrich(make_query(DIJK_12))
    assert facts(result)["eigenaren"] == [
        {"naam": "Ellen de Vries-Kok", "soort": "natuurlijk_persoon", "aandeel": "1/2"},
        {"naam": "Johan de Vries", "soort": "natuurlijk_persoon", "aandeel": "1/2"},
    ]
    assert facts(result)["aantalEigenaren"] == 2


async def test_a_woningcorporatie_in_the_handelsregister_has_no_kvk_number_here(
    make_connector: MakeConnector,
) -> None:
    connector, wire = make_connector()
    result = await connector.enrich(make_query(DORPSSTRAAT_5))
    assert facts(result)["eigenaren"] == [
        {"naam": "Stichting Westfries Wonen", "soort": "niet_natuurlijk_persoon", "aandeel": "1/1"}
    ]
    assert facts(result)["eigenaarIsRechtspersoon"] is True
    assert result.discovered == [] and len(wire.requests) == 2


@pytest.mark.parametrize(
    ("fields", "paths"),
    [
        ({"kadastraleAanduiding"}, [SEARCH]),
        ({"aantalEigenaren"}, [SEARCH, f"{SEARCH}/21740452170000/zakelijkgerechtigden"]),
        ({"eigenaarIsRechtspersoon"}, [SEARCH, f"{SEARCH}/21740452170000/zakelijkgerechtigden"]),
        (set(), []),
        ({"oppervlakte"}, []),
    ],
)
async def test_only_what_the_requested_fields_need_is_asked(
    make_connector: MakeConnector, fields: set[str], paths: list[str]
) -> None:
    connector, wire = make_connector()
    result = await connector.enrich(make_query(KLEINE_NOORD_88, fields))
    assert wire.paths == paths
    assert {f.attribute for f in result.facts} == fields & FIELDS.keys()
    assert result.discovered == []  # a KvK number is only looked up for `eigenaren`


async def test_counting_owners_asks_neither_names_nor_shares(
    make_connector: MakeConnector,
) -> None:
    connector, wire = make_connector()
    result = await connector.enrich(
        make_query(DIJK_12, {"aantalEigenaren", "eigenaarIsRechtspersoon"})
    )
    assert facts(result) == {"aantalEigenaren": 2, "eigenaarIsRechtspersoon": False}
    assert wire.requests[1].url.params["fields"] == (
        "identificatie,type,persoon.identificatie,persoon.type"
    )
    rights = json.loads(result.evidence[0].body)["_embedded"]["zakelijkGerechtigden"]
    assert [r["persoon"] for r in rights] == [
        {"identificatie": "999970161", "type": "ingeschreven_natuurlijk_persoon"},
        {"identificatie": "30208815", "type": "kadaster_natuurlijk_persoon"},
    ]
    assert b"de Vries" not in result.evidence[0].body and b"aandeel" not in result.evidence[0].body


async def test_without_fields_parameter_when_switched_off(make_connector: MakeConnector) -> None:
    connector, wire = make_connector(use_fields=False)
    result = await connector.enrich(make_query(KLEINE_NOORD_88))
    assert facts(result)["kadastraleAanduiding"] == "Hoorn B 4521"
    assert facts(result)["eigenaren"][0]["kvkNummer"] == "97000047"
    assert all("fields" not in r.url.params for r in wire.requests)


async def test_another_adresseerbaar_object_at_the_address_is_empty(
    make_connector: MakeConnector,
) -> None:
    connector, wire = make_connector()
    other = AddressRef("1621JH", 88, adresseerbaarObjectIdentificatie="0405010000179999")
    result = await connector.enrich(make_query(other))
    assert result.facts == [] and result.evidence == [] and wire.paths == [SEARCH]


def test_accepts_only_addresses_with_an_adresseerbaar_object() -> None:
    connector = BrkConnector(Settings(base_url=BASE_URL), ConnectorContext())
    assert connector.accepts(KLEINE_NOORD_88)
    assert not connector.accepts(AddressRef("1621JH", 88))
    assert not connector.accepts(BusinessRef("97000011"))
    assert not connector.accepts(PersonRef("999970057"))


async def test_an_address_without_bag_id_is_rejected_before_sending(
    make_connector: MakeConnector,
) -> None:
    connector, wire = make_connector()
    with pytest.raises(QueryRejected):
        await connector.enrich(make_query(AddressRef("1621JH", 88)))
    assert wire.requests == []


async def test_without_a_key_nothing_is_sent(make_connector: MakeConnector) -> None:
    connector, wire = make_connector(env={})
    with pytest.raises(AuthenticationFailed, match="OPPLUS_BRK_API_KEY"):
        await connector.enrich(make_query(KLEINE_NOORD_88))
    assert wire.requests == []
    health = await connector.check()
    assert not health.ok and "OPPLUS_BRK_API_KEY" in health.detail


PROBE = {"check_postcode": "1621JH", "check_huisnummer": 88}


async def test_check_probes_the_registry_with_the_key(make_connector: MakeConnector) -> None:
    connector, wire = make_connector(**PROBE)
    health = await connector.check()
    assert health.ok and health.detail == "HTTP 200"
    assert wire.paths == [SEARCH] and wire.requests[0].url.params["fields"] == "identificatie"
    bad, _ = make_connector(env={"OPPLUS_BRK_API_KEY": "wrong"}, **PROBE)
    health = await bad.check()
    assert not health.ok and "authentication" in health.detail


async def test_no_default_probe_address_and_without_one_nothing_is_sent(
    make_connector: MakeConnector,
) -> None:
    assert (Settings().check_postcode, Settings().check_huisnummer) == (None, None)
    with pytest.raises(ValueError, match="go together"):
        Settings(check_huisnummer=88)
    connector, wire = make_connector()
    health = await connector.check()
    assert not health.ok and "check_postcode" in health.detail
    assert wire.requests == []


async def test_traceparent_reaches_the_fake(make_connector: MakeConnector, fake_app: Any) -> None:
    connector, _ = make_connector()
    query = make_query(KLEINE_NOORD_88)
    await connector.enrich(query)
    assert fake_app.state.received_traceparents == [query.trace.traceparent] * 3


async def test_a_registry_error_keeps_its_own_words(make_connector: MakeConnector) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        body = {
            "type": "https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html#sec10.4.1",
            "title": "Een of meerdere parameters zijn niet correct.",
            "status": 400,
            "code": "paramsValidation",
            "invalidParams": [{"name": "postcode", "code": "pattern", "reason": "..."}],
        }
        return httpx.Response(400, json=body, headers={"content-type": "application/problem+json"})

    connector, _ = make_connector(transport=httpx.MockTransport(answer))
    with pytest.raises(QueryRejected) as info:
        await connector.enrich(make_query(KLEINE_NOORD_88))
    assert info.value.detail == (
        "Een of meerdere parameters zijn niet correct. [paramsValidation] (postcode (pattern): ...)"
    )


def _hal(body: dict[str, Any]) -> httpx.Response:
    """A HAL answer; a collection gets the self link every BRK collection carries."""
    if isinstance(body, dict) and "_embedded" in body:
        body = {**body, "_links": {"self": {"href": "/x"}, **body.get("_links", {})}}
    return httpx.Response(200, json=body, headers={"content-type": "application/hal+json"})


def _zaak(identificatie: str, aanduiding: str, **adres: Any) -> dict[str, Any]:
    return {"identificatie": identificatie, "kadastraleAanduiding": aanduiding, "adressen": [adres]}


async def test_pages_are_followed_when_a_registry_pages(make_connector: MakeConnector) -> None:
    here = {
        "postcode": "1621JH",
        "huisnummer": 88,
        "adresseerbaarObjectIdentificatie": "0405010000170088",
    }

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("page") == "2":
            return _hal(
                {
                    "_links": {"self": {"href": "x"}},
                    "_embedded": {"kadastraalOnroerendeZaken": [_zaak("2", "Hoorn B 2", **here)]},
                }
            )
        return _hal(
            {
                "_links": {"next": {"href": "/kadastraalonroerendezaken?postcode=1621JH&page=2"}},
                "_embedded": {"kadastraalOnroerendeZaken": [_zaak("1", "Hoorn B 1", **here)]},
            }
        )

    connector, wire = make_connector(transport=httpx.MockTransport(answer))
    result = await connector.enrich(make_query(KLEINE_NOORD_88, {"kadastraleAanduiding"}))
    assert facts(result) == {"kadastraleAanduiding": "Hoorn B 1, Hoorn B 2"}
    assert (
        str(wire.requests[1].url) == f"{BASE_URL}/kadastraalonroerendezaken?postcode=1621JH&page=2"
    )


async def test_a_next_link_off_the_registry_is_not_followed(make_connector: MakeConnector) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return _hal(
            {
                "_links": {"next": {"href": "https://elsewhere.example/steal?page=2"}},
                "_embedded": {},
            }
        )

    connector, wire = make_connector(transport=httpx.MockTransport(answer))
    with pytest.raises(BadResponse, match="away from the registry"):
        await connector.enrich(make_query(KLEINE_NOORD_88))
    assert len(wire.requests) == 1


async def test_an_address_without_bag_id_in_the_registry_matches_on_the_address(
    make_connector: MakeConnector,
) -> None:
    # Kadaster's test environment answers addresses without adresseerbaarObjectIdentificatie
    def answer(request: httpx.Request) -> httpx.Response:
        return _hal(
            {
                "_links": {
                    "self": {"href": "/kadastraalonroerendezaken?postcode=1621JH&huisnummer=88"}
                },
                "_embedded": {
                    "kadastraalOnroerendeZaken": [
                        _zaak("1", "Hoorn B 1", postcode="1621JH", huisnummer=88),
                        _zaak("2", "Hoorn B 2", postcode="1621JH", huisnummer=88, huisletter="A"),
                    ]
                },
            }
        )

    connector, _ = make_connector(transport=httpx.MockTransport(answer))
    result = await connector.enrich(make_query(KLEINE_NOORD_88, {"kadastraleAanduiding"}))
    assert facts(result) == {"kadastraleAanduiding": "Hoorn B 1"}


async def test_only_owners_count_even_if_the_registry_ignores_the_filter(
    make_connector: MakeConnector,
) -> None:
    here = {
        "postcode": "1621JH",
        "huisnummer": 88,
        "adresseerbaarObjectIdentificatie": "0405010000170088",
    }

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/zakelijkgerechtigden"):
            rights = [
                {
                    "identificatie": "1",
                    "type": "eigenaar",
                    "tenaamstelling": {"aandeel": {"teller": 1, "noemer": 1}},
                    "persoon": {
                        "identificatie": "71291440",
                        "omschrijving": "Bankbedrijf",
                        "type": "ingeschreven_niet_natuurlijk_persoon",
                    },
                },
                {
                    "identificatie": "2",
                    "type": "erfpachter",
                    "persoon": {
                        "identificatie": "71303564",
                        "omschrijving": "C. de Goede",
                        "type": "kadaster_natuurlijk_persoon",
                    },
                },
            ]
            return _hal({"_embedded": {"zakelijkGerechtigden": rights}})
        return _hal({"_embedded": {"kadastraalOnroerendeZaken": [_zaak("1", "Hoorn B 1", **here)]}})

    connector, _ = make_connector(transport=httpx.MockTransport(answer))
    result = await connector.enrich(
        make_query(KLEINE_NOORD_88, {"aantalEigenaren", "eigenaarIsRechtspersoon"})
    )
    assert facts(result) == {"aantalEigenaren": 1, "eigenaarIsRechtspersoon": True}


@pytest.mark.parametrize(
    "rights",
    [
        {"_embedded": {"zakelijkGerechtigden": [{"identificatie": "1", "type": "eigenaar"}]}},
        {
            "_embedded": {
                "zakelijkGerechtigden": [
                    {
                        "identificatie": "1",
                        "type": "eigenaar",
                        "persoon": {"identificatie": "1", "type": "alien"},
                    }
                ]
            }
        },
        {"_embedded": {"zakelijkGerechtigden": {"identificatie": "1"}}},
        {"_embedded": []},
        [],
    ],
)
async def test_a_wrong_shape_of_rights_is_a_bad_response(
    make_connector: MakeConnector, rights: Any
) -> None:
    here = {
        "postcode": "1621JH",
        "huisnummer": 88,
        "adresseerbaarObjectIdentificatie": "0405010000170088",
    }

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/zakelijkgerechtigden"):
            return _hal(rights)  # type: ignore[arg-type]
        return _hal({"_embedded": {"kadastraalOnroerendeZaken": [_zaak("1", "Hoorn B 1", **here)]}})

    connector, _ = make_connector(transport=httpx.MockTransport(answer))
    with pytest.raises(BadResponse):
        await connector.enrich(make_query(KLEINE_NOORD_88))


async def test_rights_of_a_listed_zaak_that_are_gone_are_a_bad_response(
    make_connector: MakeConnector,
) -> None:
    here = {
        "postcode": "1621JH",
        "huisnummer": 88,
        "adresseerbaarObjectIdentificatie": "0405010000170088",
    }

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/zakelijkgerechtigden"):
            body = {
                "title": "Opgevraagde resource bestaat niet.",
                "status": 404,
                "code": "notFound",
            }
            return httpx.Response(
                404, json=body, headers={"content-type": "application/problem+json"}
            )
        return _hal({"_embedded": {"kadastraalOnroerendeZaken": [_zaak("1", "Hoorn B 1", **here)]}})

    connector, _ = make_connector(transport=httpx.MockTransport(answer))
    with pytest.raises(BadResponse, match="404"):
        await connector.enrich(make_query(KLEINE_NOORD_88, {"aantalEigenaren"}))


async def test_under_the_hub_mount_the_fake_answers_the_same(fake_app: Any) -> None:
    from opplus_brk.fake import FAKE_API_KEY, MOUNT
    from starlette.applications import Starlette
    from starlette.routing import Mount

    hub_like = Starlette(routes=[Mount(MOUNT, app=fake_app)])
    context = ConnectorContext(
        transport=httpx.ASGITransport(app=hub_like), env={"OPPLUS_BRK_API_KEY": FAKE_API_KEY}
    )
    connector = BrkConnector(Settings(base_url=f"http://opplus-fakes{MOUNT}"), context)
    try:
        result = await connector.enrich(make_query(KLEINE_NOORD_88, {"kadastraleAanduiding"}))
    finally:
        await connector.aclose()
    assert facts(result) == {"kadastraleAanduiding": "Hoorn B 4521"}
