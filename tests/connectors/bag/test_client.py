"""The BAG connector against its fake, in-process."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi import FastAPI
from pydantic import ValidationError

from connectors.bag.client import BagConnector, Settings
from plugins import AddressRef, AuthenticationFailed, BadResponse, Query, TraceContext

from .conftest import RecordingTransport

KLEINE_NOORD = AddressRef("1621JH", 88)
Connect = Callable[..., BagConnector]
MakeQuery = Callable[..., Query]


def _values(result: object) -> dict[str, object]:
    return {fact.attribute: fact.value for fact in result.facts}  # type: ignore[attr-defined]


async def test_kleine_noord_all_fields(make_connector: Connect, make_query: MakeQuery) -> None:
    result = await make_connector().enrich(make_query(KLEINE_NOORD))
    assert _values(result) == {
        "adres": "Kleine Noord 88, 1621JH Hoorn",
        "openbareRuimteNaam": "Kleine Noord",
        "woonplaatsNaam": "Hoorn",
        "nummeraanduidingIdentificatie": "0405200000170088",
        "adresseerbaarObjectIdentificatie": "0405010000170088",
        "pandIdentificaties": ["0405100000170088"],
        "oppervlakte": 64,
        "gebruiksdoelen": ["woonfunctie"],
        "status": "Verblijfsobject in gebruik",
    }
    assert {fact.subject for fact in result.facts} == {KLEINE_NOORD.key}
    assert result.refined == AddressRef(
        "1621JH", 88, adresseerbaarObjectIdentificatie="0405010000170088"
    )
    assert result.discovered == []


async def test_westerstraat_has_two_uses(make_connector: Connect, make_query: MakeQuery) -> None:
    subject = AddressRef("1601 am", 201)
    result = await make_connector().enrich(
        make_query(subject, {"oppervlakte", "gebruiksdoelen", "adres"})
    )
    assert _values(result) == {
        "adres": "Westerstraat 201, 1601AM Enkhuizen",
        "oppervlakte": 48,
        "gebruiksdoelen": ["winkelfunctie", "woonfunctie"],
    }


async def test_boterdiep_rotterdam(make_connector: Connect, make_query: MakeQuery) -> None:
    result = await make_connector().enrich(make_query(AddressRef("3077AW", 31)))
    values = _values(result)
    assert values["nummeraanduidingIdentificatie"] == "0599200000219678"
    assert values["adresseerbaarObjectIdentificatie"] == "0599010000208579"
    assert values["oppervlakte"] == 78


async def test_provenance_and_evidence(make_connector: Connect, make_query: MakeQuery) -> None:
    trace = TraceContext.new_trace()
    result = await make_connector().enrich(make_query(KLEINE_NOORD, trace=trace))
    assert [e.operation for e in result.evidence] == [
        "GET /adressen",
        "GET /verblijfsobjecten/{identificatie}",
    ]
    by_request = {e.request_id: e for e in result.evidence}
    for fact in result.facts:
        prov = fact.provenance
        assert prov.connector == "bag"
        assert prov.registry == "BAG Individuele Bevragingen v2 (Kadaster)"
        assert prov.trace_id == trace.trace_id
        assert prov.span_id == trace.span_id
        evidence = by_request[prov.request_id]
        assert prov.response_sha256 == evidence.sha256
        assert prov.operation == evidence.operation
    oppervlakte = next(f for f in result.facts if f.attribute == "oppervlakte")
    assert oppervlakte.provenance.operation == "GET /verblijfsobjecten/{identificatie}"
    assert b'"oppervlakte":64' in by_request[oppervlakte.provenance.request_id].body
    assert result.evidence[0].url.endswith("/lvbag/individuelebevragingen/v2/adressen")


async def test_traceparent_reaches_the_fake(
    make_connector: Connect, make_query: MakeQuery, fake_app: FastAPI
) -> None:
    trace = TraceContext.new_trace()
    await make_connector().enrich(make_query(KLEINE_NOORD, trace=trace))
    assert fake_app.state.received_traceparents == [trace.traceparent, trace.traceparent]


async def test_not_found_is_empty(
    make_connector: Connect, make_query: MakeQuery, transport: object
) -> None:
    result = await make_connector().enrich(make_query(AddressRef("1621JH", 89)))
    assert result.facts == []
    assert result.refined is None
    assert transport.paths() == ["/adressen"]  # type: ignore[attr-defined]


async def test_only_requested_fields(
    make_connector: Connect, make_query: MakeQuery, transport: object
) -> None:
    result = await make_connector().enrich(make_query(KLEINE_NOORD, {"woonplaatsNaam"}))
    assert _values(result) == {"woonplaatsNaam": "Hoorn"}
    # no verblijfsobject field asked for: no second call
    assert transport.paths() == ["/adressen"]  # type: ignore[attr-defined]
    assert result.refined is not None


async def test_known_id_skips_the_address_search(
    make_connector: Connect, make_query: MakeQuery, transport: object
) -> None:
    subject = AddressRef("1621JH", 88, adresseerbaarObjectIdentificatie="0405010000170088")
    result = await make_connector().enrich(
        make_query(subject, {"oppervlakte", "pandIdentificaties"})
    )
    assert _values(result) == {"oppervlakte": 64, "pandIdentificaties": ["0405100000170088"]}
    assert transport.paths() == ["/verblijfsobjecten/0405010000170088"]  # type: ignore[attr-defined]
    assert result.refined is None


async def test_no_bag_field_means_no_call(
    make_connector: Connect, make_query: MakeQuery, transport: object
) -> None:
    result = await make_connector().enrich(make_query(KLEINE_NOORD, {"aantalBewoners"}))
    assert result.facts == []
    assert transport.requests == []  # type: ignore[attr-defined]


async def test_huisletter_and_toevoeging_are_sent(
    make_connector: Connect, make_query: MakeQuery, transport: object
) -> None:
    subject = AddressRef("1687TV", 40, huisnummertoevoeging="37")
    result = await make_connector().enrich(make_query(subject, {"adres", "oppervlakte"}))
    assert _values(result) == {"adres": "Tuinderslaan 40-37, 1687TV Wognum", "oppervlakte": 18}
    sent = transport.requests[0].url.params  # type: ignore[attr-defined]
    assert sent["huisnummertoevoeging"] == "37"
    assert sent["exacteMatch"] == "true"


async def test_follows_next_links_to_the_end(
    make_connector: Connect, make_query: MakeQuery, transport: object
) -> None:
    connector = make_connector(exact_match=False, page_size=10)
    subject = AddressRef("1687TV", 40, huisnummertoevoeging="45")
    result = await connector.enrich(make_query(subject, {"adresseerbaarObjectIdentificatie"}))
    assert _values(result) == {"adresseerbaarObjectIdentificatie": "0420010000160045"}

    plain = AddressRef("1687TV", 40)
    transport.requests.clear()  # type: ignore[attr-defined]
    result = await connector.enrich(make_query(plain, {"oppervlakte", "gebruiksdoelen"}))
    assert _values(result) == {"oppervlakte": 36, "gebruiksdoelen": ["kantoorfunctie"]}
    pages = [r.url.params.get("page") for r in transport.requests[:-1]]  # type: ignore[attr-defined]
    assert pages == [None, "2", "3", "4", "5"]


async def test_paging_is_bounded(make_connector: Connect, make_query: MakeQuery) -> None:
    connector = make_connector(exact_match=False, page_size=10, max_pages=3)
    with pytest.raises(BadResponse, match="within 3 pages"):
        await connector.enrich(make_query(AddressRef("1687TV", 40), {"adres"}))


async def test_missing_key_fails_before_sending(
    make_connector: Connect, make_query: MakeQuery, transport: object
) -> None:
    with pytest.raises(AuthenticationFailed, match="OPPLUS_BAG_API_KEY"):
        await make_connector(env={}).enrich(make_query(KLEINE_NOORD))
    assert transport.requests == []  # type: ignore[attr-defined]


async def test_wrong_key_is_authentication_failed(
    make_connector: Connect, make_query: MakeQuery
) -> None:
    connector = make_connector(env={"OPPLUS_BAG_API_KEY": "wrong"})
    with pytest.raises(AuthenticationFailed) as info:
        await connector.enrich(make_query(KLEINE_NOORD))
    assert info.value.detail == "Niet correct geauthenticeerd. [authentication]"


async def test_accepts_addresses_only(make_connector: Connect) -> None:
    from plugins import BusinessRef, PersonRef

    connector = make_connector()
    assert connector.accepts(KLEINE_NOORD)
    assert not connector.accepts(PersonRef("999993653"))
    assert not connector.accepts(BusinessRef("69599084"))


#: a probe address the demo configuration sets; the settings have none by default
PROBE = {"check_postcode": "1621JH", "check_huisnummer": 88}


async def test_check_ok_with_good_key(make_connector: Connect) -> None:
    health = await make_connector(**PROBE).check()
    assert health.ok
    assert health.latency_ms is not None


async def test_check_without_a_probe_address_asks_nothing(
    make_connector: Connect, transport: RecordingTransport
) -> None:
    health = await make_connector().check()
    assert not health.ok
    assert health.detail == "no probe address: set check_postcode and check_huisnummer"
    assert transport.requests == []


def test_no_production_default_names_a_demo_address() -> None:
    settings = Settings()
    assert (settings.check_postcode, settings.check_huisnummer) == (None, None)
    with pytest.raises(ValidationError, match="go together"):
        Settings(check_postcode="1621JH")


async def test_check_not_ok_with_bad_or_missing_key(make_connector: Connect) -> None:
    bad = await make_connector(env={"OPPLUS_BAG_API_KEY": "wrong"}, **PROBE).check()
    assert not bad.ok
    assert "401" in bad.detail
    missing = await make_connector(env={}).check()
    assert not missing.ok
    assert "OPPLUS_BAG_API_KEY" in missing.detail
