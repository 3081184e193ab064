"""The BRP connector against the in-process fake: values, provenance, discovery, auth."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
import structlog
from fastapi import FastAPI

from connectors.brp.client import FIELDS, OPERATION, BrpConnector
from connectors.brp.fake import FAKE_API_KEY, FAKE_CLIENT_SECRET, create_app
from connectors.brp.fake.plugin import register_fakes
from plugins import (
    AddressRef,
    AuthenticationFailed,
    BusinessRef,
    Classification,
    Connector,
    PersonRef,
    Query,
)

Connect = Callable[..., BrpConnector]
MakeQuery = Callable[..., Query]

ALL_FIELDS = tuple(FIELDS)


def facts_of(result: Any) -> dict[str, Any]:
    return {fact.attribute: fact.value for fact in result.facts}


def test_connector_info_and_protocol(connect: Connect) -> None:
    connector = connect()
    assert isinstance(connector, Connector)
    assert connector.info.name == "brp"
    assert connector.info.registry == "BRP Personen v2 (RvIG)"
    assert connector.info.subject_kinds == frozenset({"person"})
    assert set(connector.info.fields) == {
        "burgerservicenummer",
        "naam.volledigeNaam",
        "naam.voornamen",
        "naam.voorvoegsel",
        "naam.geslachtsnaam",
        "geboorte.datum",
        "geboorte.plaats",
        "leeftijd",
        "geslacht",
        "nationaliteiten",
        "verblijfplaats",
        "gemeenteVanInschrijving",
        "datumInschrijvingInGemeente",
        "immigratie",
        "overlijden",
        "geheimhoudingPersoonsgegevens",
    }
    assert {spec.classification for spec in connector.info.fields.values()} == {
        Classification.PERSONAL
    }


def test_accepts_persons_only(connect: Connect) -> None:
    connector = connect()
    assert connector.accepts(AddressRef("3077AW", 31)) is False
    assert connector.accepts(PersonRef("999993653")) is True
    assert connector.accepts(BusinessRef("69599084")) is False


async def test_all_fields_of_999993653(
    connect: Connect, make_query: MakeQuery, fake: FastAPI
) -> None:
    connector = connect()
    query = make_query("999993653", ALL_FIELDS)
    result = await connector.enrich(query)
    assert facts_of(result) == {
        "burgerservicenummer": "999993653",
        "naam.volledigeNaam": "Suzanne Moulin",
        "naam.voornamen": "Suzanne",
        "naam.geslachtsnaam": "Moulin",
        "geboorte.datum": "1985-12-01",
        "geboorte.plaats": "Thann",
        "leeftijd": 40,
        "geslacht": "vrouw",
        "nationaliteiten": ["Franse"],
        "verblijfplaats": {
            "type": "Adres",
            "straat": "Boterdiep",
            "huisnummer": 31,
            "huisletter": None,
            "huisnummertoevoeging": None,
            "postcode": "3077AW",
            "woonplaats": "Rotterdam",
            "adresseerbaarObjectIdentificatie": "0599010000208579",
            "nummeraanduidingIdentificatie": "0599200000219678",
            "datumVan": "2015-08-08",
        },
        "gemeenteVanInschrijving": {"code": "0599", "omschrijving": "Rotterdam"},
        "datumInschrijvingInGemeente": "2013-11-02",
        "immigratie": {
            "landVanwaarIngeschreven": "Frankrijk",
            "datumVestigingInNederland": "2013-11-02",
            "indicatieVestigingVanuitBuitenland": True,
        },
        "geheimhoudingPersoonsgegevens": False,
    }
    # the exact BRP fields asked for: one path per declared field, automatic ones never
    sent = fake.state.received_bodies[-1]
    assert sent["type"] == "RaadpleegMetBurgerservicenummer"
    assert sent["burgerservicenummer"] == ["999993653"]
    assert sent["fields"] == [
        "burgerservicenummer",
        "naam.volledigeNaam",
        "naam.voornamen",
        "naam.voorvoegsel",
        "naam.geslachtsnaam",
        "geboorte.datum",
        "geboorte.plaats",
        "leeftijd",
        "geslacht",
        "nationaliteiten.nationaliteit",
        "verblijfplaats",
        "gemeenteVanInschrijving",
        "datumInschrijvingInGemeente",
        "immigratie",
        "overlijden",
    ]
    assert "gemeenteVanInschrijving" not in sent


async def test_provenance_and_evidence(connect: Connect, make_query: MakeQuery) -> None:
    query = make_query("999993653", ["leeftijd", "naam.volledigeNaam"])
    result = await connect().enrich(query)
    [evidence] = result.evidence
    assert evidence.operation == OPERATION
    assert evidence.status_code == 200
    assert evidence.media_type == "application/json"
    assert evidence.url == "http://fake/haalcentraal/api/brp/personen"
    assert b"Suzanne Moulin" in evidence.body
    for fact in result.facts:
        assert fact.subject == "person:999993653"
        assert fact.classification is Classification.PERSONAL
        p = fact.provenance
        assert (p.connector, p.connector_version, p.registry) == (
            "brp",
            "1.0.0",
            "BRP Personen v2 (RvIG)",
        )
        assert p.operation == OPERATION
        assert p.request_id == evidence.request_id
        assert p.response_sha256 == hashlib.sha256(evidence.body).hexdigest()
        assert (p.trace_id, p.span_id) == (query.trace.trace_id, query.trace.span_id)


async def test_traceparent_reaches_the_fake(
    connect: Connect, make_query: MakeQuery, fake: FastAPI
) -> None:
    query = make_query("999993653", ["leeftijd"])
    await connect().enrich(query)
    assert query.trace.traceparent in fake.state.received_traceparents
    assert fake.state.received_traceparents[-1] == query.trace.traceparent


async def test_address_is_discovered(connect: Connect, make_query: MakeQuery) -> None:
    result = await connect().enrich(make_query("999993653", ["verblijfplaats"]))
    assert result.discovered == [
        AddressRef("3077AW", 31, adresseerbaarObjectIdentificatie="0599010000208579")
    ]


@pytest.mark.parametrize(
    ("bsn", "letter", "toevoeging"),
    [("999991978", "A", None), ("999994542", None, "H")],
)
async def test_discovered_address_keeps_letter_and_toevoeging(
    connect: Connect, make_query: MakeQuery, bsn: str, letter: str | None, toevoeging: str | None
) -> None:
    [ref] = (await connect().enrich(make_query(bsn, ["verblijfplaats"]))).discovered
    assert isinstance(ref, AddressRef)
    assert (ref.huisletter, ref.huisnummertoevoeging) == (letter, toevoeging)


async def test_without_verblijfplaats_nothing_about_the_address_is_asked(
    connect: Connect, make_query: MakeQuery, fake: FastAPI
) -> None:
    fields = ["naam.volledigeNaam", "leeftijd", "nationaliteiten"]
    result = await connect().enrich(make_query("999970057", fields))
    sent = fake.state.received_bodies[-1]["fields"]
    assert sent == ["naam.volledigeNaam", "leeftijd", "nationaliteiten.nationaliteit"]
    assert not any(path.startswith("verblijfplaats") for path in sent)
    assert result.discovered == []
    assert facts_of(result) == {
        "naam.volledigeNaam": "Katarzyna Wiśniewska",
        "leeftijd": 22,
        "nationaliteiten": ["Poolse"],
    }


async def test_only_requested_fields_are_returned(
    connect: Connect, make_query: MakeQuery, fake: FastAPI
) -> None:
    result = await connect().enrich(make_query("999993653", ["naam.geslachtsnaam", "other.x"]))
    assert fake.state.received_bodies[-1]["fields"] == ["naam.geslachtsnaam"]
    assert [(f.attribute, f.value) for f in result.facts] == [("naam.geslachtsnaam", "Moulin")]


async def test_no_applicable_field_means_no_call(
    connect: Connect, make_query: MakeQuery, fake: FastAPI
) -> None:
    result = await connect().enrich(make_query("999993653", ["kvk.naam"]))
    assert result.facts == [] and result.evidence == []
    assert fake.state.personen_calls == 0
    assert fake.state.tokens_issued == 0


async def test_not_found_gives_no_facts(
    connect: Connect, make_query: MakeQuery, fake: FastAPI
) -> None:
    result = await connect().enrich(make_query("111222333", ALL_FIELDS))
    assert result.facts == []
    assert result.discovered == []
    assert len(result.evidence) == 1  # the empty answer is kept for the audit trail
    assert fake.state.personen_calls == 1


async def test_only_automatic_field_asks_for_the_bsn_only(
    connect: Connect, make_query: MakeQuery, fake: FastAPI
) -> None:
    result = await connect().enrich(make_query("999993483", ["geheimhoudingPersoonsgegevens"]))
    assert fake.state.received_bodies[-1]["fields"] == ["burgerservicenummer"]
    assert facts_of(result) == {"geheimhoudingPersoonsgegevens": True}


async def test_geheimhouding_is_logged_without_the_bsn(
    connect: Connect, make_query: MakeQuery
) -> None:
    with structlog.testing.capture_logs() as logs:
        result = await connect().enrich(make_query("999993483", ["naam.volledigeNaam"]))
    assert facts_of(result) == {"naam.volledigeNaam": "Jacoba Magdalena gravin te Schaars"}
    notes = [e for e in logs if e["event"] == "brp.geheimhouding_persoonsgegevens"]
    assert len(notes) == 1
    assert notes[0]["signal_id"] == "s-1"
    assert all("999993483" not in str(value) for entry in logs for value in entry.values())


async def test_residence_abroad_is_not_discovered(connect: Connect, make_query: MakeQuery) -> None:
    result = await connect().enrich(make_query("999993483", ["verblijfplaats"]))
    assert facts_of(result)["verblijfplaats"] == {
        "type": "VerblijfplaatsBuitenland",
        "land": "België",
        "adresregel1": "Rue du pomme 25",
        "adresregel2": "Bruxelles",
        "adresregel3": "postcode 1000",
        "datumVan": "2014-07-02",
    }
    assert result.discovered == []


async def test_unknown_residence(connect: Connect, make_query: MakeQuery) -> None:
    result = await connect().enrich(make_query("999993586", ["verblijfplaats"]))
    assert facts_of(result)["verblijfplaats"] == {
        "type": "VerblijfplaatsOnbekend",
        "datumVan": "2008-04-02",
    }
    assert result.discovered == []


async def test_unknown_move_in_date(connect: Connect, make_query: MakeQuery) -> None:
    fields = ["verblijfplaats", "datumInschrijvingInGemeente"]
    result = await connect().enrich(make_query("999970112", fields))
    values = facts_of(result)
    assert values["datumInschrijvingInGemeente"] is None
    assert values["verblijfplaats"]["datumVan"] is None
    assert values["verblijfplaats"]["straat"] == "Kleine Noord"
    assert result.discovered == [
        AddressRef("1621JH", 88, adresseerbaarObjectIdentificatie="0405010000170088")
    ]


@pytest.mark.parametrize(
    ("bsn", "datum", "leeftijd"),
    [
        ("999992351", "1978-03", 48),  # month known and not this month: age is certain
        ("999995844", "1971", None),  # only the year: no age
        ("999994220", None, None),  # DatumOnbekend
    ],
)
async def test_partial_and_unknown_birth_dates(
    connect: Connect, make_query: MakeQuery, bsn: str, datum: str | None, leeftijd: int | None
) -> None:
    result = await connect().enrich(make_query(bsn, ["geboorte.datum", "leeftijd"]))
    values = facts_of(result)
    assert values["geboorte.datum"] == datum
    assert values.get("leeftijd") == leeftijd


async def test_deceased_person(connect: Connect, make_query: MakeQuery) -> None:
    result = await connect().enrich(make_query("999990147", ["overlijden", "leeftijd"]))
    assert facts_of(result) == {
        "overlijden": {"datum": "2018-05-26", "plaats": "Rotterdam", "land": "Nederland"}
    }


async def test_living_person_has_no_overlijden_fact(
    connect: Connect, make_query: MakeQuery
) -> None:
    result = await connect().enrich(make_query("999993653", ["overlijden"]))
    assert result.facts == []


async def test_demo_world_labour_migrant(
    connect: Connect, make_query: MakeQuery, today: date
) -> None:
    fields = [
        "nationaliteiten",
        "gemeenteVanInschrijving",
        "datumInschrijvingInGemeente",
        "immigratie",
        "geboorte.plaats",
    ]
    result = await connect().enrich(make_query("999970057", fields))
    registered = str(today - timedelta(days=20))
    assert facts_of(result) == {
        "nationaliteiten": ["Poolse"],
        "gemeenteVanInschrijving": {"code": "0405", "omschrijving": "Hoorn"},
        "datumInschrijvingInGemeente": registered,
        "immigratie": {
            "landVanwaarIngeschreven": "Polen",
            "datumVestigingInNederland": registered,
            "indicatieVestigingVanuitBuitenland": True,
        },
        "geboorte.plaats": "Tychy",
    }


async def test_the_demo_minor_is_16(connect: Connect, make_query: MakeQuery) -> None:
    result = await connect().enrich(make_query("999970173", ["leeftijd", "verblijfplaats"]))
    assert facts_of(result)["leeftijd"] == 16
    assert result.discovered == [
        AddressRef("1687AB", 5, adresseerbaarObjectIdentificatie="0420010000150005")
    ]


async def test_gemeente_filter_is_sent(
    connect: Connect, make_query: MakeQuery, fake: FastAPI
) -> None:
    connector = connect(gemeente_van_inschrijving="0518")
    result = await connector.enrich(make_query("999993653", ["leeftijd"]))
    assert fake.state.received_bodies[-1]["gemeenteVanInschrijving"] == "0518"
    assert result.facts == []  # registered in Rotterdam, filtered out
    in_den_haag = await connector.enrich(make_query("999990676", ["leeftijd"]))
    assert facts_of(in_den_haag) == {"leeftijd": 119}


# --- authentication -------------------------------------------------------------------


async def test_one_token_for_ten_concurrent_calls(
    connect: Connect, make_query: MakeQuery, fake: FastAPI
) -> None:
    connector = connect()
    bsns = ["999970008", "999970021", "999970033", "999970045", "999970057",
            "999970069", "999970070", "999970082", "999970094", "999993653"]  # fmt: skip
    results = await asyncio.gather(
        *(connector.enrich(make_query(bsn, ["burgerservicenummer"])) for bsn in bsns)
    )
    assert [facts_of(r)["burgerservicenummer"] for r in results] == bsns
    assert fake.state.tokens_issued == 1
    assert connector.token_fetches == 1
    assert fake.state.personen_calls == 10


async def test_token_is_reused_between_calls(
    connect: Connect, make_query: MakeQuery, fake: FastAPI
) -> None:
    connector = connect()
    await connector.enrich(make_query("999993653", ["leeftijd"]))
    await connector.enrich(make_query("999990676", ["leeftijd"]))
    assert fake.state.tokens_issued == 1


async def test_401_renews_the_token_once(
    connect: Connect, make_query: MakeQuery, fake: FastAPI
) -> None:
    connector = connect()
    await connector.enrich(make_query("999993653", ["leeftijd"]))
    fake.state.tokens.clear()  # the registry forgets the token (revoked or expired early)
    result = await connector.enrich(make_query("999993653", ["leeftijd"]))
    assert facts_of(result) == {"leeftijd": 40}
    assert fake.state.tokens_issued == 2
    assert fake.state.personen_calls == 3


async def test_expiring_token_is_renewed_before_use(
    connect: Connect, make_query: MakeQuery
) -> None:
    fake = create_app(today=date(2026, 11, 28), token_ttl_s=1)
    connector = connect(app=fake, token_renew_margin_s=30)
    await connector.enrich(make_query("999993653", ["leeftijd"]))
    await asyncio.sleep(0.6)  # past half of a 1 s lifetime: renew before the next call
    result = await connector.enrich(make_query("999993653", ["leeftijd"]))
    assert facts_of(result) == {"leeftijd": 40}
    assert fake.state.tokens_issued == 2
    assert fake.state.personen_calls == 2  # no 401 round trip was needed


async def test_api_key_mode(connect: Connect, make_query: MakeQuery, fake: FastAPI) -> None:
    connector = connect(auth="api_key")
    result = await connector.enrich(make_query("999993653", ["naam.voornamen"]))
    assert facts_of(result) == {"naam.voornamen": "Suzanne"}
    assert fake.state.tokens_issued == 0


async def test_bad_client_secret_fails_authentication(
    connect: Connect, make_query: MakeQuery
) -> None:
    connector = connect(env={"OPPLUS_BRP_CLIENT_SECRET": "not-the-secret"})
    with pytest.raises(AuthenticationFailed, match="HTTP 401"):
        await connector.enrich(make_query("999993653", ["leeftijd"]))


# --- check() --------------------------------------------------------------------------


async def test_check_ok_with_good_credentials(connect: Connect, fake: FastAPI) -> None:
    health = await connect().check()
    assert health.ok is True
    assert health.detail == "HTTP 200 from http://fake/haalcentraal/api/brp/personen"
    assert health.latency_ms is not None and health.latency_ms >= 0
    assert fake.state.tokens_issued == 1
    assert fake.state.received_bodies[-1] == {
        "type": "RaadpleegMetBurgerservicenummer",
        "burgerservicenummer": ["999993653"],
        "fields": ["burgerservicenummer"],
    }


async def test_check_not_ok_with_bad_client_secret(connect: Connect, fake: FastAPI) -> None:
    health = await connect(env={"OPPLUS_BRP_CLIENT_SECRET": "wrong"}).check()
    assert health.ok is False
    assert "refused the client credentials" in health.detail
    assert "invalid_client" in health.detail
    assert "wrong" not in health.detail
    assert fake.state.personen_calls == 0


async def test_check_api_key_mode(connect: Connect) -> None:
    good = await connect(auth="api_key").check()
    bad = await connect(auth="api_key", env={"OPPLUS_BRP_API_KEY": "nope"}).check()
    missing = await connect(auth="api_key", env={}).check()
    assert good.ok is True
    assert bad.ok is False and "HTTP 401" in bad.detail and "authentication" in bad.detail
    assert missing.ok is False and "OPPLUS_BRP_API_KEY" in missing.detail


async def test_check_asks_for_nobody_without_an_agreed_probe_person(
    connect: Connect, fake: FastAPI
) -> None:
    health = await connect(health_check_bsn=None).check()
    assert not health.ok
    assert health.detail == "no probe person: set health_check_bsn"


async def test_check_not_ok_without_client_id(connect: Connect) -> None:
    health = await connect(client_id=None).check()
    assert health.ok is False
    assert "client_id" in health.detail


async def test_check_uses_the_fakes_test_env(connect: Connect) -> None:
    # the FakeSpec's test_env is exactly what the connector reads by default
    specs: list[Any] = []
    register_fakes(specs.append)
    health = await connect(env=dict(specs[0].test_env)).check()
    assert health.ok is True
    assert dict(specs[0].test_env) == {
        "OPPLUS_BRP_CLIENT_SECRET": FAKE_CLIENT_SECRET,
        "OPPLUS_BRP_API_KEY": FAKE_API_KEY,
    }
