"""Every way BRP Bewoning (and its token endpoint) can fail maps to one plugins error."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import date
from typing import Any, Literal

import httpx
import pytest
import respx

from connectors.bewoning.client import BewoningConnector, Settings
from connectors.bewoning.fake import FAKE_API_KEY, MOUNT, create_app
from connectors.bewoning.fake.data import Inschrijving, PartialDate
from plugins import (
    AddressRef,
    AuthenticationFailed,
    BadResponse,
    ConnectorContext,
    Query,
    QueryRejected,
    RateLimited,
    RegistryTimeout,
    RegistryUnavailable,
)

BASE = "https://apigw.test/api/brp/bewoning"
BEWONINGEN = f"{BASE}/bewoningen"
TOKEN = "https://auth.test/nidp/oauth/nam/token"
SUBJECT = AddressRef("1621JH", 88, adresseerbaarObjectIdentificatie="0405010000170088")
TODAY = date(2026, 3, 16)


def _problem(status: int, code: str, **extra: Any) -> httpx.Response:
    body = {"status": status, "code": code, "title": f"title {code}", **extra}
    return httpx.Response(status, json=body, headers={"content-type": "application/problem+json"})


def _connector(auth: Literal["oauth2", "api_key"]) -> BewoningConnector:
    settings = Settings(
        base_url=BASE,
        token_url=TOKEN,
        client_id="c",
        auth=auth,
        timeout_s=1.0,
    )
    env = {"OPPLUS_BEWONING_API_KEY": "k", "OPPLUS_BEWONING_CLIENT_SECRET": "s"}
    return BewoningConnector(settings, ConnectorContext(env=env), today=lambda: TODAY)


@pytest.fixture
async def connector() -> AsyncIterator[BewoningConnector]:
    made = _connector("api_key")
    yield made
    await made.aclose()


@pytest.fixture
async def oauth_connector() -> AsyncIterator[BewoningConnector]:
    made = _connector("oauth2")
    yield made
    await made.aclose()


@pytest.fixture
def query(make_query: Callable[..., Query]) -> Query:
    return make_query(SUBJECT, {"aantalBewoners"})


@respx.mock
async def test_connect_error(connector: BewoningConnector, query: Query) -> None:
    respx.post(BEWONINGEN).mock(side_effect=httpx.ConnectError("refused"))
    with pytest.raises(RegistryUnavailable) as info:
        await connector.enrich(query)
    assert info.value.transient


@respx.mock
async def test_timeout(connector: BewoningConnector, query: Query) -> None:
    respx.post(BEWONINGEN).mock(side_effect=httpx.ConnectTimeout("slow"))
    with pytest.raises(RegistryTimeout):
        await connector.enrich(query)


@respx.mock
async def test_500_is_not_transient(connector: BewoningConnector, query: Query) -> None:
    respx.post(BEWONINGEN).mock(return_value=_problem(500, "serverError"))
    with pytest.raises(RegistryUnavailable) as info:
        await connector.enrich(query)
    assert not info.value.transient
    assert info.value.detail == "title serverError [serverError]"


@pytest.mark.parametrize("status", [502, 503, 504])
@respx.mock
async def test_gateway_errors_are_transient(
    connector: BewoningConnector, query: Query, status: int
) -> None:
    respx.post(BEWONINGEN).mock(return_value=_problem(status, "notAvailable"))
    with pytest.raises(RegistryUnavailable) as info:
        await connector.enrich(query)
    assert info.value.transient


@respx.mock
async def test_429_with_retry_after(connector: BewoningConnector, query: Query) -> None:
    response = _problem(429, "tooManyRequests")
    response.headers["Retry-After"] = "12"
    respx.post(BEWONINGEN).mock(return_value=response)
    with pytest.raises(RateLimited) as info:
        await connector.enrich(query)
    assert info.value.retry_after == 12.0


@pytest.mark.parametrize("status", [401, 403])
@respx.mock
async def test_401_403(connector: BewoningConnector, query: Query, status: int) -> None:
    respx.post(BEWONINGEN).mock(return_value=_problem(status, "authentication"))
    with pytest.raises(AuthenticationFailed):
        await connector.enrich(query)


@respx.mock
async def test_400_is_query_rejected(connector: BewoningConnector, query: Query) -> None:
    params = [{"name": "peildatum", "code": "date", "reason": "x"}]
    respx.post(BEWONINGEN).mock(
        return_value=_problem(400, "paramsValidation", invalidParams=params)
    )
    with pytest.raises(QueryRejected) as info:
        await connector.enrich(query)
    assert info.value.detail == ("title paramsValidation [paramsValidation] (peildatum (date): x)")


@respx.mock
async def test_html_instead_of_json(connector: BewoningConnector, query: Query) -> None:
    respx.post(BEWONINGEN).mock(
        return_value=httpx.Response(200, text="<html/>", headers={"content-type": "text/html"})
    )
    with pytest.raises(BadResponse):
        await connector.enrich(query)


@respx.mock
async def test_malformed_json(connector: BewoningConnector, query: Query) -> None:
    respx.post(BEWONINGEN).mock(
        return_value=httpx.Response(
            200, content=b'{"bewoningen": [', headers={"content-type": "application/json"}
        )
    )
    with pytest.raises(BadResponse, match="malformed JSON"):
        await connector.enrich(query)


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"bewoningen": {}},
        {"bewoningen": [{"bewoners": [{"naam": {"volledigeNaam": "X"}}]}]},
        {"bewoningen": [{"bewoners": "many"}]},
        [],
    ],
)
@respx.mock
async def test_wrong_shape(connector: BewoningConnector, query: Query, body: object) -> None:
    respx.post(BEWONINGEN).mock(return_value=httpx.Response(200, json=body))
    with pytest.raises(BadResponse):
        await connector.enrich(query)


@respx.mock
async def test_birth_date_that_is_no_date(
    connector: BewoningConnector, make_query: Callable[..., Query]
) -> None:
    bewoner = {
        "burgerservicenummer": "999970008",
        "geboorte": {"datum": {"type": "Datum", "datum": "12-04-1990", "langFormaat": "x"}},
    }
    respx.post(BEWONINGEN).mock(
        return_value=httpx.Response(200, json={"bewoningen": [{"bewoners": [bewoner]}]})
    )
    with pytest.raises(BadResponse, match="ISO"):
        await connector.enrich(make_query(SUBJECT, {"bewoners"}))


@respx.mock
async def test_partial_birth_dates_have_no_age(
    connector: BewoningConnector, make_query: Callable[..., Query]
) -> None:
    def born(**datum: object) -> dict[str, object]:
        return {"datum": datum}

    bewoners = [
        {"burgerservicenummer": "1", "geboorte": born(type="JaarMaandDatum", jaar=1990, maand=4)},
        {"burgerservicenummer": "2", "geboorte": born(type="JaarDatum", jaar=1990)},
        {"burgerservicenummer": "3", "geboorte": born(type="DatumOnbekend", onbekend=True)},
        {"burgerservicenummer": "4", "geheimhoudingPersoonsgegevens": True},
    ]
    respx.post(BEWONINGEN).mock(
        return_value=httpx.Response(200, json={"bewoningen": [{"bewoners": bewoners}]})
    )
    result = await connector.enrich(make_query(SUBJECT, {"bewoners"}))
    [fact] = result.facts
    assert [(b["geboortedatum"], b["leeftijd"]) for b in fact.value] == [
        ("1990-04", None),
        ("1990", None),
        (None, None),
        (None, None),
    ]
    assert fact.value[3]["geheimhoudingPersoonsgegevens"] is True
    assert fact.value[3]["volledigeNaam"] is None


@respx.mock
async def test_token_endpoint_down(oauth_connector: BewoningConnector, query: Query) -> None:
    respx.post(TOKEN).mock(return_value=httpx.Response(503, text="down"))
    bewoningen = respx.post(BEWONINGEN)
    with pytest.raises(RegistryUnavailable) as info:
        await oauth_connector.enrich(query)
    assert info.value.transient
    assert not bewoningen.called


@respx.mock
async def test_token_unreachable(oauth_connector: BewoningConnector, query: Query) -> None:
    respx.post(TOKEN).mock(side_effect=httpx.ConnectError("refused"))
    with pytest.raises(RegistryUnavailable):
        await oauth_connector.enrich(query)


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(200, text="<html/>", headers={"content-type": "text/html"}),
        httpx.Response(200, json={"token_type": "bearer"}),
        httpx.Response(200, json={"access_token": "t", "expires_in": "soon"}),
    ],
)
@respx.mock
async def test_token_answer_breaks_the_contract(
    oauth_connector: BewoningConnector, query: Query, response: httpx.Response
) -> None:
    respx.post(TOKEN).mock(return_value=response)
    with pytest.raises(BadResponse):
        await oauth_connector.enrich(query)


@respx.mock
async def test_token_refused_with_html_body(
    oauth_connector: BewoningConnector, query: Query
) -> None:
    respx.post(TOKEN).mock(return_value=httpx.Response(401, text="<html>no</html>"))
    with pytest.raises(AuthenticationFailed, match="HTTP 401"):
        await oauth_connector.enrich(query)


@respx.mock
async def test_bearer_refused_twice_is_authentication_failed(
    oauth_connector: BewoningConnector, query: Query
) -> None:
    token = respx.post(TOKEN).mock(
        return_value=httpx.Response(200, json={"access_token": "t", "expires_in": 3600})
    )
    respx.post(BEWONINGEN).mock(return_value=_problem(401, "authentication"))
    with pytest.raises(AuthenticationFailed):
        await oauth_connector.enrich(query)
    assert token.call_count == 2


@respx.mock
async def test_check_unreachable(connector: BewoningConnector) -> None:
    respx.post(BEWONINGEN).mock(side_effect=httpx.ConnectError("refused"))
    health = await connector.check()
    assert not health.ok
    assert "cannot reach" in health.detail


async def test_many_residents_give_only_the_indicator(make_query: Callable[..., Query]) -> None:
    people = [
        Inschrijving(f"{i:09d}", "P", "Q", date(1990, 1, 1), PartialDate(2020, 1, 1))
        for i in range(101)
    ]
    app = create_app(residents={"0405010000170088": people})
    context = ConnectorContext(
        transport=httpx.ASGITransport(app=app, root_path=MOUNT),
        env={"OPPLUS_BEWONING_API_KEY": FAKE_API_KEY},
    )
    settings = Settings(base_url=f"http://bewoning.fake{MOUNT}", auth="api_key")
    connector = BewoningConnector(settings, context, today=lambda: TODAY)
    try:
        result = await connector.enrich(make_query(SUBJECT))
    finally:
        await connector.aclose()
    assert [(f.attribute, f.value) for f in result.facts] == [("indicatieVeelBewoners", True)]
