"""The handhaving connector against the fake zaaksysteem, in process."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from connectors.handhaving.client import Settings
from connectors.handhaving.fake import create_app
from connectors.handhaving.fake.data import ZAAKTYPE_HANDHAVING_OPIUMWET
from plugins import (
    AddressRef,
    BadResponse,
    BusinessRef,
    Classification,
    PersonRef,
    QueryRejected,
)

TODAY = date.today()


def _ago(days: int) -> str:
    return (TODAY - timedelta(days=days)).isoformat()


def _facts(result: Any) -> dict[str, Any]:
    return {f.attribute: f.value for f in result.facts}


async def test_person_with_an_opiumwet_closure(make_connector: Any, zgw: Any) -> None:
    result = await make_connector().enrich(zgw.query(PersonRef("999970185")))
    facts = _facts(result)
    assert facts["zaken"] == [
        {
            "identificatie": "HH-2026-000203",
            "omschrijving": "Hennepkwekerij aangetroffen, sluiting art. 13b Opiumwet",
            "zaaktype": "Handhaving Opiumwet",
            "startdatum": _ago(95),
            "einddatum": None,
            "status": "Besluit genomen",
            "resultaat": "Sluiting opgelegd",
            "open": True,
            "url": facts["zaken"][0]["url"],
        }
    ]
    assert facts["zaken"][0]["url"].startswith("http://fake/zaken/api/v1/zaken/")
    assert facts["aantalOpenZaken"] == 1
    assert {f.classification for f in result.facts} == {Classification.CONFIDENTIAL}


async def test_address_with_an_open_and_a_closed_zaak(make_connector: Any, zgw: Any) -> None:
    result = await make_connector().enrich(zgw.query(AddressRef("1621 JH", 88)))
    facts = _facts(result)
    summary = [(z["identificatie"], z["status"], z["resultaat"], z["open"]) for z in facts["zaken"]]
    assert summary == [
        ("HH-2026-000142", "In behandeling", None, True),
        ("HH-2024-000031", "Afgehandeld", "Geen overtreding", False),
    ]
    assert facts["zaken"][1]["einddatum"] == "2024-04-22"
    assert facts["aantalOpenZaken"] == 1


async def test_address_matches_on_bag_id_too(make_connector: Any, zgw: Any) -> None:
    """A letter that differs is another address, unless the BAG id says it is the same."""
    connector = make_connector()
    other = await connector.enrich(zgw.query(AddressRef("1687AB", 5, huisletter="A")))
    assert _facts(other)["zaken"] == []
    by_id = AddressRef(
        "1687AB", 5, huisletter="A", adresseerbaarObjectIdentificatie="0420200000150005"
    )
    result = await connector.enrich(zgw.query(by_id))
    assert [z["identificatie"] for z in _facts(result)["zaken"]] == ["HH-2026-000203"]


async def test_business_and_its_vestiging(make_connector: Any, zgw: Any) -> None:
    connector = make_connector(rol_kvk_filter=True)
    whole = await connector.enrich(zgw.query(BusinessRef("97000035")))
    assert [z["identificatie"] for z in _facts(whole)["zaken"]] == ["HH-2026-000077"]
    assert _facts(whole)["zaken"][0]["zaaktype"] == "Handhaving APV/prostitutie"
    one = await connector.enrich(zgw.query(BusinessRef("97000011", "000097000011")))
    assert [z["identificatie"] for z in _facts(one)["zaken"]] == ["HH-2026-000142"]


async def test_a_plain_zgw_system_is_asked_by_vestigingsnummer_only(
    make_connector: Any, zgw: Any
) -> None:
    # ZGW Zaken 1.5.1 has no filter on a business's KvK number: without the declaration
    # the connector never sends it, and asks by vestigingsnummer, which every version has.
    app = create_app(rol_kvk_filter=False)
    connector = make_connector(app=app)
    one = await connector.enrich(zgw.query(BusinessRef("97000011", "000097000011")))
    assert [z["identificatie"] for z in _facts(one)["zaken"]] == ["HH-2026-000142"]
    with pytest.raises(QueryRejected, match="rol_kvk_filter"):
        await connector.enrich(zgw.query(BusinessRef("97000035")))


async def test_an_undeclared_kvk_filter_is_refused_never_an_empty_list(
    make_connector: Any, zgw: Any
) -> None:
    # configured as if the system knew the filter, but it is a plain 1.5.1 system
    connector = make_connector(app=create_app(rol_kvk_filter=False), rol_kvk_filter=True)
    with pytest.raises(QueryRejected, match=r"unknown-parameters|Onbekende query parameters"):
        await connector.enrich(zgw.query(BusinessRef("97000035")))


async def test_no_zaken_is_recorded_as_checked_and_none(make_connector: Any, zgw: Any) -> None:
    result = await make_connector().enrich(zgw.query(PersonRef("999970057")))
    assert _facts(result) == {"zaken": [], "aantalOpenZaken": 0}
    assert result.evidence[0].operation == "zaak_list"
    assert result.discovered == []


async def test_zaaktype_filter_leaves_other_zaken_out(make_connector: Any, zgw: Any) -> None:
    person = zgw.query(PersonRef("999970185"))
    everything = await make_connector(zaaktypen=[]).enrich(person)
    assert [z["identificatie"] for z in _facts(everything)["zaken"]] == [
        "HH-2026-000203",
        "PV-2026-000311",
    ]
    assert _facts(everything)["zaken"][1]["zaaktype"] == "Parkeervergunning bewoners"
    handhaving = await make_connector().enrich(person)
    assert [z["identificatie"] for z in _facts(handhaving)["zaken"]] == ["HH-2026-000203"]
    address = await make_connector(zaaktypen=[]).enrich(zgw.query(AddressRef("1621JH", 88)))
    assert "MOR-2026-001204" in [z["identificatie"] for z in _facts(address)["zaken"]]


async def test_zaaktypes_go_to_the_registry_as_filters(make_connector: Any, zgw: Any) -> None:
    """One list per handhaving zaaktype: other zaken never leave the registry."""
    person = zgw.query(PersonRef("999970185"))
    result = await make_connector().enrich(person)
    listings = [e for e in result.evidence if e.operation == "zaak_list"]
    assert len(listings) == 3
    assert sum(b"HH-2026-000203" in e.body for e in listings) == 1
    assert not any(b"PV-2026-000311" in e.body for e in result.evidence)
    single = make_connector(zaaktypen=[f"zaaktypen/{ZAAKTYPE_HANDHAVING_OPIUMWET}"])
    one = await single.enrich(person)
    assert [z["identificatie"] for z in _facts(one)["zaken"]] == ["HH-2026-000203"]
    assert [e.operation for e in one.evidence].count("zaak_list") == 1
    unfiltered = await make_connector(zaaktypen=[]).enrich(person)
    assert b"PV-2026-000311" in unfiltered.evidence[0].body


async def test_other_zaaktypes_at_an_address_leave_no_evidence(
    make_connector: Any, zgw: Any
) -> None:
    result = await make_connector().enrich(zgw.query(AddressRef("1621JH", 88)))
    retrieved = [e for e in result.evidence if e.operation == "zaak_retrieve"]
    assert len(retrieved) == 2
    assert not any(b"MOR-2026-001204" in e.body for e in retrieved)


async def test_paging_to_the_end(make_connector: Any, zgw: Any) -> None:
    app = create_app(page_size=5, extra_zaken=30)
    result = await make_connector(app).enrich(zgw.query(PersonRef("999993653")))
    zaken = _facts(result)["zaken"]
    assert len(zaken) == 20  # 30 minus every third, which is a parking permit
    assert len({z["identificatie"] for z in zaken}) == 20
    assert all(z["zaaktype"] == "Handhaving wonen" for z in zaken)
    assert _facts(result)["aantalOpenZaken"] == sum(1 for z in zaken if z["open"]) == 10
    listings = [e for e in result.evidence if e.operation == "zaak_list"]
    assert len(listings) == 4 + 1 + 1  # wonen over 4 pages; APV and Opiumwet empty


async def test_address_lookup_pages_through_zaakobjecten(make_connector: Any, zgw: Any) -> None:
    app = create_app(page_size=4, extra_zaken=20)
    result = await make_connector(app).enrich(zgw.query(AddressRef("1687AB", 5)))
    assert [z["identificatie"] for z in _facts(result)["zaken"]] == ["HH-2026-000203"]
    pages = [e for e in result.evidence if e.operation == "zaakobject_list"]
    assert len(pages) == 7  # 25 address zaakobjecten, 4 a page


async def test_more_pages_than_allowed_is_a_failure(make_connector: Any, zgw: Any) -> None:
    app = create_app(page_size=5, extra_zaken=30)
    with pytest.raises(BadResponse, match="more than 3 pages"):
        await make_connector(app, max_pages=3).enrich(zgw.query(PersonRef("999993653")))


async def test_only_requested_fields_and_no_more_calls(make_connector: Any, zgw: Any) -> None:
    app = create_app()
    connector = make_connector(app)
    result = await connector.enrich(
        zgw.query(PersonRef("999970185"), frozenset({"aantalOpenZaken"}))
    )
    assert _facts(result) == {"aantalOpenZaken": 1}
    # one list per handhaving zaaktype; no status, resultaat or catalogi calls
    assert [e.operation for e in result.evidence] == ["zaak_list"] * 3
    assert result.discovered == []  # discovery serves the zaken field only
    assert len(app.state.received_claims) == 3


async def test_no_fields_of_ours_means_no_call(make_connector: Any, zgw: Any) -> None:
    app = create_app()
    result = await make_connector(app).enrich(
        zgw.query(PersonRef("999970185"), frozenset({"naam"}))
    )
    assert result.facts == []
    assert app.state.requests_seen == 0


async def test_provenance_and_evidence(make_connector: Any, zgw: Any) -> None:
    query = zgw.query(PersonRef("999970185"))
    result = await make_connector().enrich(query)
    fact = next(f for f in result.facts if f.attribute == "zaken")
    assert fact.subject == "person:999970185"
    p = fact.provenance
    assert (p.connector, p.registry, p.operation) == (
        "handhaving",
        "Zaaksysteem (ZGW Zaken API)",
        "zaak_list",
    )
    assert (p.trace_id, p.span_id) == (query.trace.trace_id, query.trace.span_id)
    assert p.response_sha256 == result.evidence[0].sha256
    assert result.evidence[0].url == "http://fake/zaken/api/v1/zaken"
    operations = {e.operation for e in result.evidence}
    assert operations == {
        "zaak_list",
        "zaaktype_retrieve",
        "status_retrieve",
        "statustype_retrieve",
        "resultaat_retrieve",
        "resultaattype_retrieve",
    }


async def test_traceparent_and_officer_reach_the_registry(make_connector: Any, zgw: Any) -> None:
    app = create_app()
    query = zgw.query(AddressRef("1621JH", 88))
    await make_connector(app).enrich(query)
    assert app.state.received_traceparents
    assert set(app.state.received_traceparents) == {query.trace.traceparent}
    assert {(c["user_id"], c["user_representation"]) for c in app.state.received_claims} == {
        ("o-1", "Test Officer")
    }


async def test_discovers_addresses_and_betrokkenen(make_connector: Any, zgw: Any) -> None:
    connector = make_connector()
    person = await connector.enrich(zgw.query(PersonRef("999970185")))
    assert [s.key for s in person.discovered] == ["address:1687AB-5"]
    address = await connector.enrich(zgw.query(AddressRef("1621JH", 88)))
    assert [s.key for s in address.discovered] == [
        "business:97000011",
        "business:97000011/000097000011",
    ]
    business = await make_connector(rol_kvk_filter=True).enrich(zgw.query(BusinessRef("97000035")))
    assert [s.key for s in business.discovered] == ["address:1601AM-201"]
    quiet = await make_connector(discover=False).enrich(zgw.query(PersonRef("999970185")))
    assert quiet.discovered == []


async def test_check_with_good_and_bad_credentials(make_connector: Any) -> None:
    good = await make_connector().check()
    assert good.ok, good.detail
    assert good.latency_ms is not None
    bad = await make_connector(env={"OPPLUS_ZGW_CLIENT_SECRET": "wrong"}).check()
    assert not bad.ok
    assert "403" in bad.detail
    unset = await make_connector(env={}).check()
    assert not unset.ok
    assert "OPPLUS_ZGW_CLIENT_SECRET" in unset.detail


async def test_missing_secret_fails_enrich(make_connector: Any, zgw: Any) -> None:
    from plugins import AuthenticationFailed

    with pytest.raises(AuthenticationFailed, match="OPPLUS_ZGW_CLIENT_SECRET"):
        await make_connector(env={}).enrich(zgw.query(PersonRef("999970185")))


async def test_wrong_secret_fails_enrich(make_connector: Any, zgw: Any) -> None:
    from plugins import AuthenticationFailed

    connector = make_connector(env={"OPPLUS_ZGW_CLIENT_SECRET": "wrong"})
    with pytest.raises(AuthenticationFailed, match="403"):
        await connector.enrich(zgw.query(PersonRef("999970185")))


def test_relative_zaaktypen_resolve_against_the_catalogi_api() -> None:
    derived = Settings(base_url="https://oz.example/zaken/api/v1/", zaaktypen=["zaaktypen/abc"])
    assert derived.zaaktype_urls() == {"https://oz.example/catalogi/api/v1/zaaktypen/abc"}
    explicit = Settings(
        base_url="https://zrc.example/api/v1",
        catalogi_base_url="https://ztc.example/api/v1/",
        zaaktypen=["/zaaktypen/abc/", "https://ztc.example/api/v1/zaaktypen/def/"],
    )
    assert explicit.zaaktype_urls() == {
        "https://ztc.example/api/v1/zaaktypen/abc",
        "https://ztc.example/api/v1/zaaktypen/def",
    }
    with pytest.raises(ValueError, match="catalogi_base_url"):
        Settings(base_url="https://zrc.example/api/v1", zaaktypen=["zaaktypen/abc"])
