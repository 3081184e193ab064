"""The KvK connector against the fake, in-process over real HTTP semantics."""

from __future__ import annotations

from typing import Any

import pydantic
import pytest
from fastapi import FastAPI

from connectors.kvk._wire import iso_date
from connectors.kvk.client import ADDRESS_FIELDS, BUSINESS_FIELDS, FIELDS, KvkConnector, Settings
from plugins import (
    AddressRef,
    AuthenticationFailed,
    BadResponse,
    BusinessRef,
    Classification,
    Connector,
    EnrichResult,
    PersonRef,
    QueryRejected,
)


def facts(result: EnrichResult) -> dict[str, Any]:
    return {fact.attribute: fact.value for fact in result.facts}


def test_info_declares_fields_and_classifications(connector: KvkConnector) -> None:
    assert isinstance(connector, Connector)
    info = connector.info
    assert (info.name, info.registry) == ("kvk", "KvK Handelsregister")
    assert info.subject_kinds == frozenset({"business", "address"})
    assert info.fields["eigenaar"].classification is Classification.PERSONAL
    normal = {name for name, spec in info.fields.items() if spec.classification == "normal"}
    assert normal == set(FIELDS) - {"eigenaar"}


def test_accepts_businesses_and_addresses_only(connector: KvkConnector) -> None:
    assert connector.accepts(BusinessRef("69599084"))
    assert connector.accepts(AddressRef("1621JH", 88))
    assert not connector.accepts(PersonRef("999993653"))


def test_only_v2_is_a_known_api_version() -> None:
    with pytest.raises(pydantic.ValidationError):
        Settings(base_url="http://x", zoeken_version="v3")


# --- businesses ---------------------------------------------------------------------------


async def test_business_with_every_field(connector: KvkConnector, query: Any) -> None:
    result = await connector.enrich(query(BusinessRef("69599084")))
    assert facts(result) == {
        "naam": "Test EMZ Dagobert",
        "handelsnamen": [
            "Test EMZ Dagobert",
            "Tweede handelsnaam 1MZ",
            "Derde handelsnaam 1MZ",
            "Vierde handelsnaam 1MZ",
        ],
        "rechtsvorm": "Eenmanszaak",
        "datumAanvang": "2017-01-08",
        "totaalWerkzamePersonen": 1,
        "sbiActiviteiten": [
            {
                "sbiCode": "1011",
                "sbiOmschrijving": "Slachterijen (geen pluimvee-)",
                "indHoofdactiviteit": True,
            },
            {
                "sbiCode": "1012",
                "sbiOmschrijving": "Pluimveeslachterijen",
                "indHoofdactiviteit": False,
            },
            {
                "sbiCode": "1013",
                "sbiOmschrijving": "Vleesverwerking (niet tot maaltijden)",
                "indHoofdactiviteit": False,
            },
        ],
        "hoofdvestigingAdres": {
            "straatnaam": "Abebe Bikilalaan",
            "huisnummer": 17,
            "huisletter": None,
            "toevoeging": None,
            "postcode": "1034WL",
            "plaats": "Amsterdam",
            "volledigAdres": "Abebe Bikilalaan 17 1034WL Amsterdam",
            "afgeschermd": False,
        },
        "vestigingen": [
            {
                "vestigingsnummer": "000038509504",
                "eersteHandelsnaam": "Test EMZ Dagobert",
                "indHoofdvestiging": True,
                "volledigAdres": "Abebe Bikilalaan 17 1034WL Amsterdam",
            },
            {
                "vestigingsnummer": "000038509520",
                "eersteHandelsnaam": "Test EMZ Nevenvestiging Govert",
                "indHoofdvestiging": False,
                "volledigAdres": "Geneinde 4 6221AD Maastricht",
            },
        ],
        "eigenaar": {"rechtsvorm": "Eenmanszaak"},
    }
    # the hoofdvestiging (000038509504) is the basisprofiel itself: only branches are new
    assert result.discovered == [
        AddressRef("1034WL", 17),
        BusinessRef("69599084", "000038509520"),
    ]
    assert [e.operation for e in result.evidence] == ["basisprofiel", "vestigingen"]


