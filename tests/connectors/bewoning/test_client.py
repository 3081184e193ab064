"""The BRP Bewoning connector against its fake, in-process."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi import FastAPI

from connectors.bewoning.client import PROBE_OBJECT, BewoningConnector
from plugins import (
    AddressRef,
    AuthenticationFailed,
    BusinessRef,
    Classification,
    EnrichResult,
    PersonRef,
    Query,
    TraceContext,
)

KLEINE_NOORD = AddressRef("1621JH", 88, adresseerbaarObjectIdentificatie="0405010000170088")
DORPSSTRAAT = AddressRef("1687AB", 5, adresseerbaarObjectIdentificatie="0420010000150005")
Connect = Callable[..., BewoningConnector]
MakeQuery = Callable[..., Query]


def _values(result: EnrichResult) -> dict[str, Any]:
    return {fact.attribute: fact.value for fact in result.facts}


def _age(born: str, today: date) -> int:
    day = date.fromisoformat(born)
    return today.year - day.year - ((today.month, today.day) < (day.month, day.day))


async def test_kleine_noord_oauth2(
    make_connector: Connect, make_query: MakeQuery, transport: Any, today: date
) -> None:
    result = await make_connector().enrich(make_query(KLEINE_NOORD))
    values = _values(result)
    assert values["aantalBewoners"] == 9
    assert values["aantalMogelijkeBewoners"] == 2
    assert values["indicatieVeelBewoners"] is False
    assert values["aantalNieuweBewoners"] == 4
    assert len(values["bewoners"]) == 9
    katarzyna = next(b for b in values["bewoners"] if b["burgerservicenummer"] == "999970057")
    assert katarzyna == {
        "burgerservicenummer": "999970057",
        "volledigeNaam": "Katarzyna Wiśniewska",
        "geboortedatum": "2004-11-23",
        "leeftijd": _age("2004-11-23", today),
    }
    assert {f.classification for f in result.facts} == {Classification.PERSONAL}
    assert {f.subject for f in result.facts} == {KLEINE_NOORD.key}
    assert result.discovered == []
    assert transport.paths() == ["/token", "/bewoningen", "/bewoningen"]
    bodies = [json.loads(r.content) for r in transport.requests[1:]]
    assert bodies == [
        {
            "type": "BewoningMetPeildatum",
            "adresseerbaarObjectIdentificatie": "0405010000170088",
            "peildatum": today.isoformat(),
        },
        {
            "type": "BewoningMetPeildatum",
            "adresseerbaarObjectIdentificatie": "0405010000170088",
            "peildatum": (today - timedelta(days=90)).isoformat(),
        },
    ]
    assert transport.requests[1].headers["Authorization"].startswith("Bearer ")
    assert "x-api-key" not in transport.requests[1].headers


async def test_token_request_form(
    make_connector: Connect, make_query: MakeQuery, transport: Any
) -> None:
    await make_connector(resource_server="ResourceServer01").enrich(
        make_query(KLEINE_NOORD, {"aantalBewoners"})
    )
    token_request = transport.requests[0]
    assert token_request.headers["content-type"] == "application/x-www-form-urlencoded"
    form = dict(pair.split("=") for pair in token_request.content.decode().split("&"))
    assert form == {
        "grant_type": "client_credentials",
        "client_id": "opplus-fake",
        "client_secret": "fake-bewoning-client-secret",
        "scope": "000123-00000001234567890000",
        "resourceServer": "ResourceServer01",
    }


async def test_provenance_of_the_derived_count(
    make_connector: Connect, make_query: MakeQuery
) -> None:
    trace = TraceContext.new_trace()
    result = await make_connector().enrich(make_query(KLEINE_NOORD, trace=trace))
    now, then = result.evidence
    assert now.operation.endswith(" 2026-03-16")
    assert then.operation.endswith(" 2025-12-16")
    new = next(f for f in result.facts if f.attribute == "aantalNieuweBewoners")
    assert new.provenance.request_id == now.request_id
    assert new.provenance.derived_from == (now.request_id, then.request_id)
    for fact in result.facts:
        assert fact.provenance.connector == "bewoning"
        assert fact.provenance.registry == "BRP Bewoning (RvIG)"
        assert fact.provenance.trace_id == trace.trace_id
        assert fact.provenance.response_sha256 in {now.sha256, then.sha256}
    count = next(f for f in result.facts if f.attribute == "aantalBewoners")
    assert count.provenance.response_sha256 == now.sha256
    assert b'"999970057"' in now.body
    assert b'"999970057"' not in then.body


async def test_traceparent_reaches_the_fake(
    make_connector: Connect, make_query: MakeQuery, fake_app: FastAPI
) -> None:
    trace = TraceContext.new_trace()
    await make_connector().enrich(make_query(KLEINE_NOORD, trace=trace))
    assert fake_app.state.received_traceparents == [trace.traceparent] * 3


async def test_only_requested_fields(
    make_connector: Connect, make_query: MakeQuery, transport: Any
) -> None:
    result = await make_connector().enrich(make_query(KLEINE_NOORD, {"aantalBewoners"}))
    assert _values(result) == {"aantalBewoners": 9}
    assert transport.paths() == ["/token", "/bewoningen"]


async def test_no_bewoning_field_means_no_call(
    make_connector: Connect, make_query: MakeQuery, transport: Any
) -> None:
    result = await make_connector().enrich(make_query(KLEINE_NOORD, {"oppervlakte"}))
    assert result.facts == []
    assert transport.requests == []


async def test_accepts_only_addresses_with_an_object_id(make_connector: Connect) -> None:
    connector = make_connector()
    assert connector.accepts(KLEINE_NOORD)
    assert not connector.accepts(AddressRef("1621JH", 88))
    assert not connector.accepts(PersonRef("999993653"))
    assert not connector.accepts(BusinessRef("69599084"))


async def test_api_key_mode(make_connector: Connect, make_query: MakeQuery, transport: Any) -> None:
    connector = make_connector(auth="api_key")
    result = await connector.enrich(make_query(DORPSSTRAAT, {"bewoners", "aantalBewoners"}))
    assert transport.paths() == ["/bewoningen"]
    assert transport.requests[0].headers["X-API-KEY"] == "fake-bewoning-api-key"
    values = _values(result)
    assert values["aantalBewoners"] == 3
    daan = next(b for b in values["bewoners"] if b["burgerservicenummer"] == "999970173")
    assert daan["leeftijd"] == 16
    assert daan["volledigeNaam"] == "Daan Bakker"


async def test_boterdiep(make_connector: Connect, make_query: MakeQuery) -> None:
    subject = AddressRef("3077AW", 31, adresseerbaarObjectIdentificatie="0599010000208579")
    result = await make_connector().enrich(
        make_query(subject, {"bewoners", "aantalNieuweBewoners"})
    )
    values = _values(result)
    assert [b["volledigeNaam"] for b in values["bewoners"]] == ["Suzanne Moulin"]
    assert values["bewoners"][0]["geboortedatum"] == "1985-12-01"
    assert values["aantalNieuweBewoners"] == 0


async def test_nobody_registered_is_zero(make_connector: Connect, make_query: MakeQuery) -> None:
    empty = AddressRef("1687TV", 40, adresseerbaarObjectIdentificatie="0420010000160000")
    result = await make_connector().enrich(make_query(empty))
    assert _values(result) == {
        "aantalBewoners": 0,
        "aantalMogelijkeBewoners": 0,
        "indicatieVeelBewoners": False,
        "bewoners": [],
        "aantalNieuweBewoners": 0,
    }


async def test_discover_residents_when_configured(
    make_connector: Connect, make_query: MakeQuery
) -> None:
    result = await make_connector(discover_residents=True).enrich(
        make_query(DORPSSTRAAT, {"aantalBewoners"})
    )
    assert sorted(p.key for p in result.discovered) == [
        "person:999970173",
        "person:999970185",
        "person:999970197",
    ]


async def test_token_is_cached_and_renewed_when_refused(
    make_connector: Connect, make_query: MakeQuery, fake_app: FastAPI, transport: Any
) -> None:
    connector = make_connector()
    query = make_query(KLEINE_NOORD, {"aantalBewoners"})
    await connector.enrich(query)
    await connector.enrich(query)
    assert transport.paths().count("/token") == 1
    fake_app.state.tokens.clear()  # the registry forgets (revokes) the token
    result = await connector.enrich(query)
    assert _values(result) == {"aantalBewoners": 9}
    assert transport.paths()[-3:] == ["/bewoningen", "/token", "/bewoningen"]


async def test_missing_credentials_fail_before_sending(
    make_connector: Connect, make_query: MakeQuery, transport: Any
) -> None:
    query = make_query(KLEINE_NOORD)
    with pytest.raises(AuthenticationFailed, match="OPPLUS_BEWONING_CLIENT_SECRET"):
        await make_connector(env={}).enrich(query)
    with pytest.raises(AuthenticationFailed, match="client_id"):
        await make_connector(client_id=None).enrich(query)
    with pytest.raises(AuthenticationFailed, match="OPPLUS_BEWONING_API_KEY"):
        await make_connector(auth="api_key", env={}).enrich(query)
    assert transport.requests == []


async def test_wrong_secret_is_authentication_failed(
    make_connector: Connect, make_query: MakeQuery
) -> None:
    connector = make_connector(env={"OPPLUS_BEWONING_CLIENT_SECRET": "wrong"})
    with pytest.raises(AuthenticationFailed) as info:
        await connector.enrich(make_query(KLEINE_NOORD))
    assert info.value.detail == "invalid_client: client authentication failed"


async def test_wrong_api_key_is_authentication_failed(
    make_connector: Connect, make_query: MakeQuery
) -> None:
    connector = make_connector(auth="api_key", env={"OPPLUS_BEWONING_API_KEY": "wrong"})
    with pytest.raises(AuthenticationFailed) as info:
        await connector.enrich(make_query(KLEINE_NOORD))
    assert info.value.detail == "Niet correct geauthenticeerd. [authentication]"


async def test_check_ok_with_good_credentials(make_connector: Connect, transport: Any) -> None:
    oauth = await make_connector().check()
    assert oauth.ok, oauth.detail
    assert oauth.detail == "credentials accepted (HTTP 200)"
    key = await make_connector(auth="api_key").check()
    assert key.ok
    # the probe asks about an object of no municipality: it can name nobody
    probes = [
        json.loads(r.content) for r in transport.requests if r.url.path.endswith("/bewoningen")
    ]
    assert probes and all(
        body["adresseerbaarObjectIdentificatie"] == PROBE_OBJECT
        and body["adresseerbaarObjectIdentificatie"].startswith("0000")
        for body in probes
    )


async def test_check_not_ok_with_bad_credentials(make_connector: Connect) -> None:
    wrong_secret = await make_connector(env={"OPPLUS_BEWONING_CLIENT_SECRET": "wrong"}).check()
    assert not wrong_secret.ok
    assert "invalid_client" in wrong_secret.detail
    wrong_key = await make_connector(
        auth="api_key", env={"OPPLUS_BEWONING_API_KEY": "wrong"}
    ).check()
    assert not wrong_key.ok
    assert "401" in wrong_key.detail
    missing = await make_connector(env={}).check()
    assert not missing.ok
    assert "OPPLUS_BEWONING_CLIENT_SECRET" in missing.detail