async def test_bv_has_statutaire_naam_and_rsin(connector: KvkConnector, query: Any) -> None:
    result = await connector.enrich(query(BusinessRef("68750110"), {"statutaireNaam", "eigenaar"}))
    assert facts(result) == {
        "statutaireNaam": "Test BV Donald",
        "eigenaar": {"rechtsvorm": "Besloten Vennootschap", "rsin": "857587973"},
    }
    assert result.discovered == []  # no address field asked, no address passed on


async def test_demo_world_business_is_recent(connector: KvkConnector, query: Any) -> None:
    fields = {
        "naam",
        "datumAanvang",
        "sbiActiviteiten",
        "totaalWerkzamePersonen",
        "hoofdvestigingAdres",
    }
    result = await connector.enrich(query(BusinessRef("97000011"), fields))
    values = facts(result)
    assert values["naam"] == "Flex West-Friesland Uitzendbureau B.V."
    assert values["datumAanvang"] == "2025-12-21"  # the fake's today 2026-03-01 minus 70 days
    assert values["sbiActiviteiten"] == [
        {"sbiCode": "78201", "sbiOmschrijving": "Uitzendbureaus", "indHoofdactiviteit": True}
    ]
    assert values["totaalWerkzamePersonen"] == 1
    assert result.discovered == [AddressRef("1621JH", 88)]


async def test_only_requested_fields_and_only_needed_calls(
    make_connector: Any, fake_app: FastAPI, query: Any
) -> None:
    connector = make_connector()
    result = await connector.enrich(query(BusinessRef("69599084"), {"naam"}))
    assert facts(result) == {"naam": "Test EMZ Dagobert"}
    assert fake_app.state.requests_seen == 1  # the basisprofiel, not the vestigingen
    assert [e.operation for e in result.evidence] == ["basisprofiel"]


async def test_nothing_applicable_means_no_call(
    make_connector: Any, fake_app: FastAPI, query: Any
) -> None:
    connector = make_connector()
    business = await connector.enrich(query(BusinessRef("69599084"), set(ADDRESS_FIELDS)))
    address = await connector.enrich(query(AddressRef("1621JH", 88), set(BUSINESS_FIELDS)))
    assert business.facts == address.facts == []
    assert fake_app.state.requests_seen == 0


async def test_vestigingen_alone_reads_only_the_list(
    make_connector: Any, fake_app: FastAPI, query: Any
) -> None:
    result = await make_connector().enrich(query(BusinessRef("68750110"), {"vestigingen"}))
    assert [f.attribute for f in result.facts] == ["vestigingen"]
    assert fake_app.state.requests_seen == 1
    assert result.discovered == []  # its only vestiging is the hoofdvestiging


async def test_1000_vestigingen_are_all_listed_but_discovery_is_bounded(
    make_connector: Any, query: Any
) -> None:
    default = await make_connector().enrich(query(BusinessRef("90006577"), {"vestigingen"}))
    assert len(facts(default)["vestigingen"]) == 1000
    assert len(default.discovered) == 10
    assert BusinessRef("90006577", "900065770000") not in default.discovered  # hoofdvestiging
    assert default.discovered[0] == BusinessRef("90006577", "900065770001")

    three = await make_connector(max_discovered_vestigingen=3).enrich(
        query(BusinessRef("90006577"), {"vestigingen"})
    )
    assert [ref.key for ref in three.discovered] == [
        "business:90006577/900065770001",
        "business:90006577/900065770002",
        "business:90006577/900065770003",
    ]


async def test_shielded_address_is_a_fact_but_not_a_subject(
    connector: KvkConnector, query: Any
) -> None:
    result = await connector.enrich(query(BusinessRef("90001354"), {"hoofdvestigingAdres"}))
    assert facts(result)["hoofdvestigingAdres"] == {
        "straatnaam": None,
        "huisnummer": None,
        "huisletter": None,
        "toevoeging": None,
        "postcode": None,
        "plaats": "Sterksel",
        "volledigAdres": None,
        "afgeschermd": True,
    }
    assert result.discovered == []


async def test_ended_registration_has_datum_einde(connector: KvkConnector, query: Any) -> None:
    result = await connector.enrich(query(BusinessRef("96354429"), {"datumEinde", "rechtsvorm"}))
    assert facts(result) == {"datumEinde": "2023-12-31", "rechtsvorm": "Coöperatie"}


async def test_unknown_kvk_number_is_empty(connector: KvkConnector, query: Any) -> None:
    result = await connector.enrich(query(BusinessRef("12345678")))
    assert (result.facts, result.evidence, result.discovered) == ([], [], [])


async def test_a_nevenvestiging(connector: KvkConnector, query: Any) -> None:
    result = await connector.enrich(query(BusinessRef("69599084", "000038509520")))
    values = facts(result)
    assert values["naam"] == "Test EMZ Nevenvestiging Govert"
    assert "hoofdvestigingAdres" not in values  # it is not the hoofdvestiging
    assert "rechtsvorm" not in values and "vestigingen" not in values
    assert values["vestigingsAdres"]["plaats"] == "Maastricht"
    assert values["sbiActiviteiten"] == [
        {
            "sbiCode": "1013",
            "sbiOmschrijving": "Vleesverwerking (niet tot maaltijden)",
            "indHoofdactiviteit": True,
        }
    ]
    assert result.discovered == [AddressRef("6221AD", 4), BusinessRef("69599084")]
    assert {f.subject for f in result.facts} == {"business:69599084/000038509520"}


async def test_hoofdvestiging_with_a_toevoeging(connector: KvkConnector, query: Any) -> None:
    result = await connector.enrich(
        query(BusinessRef("68750110", "000037178598"), {"hoofdvestigingAdres"})
    )
    assert facts(result)["hoofdvestigingAdres"]["toevoeging"] == "A"
    assert result.discovered[0] == AddressRef("8823SJ", 3, huisnummertoevoeging="A")


async def test_vestiging_of_another_business_is_rejected(
    connector: KvkConnector, query: Any
) -> None:
    with pytest.raises(QueryRejected, match="97000011"):
        await connector.enrich(query(BusinessRef("97000011", "000097000023"), {"naam"}))


async def test_unknown_vestiging_is_empty(connector: KvkConnector, query: Any) -> None:
    result = await connector.enrich(query(BusinessRef("69599084", "000000000001"), {"naam"}))
    assert result.facts == []


# --- addresses ----------------------------------------------------------------------------


async def test_address_with_two_registrations_pages_to_the_end(
    make_connector: Any, fake_app: FastAPI, query: Any
) -> None:
    connector = make_connector(resultaten_per_pagina=1)
    result = await connector.enrich(query(AddressRef("1621JH", 88)))
    values = facts(result)
    assert values["aantalInschrijvingenOpAdres"] == 2
    assert values["inschrijvingenOpAdres"] == [
        {
            "kvkNummer": "97000011",
            "vestigingsnummer": "000097000011",
            "naam": "Flex West-Friesland Uitzendbureau B.V.",
            "type": "hoofdvestiging",
            "sbiActiviteiten": [
                {
                    "sbiCode": "78201",
                    "sbiOmschrijving": "Uitzendbureaus",
                    "indHoofdactiviteit": True,
                }
            ],
        },
        {
            "kvkNummer": "97000023",
            "vestigingsnummer": "000097000023",
            "naam": "Noord Klusbedrijf",
            "type": "hoofdvestiging",
            "sbiActiviteiten": [
                {
                    "sbiCode": "43999",
                    "sbiOmschrijving": "Gespecialiseerde bouw n.e.g.",
                    "indHoofdactiviteit": True,
                }
            ],
        },
    ]
    assert result.discovered == [BusinessRef("97000011"), BusinessRef("97000023")]
    assert [e.operation for e in result.evidence] == [
        "zoeken",
        "zoeken",
        "vestigingsprofiel",
        "vestigingsprofiel",
    ]
    assert fake_app.state.requests_seen == 4
    # the list fact points at the first page and names the other three answers
    listed = next(f for f in result.facts if f.attribute == "inschrijvingenOpAdres")
    assert listed.provenance.request_id == result.evidence[0].request_id
    assert listed.provenance.derived_from == tuple(e.request_id for e in result.evidence[1:])


async def test_address_paging_is_bounded_by_max_pages(make_connector: Any, query: Any) -> None:
    connector = make_connector(resultaten_per_pagina=1, max_pages=1)
    result = await connector.enrich(query(AddressRef("1621JH", 88)))
    values = facts(result)
    assert values["aantalInschrijvingenOpAdres"] == 2  # KvK's totaal, not what was read
    assert [hit["kvkNummer"] for hit in values["inschrijvingenOpAdres"]] == ["97000011"]


async def test_address_profiles_are_bounded_by_max_profiles(
    make_connector: Any, query: Any
) -> None:
    result = await make_connector(max_profiles=1).enrich(
        query(AddressRef("1621JH", 88), {"inschrijvingenOpAdres"})
    )
    [first, second] = facts(result)["inschrijvingenOpAdres"]
    assert first["sbiActiviteiten"][0]["sbiCode"] == "78201"
    assert second["sbiActiviteiten"] is None  # not read, which is not "no activities"


async def test_count_alone_reads_no_profiles(
    make_connector: Any, fake_app: FastAPI, query: Any
) -> None:
    result = await make_connector().enrich(
        query(AddressRef("1621JH", 88), {"aantalInschrijvingenOpAdres"})
    )
    assert facts(result) == {"aantalInschrijvingenOpAdres": 2}
    assert fake_app.state.requests_seen == 1


async def test_address_without_registrations_is_a_zero_fact(
    connector: KvkConnector, query: Any
) -> None:
    result = await connector.enrich(query(AddressRef("1687AB", 5)))
    assert facts(result) == {"aantalInschrijvingenOpAdres": 0, "inschrijvingenOpAdres": []}
    [evidence] = result.evidence
    assert (evidence.operation, evidence.status_code) == ("zoeken", 404)
    assert b"IPD5200" in evidence.body
    assert result.discovered == []


async def test_address_with_a_toevoeging(connector: KvkConnector, query: Any) -> None:
    result = await connector.enrich(
        query(AddressRef("8823SJ", 3, huisnummertoevoeging="A"), {"inschrijvingenOpAdres"})
    )
    assert [hit["kvkNummer"] for hit in facts(result)["inschrijvingenOpAdres"]] == ["68750110"]


# --- provenance and trace -----------------------------------------------------------------


async def test_provenance_and_traceparent(
    connector: KvkConnector, fake_app: FastAPI, query: Any
) -> None:
    q = query(BusinessRef("97000035"), {"naam", "sbiActiviteiten"})
    result = await connector.enrich(q)
    [evidence] = result.evidence
    assert evidence.url == "http://fake/api/v1/basisprofielen/97000035"
    assert evidence.status_code == 200
    assert evidence.media_type == "application/hal+json"
    for fact in result.facts:
        assert fact.subject == "business:97000035"
        assert fact.classification is Classification.NORMAL
        p = fact.provenance
        assert (p.connector, p.registry, p.operation) == (
            "kvk",
            "KvK Handelsregister",
            "basisprofiel",
        )
        assert p.request_id == evidence.request_id
        assert p.response_sha256 == evidence.sha256
        assert (p.trace_id, p.span_id) == (q.trace.trace_id, q.trace.span_id)
    assert fake_app.state.received_traceparents == [q.trace.traceparent]
    assert facts(result)["naam"] == "Lotus Massage & Wellness"


# --- health ---------------------------------------------------------------------------------


async def test_check_ok_with_the_test_key(connector: KvkConnector) -> None:
    health = await connector.check()
    assert health.ok
    assert health.latency_ms is not None and health.latency_ms >= 0


async def test_check_not_ok_with_a_wrong_key(make_connector: Any) -> None:
    health = await make_connector(api_key="wrong").check()
    assert not health.ok
    assert "401" in health.detail and "apikey" in health.detail


async def test_check_and_enrich_without_a_key(
    make_connector: Any, fake_app: FastAPI, query: Any
) -> None:
    connector = make_connector(api_key=None)
    health = await connector.check()
    assert not health.ok and "OPPLUS_KVK_API_KEY" in health.detail
    with pytest.raises(AuthenticationFailed):
        await connector.enrich(query(BusinessRef("69599084"), {"naam"}))
    assert fake_app.state.requests_seen == 0


# --- conversions --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("20170108", "2017-01-08"),
        ("20170100", "2017-01"),
        ("20170000", "2017"),
        ("00000000", None),
        (None, None),
        ("", None),
    ],
)
def test_iso_date(raw: str | None, iso: str | None) -> None:
    assert iso_date(raw, "datumAanvang") == iso


@pytest.mark.parametrize("raw", ["2017-01-08", "2017018", 20170108])
def test_iso_date_rejects_other_shapes(raw: Any) -> None:
    with pytest.raises(BadResponse):
        iso_date(raw, "datumAanvang")
