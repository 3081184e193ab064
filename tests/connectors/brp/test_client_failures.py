"""Every failure the BRP connector can meet maps to the right plugins error (respx)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
import respx

from connectors.brp.client import BrpConnector, Settings
from plugins import (
    AuthenticationFailed,
    BadResponse,
    ConnectorContext,
    ConnectorError,
    PersonRef,
    Query,
    QueryRejected,
    RateLimited,
    RegistryTimeout,
    RegistryUnavailable,
)
from plugins.testing import TEST_PURPOSE, make_query

BASE = "https://brp.test/api/brp"
TOKEN_URL = "https://login.test/oauth2/token"
PROBLEM = {"content-type": "application/problem+json"}

Build = Callable[..., BrpConnector]


@pytest.fixture
def router() -> respx.Router:
    return respx.Router(base_url=BASE, assert_all_called=False)


@pytest.fixture
async def build(router: respx.Router) -> AsyncIterator[Build]:
    made: list[BrpConnector] = []

    def build_(env: dict[str, str] | None = None, **settings: Any) -> BrpConnector:
        options: dict[str, Any] = {"base_url": BASE, "auth": "api_key"}
        options.update(settings)
        context = ConnectorContext(
            transport=httpx.MockTransport(router.async_handler),
            env={"OPPLUS_BRP_API_KEY": "k-123", "OPPLUS_BRP_CLIENT_SECRET": "s-456"}
            if env is None
            else env,
        )
        connector = BrpConnector(Settings(**options), context)
        made.append(connector)
        return connector

    yield build_
    for connector in made:
        await connector.aclose()


def query(
    fields: tuple[str, ...] = ("leeftijd",), purpose_name: str = "Signaalverrijking"
) -> Query:
    purpose = dataclasses.replace(TEST_PURPOSE, name=purpose_name)
    return make_query(PersonRef("999993653"), fields, purpose=purpose)


def answer(*personen: Any) -> httpx.Response:
    return httpx.Response(
        200, json={"type": "RaadpleegMetBurgerservicenummer", "personen": list(personen)}
    )


# --- transport and status --------------------------------------------------------------


async def test_connect_error(router: respx.Router, build: Build) -> None:
    router.post("/personen").mock(side_effect=httpx.ConnectError("refused"))
    with pytest.raises(RegistryUnavailable) as caught:
        await build().enrich(query())
    assert not isinstance(caught.value, RegistryTimeout)
    assert caught.value.transient is True
    assert "cannot reach https://brp.test/api/brp/personen" in str(caught.value)


async def test_timeout(router: respx.Router, build: Build) -> None:
    router.post("/personen").mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(RegistryTimeout) as caught:
        await build().enrich(query())
    assert caught.value.transient is True
    assert caught.value.status == "timeout"


async def test_500_is_not_transient(router: respx.Router, build: Build) -> None:
    body = {"title": "Interne server fout.", "status": 500, "code": "serverError"}
    router.post("/personen").mock(return_value=httpx.Response(500, json=body, headers=PROBLEM))
    with pytest.raises(RegistryUnavailable) as caught:
        await build().enrich(query())
    assert caught.value.transient is False
    assert caught.value.detail == "Interne server fout. [serverError]"


@pytest.mark.parametrize("status", [502, 503, 504])
async def test_gateway_errors_are_transient(
    router: respx.Router, build: Build, status: int
) -> None:
    router.post("/personen").mock(return_value=httpx.Response(status, text="gateway"))
    with pytest.raises(RegistryUnavailable) as caught:
        await build().enrich(query())
    assert caught.value.transient is True
    assert f"HTTP {status}" in str(caught.value)


async def test_429_with_retry_after(router: respx.Router, build: Build) -> None:
    body = {"title": "Too many request", "status": 429, "code": "tooManyRequests"}
    router.post("/personen").mock(
        return_value=httpx.Response(429, json=body, headers={**PROBLEM, "Retry-After": "7"})
    )
    with pytest.raises(RateLimited) as caught:
        await build().enrich(query())
    assert caught.value.retry_after == 7.0
    assert caught.value.transient is True


@pytest.mark.parametrize("status", [401, 403])
async def test_auth_refused(router: respx.Router, build: Build, status: int) -> None:
    body = {"title": "Niet correct geauthenticeerd.", "status": status, "code": "authentication"}
    router.post("/personen").mock(return_value=httpx.Response(status, json=body, headers=PROBLEM))
    with pytest.raises(AuthenticationFailed) as caught:
        await build().enrich(query())
    assert f"HTTP {status}" in str(caught.value)
    assert caught.value.detail == "Niet correct geauthenticeerd. [authentication]"


async def test_params_validation_is_query_rejected(router: respx.Router, build: Build) -> None:
    body = {
        "type": "https://datatracker.ietf.org/doc/html/rfc7231#section-6.5.1",
        "title": "Een of meerdere parameters zijn niet correct.",
        "status": 400,
        "detail": "De foutieve parameter(s) zijn: fields[0].",
        "instance": "/haalcentraal/api/brp/personen",
        "code": "paramsValidation",
        "invalidParams": [
            {"name": "fields[0]", "code": "fields", "reason": "Parameter bevat een niet ..."}
        ],
    }
    router.post("/personen").mock(return_value=httpx.Response(400, json=body, headers=PROBLEM))
    with pytest.raises(QueryRejected) as caught:
        await build().enrich(query())
    assert caught.value.detail == (
        "Een of meerdere parameters zijn niet correct.: De foutieve parameter(s) zijn: "
        "fields[0]. [paramsValidation] (fields[0] (fields): Parameter bevat een niet ...)"
    )


async def test_too_many_results_is_query_rejected(router: respx.Router, build: Build) -> None:
    body = {"title": "Te veel zoekresultaten.", "status": 400, "code": "tooManyResults"}
    router.post("/personen").mock(return_value=httpx.Response(400, json=body, headers=PROBLEM))
    with pytest.raises(QueryRejected, match=r"\[tooManyResults\]"):
        await build().enrich(query())


# --- bodies that break the contract ----------------------------------------------------


async def test_html_instead_of_json(router: respx.Router, build: Build) -> None:
    router.post("/personen").mock(
        return_value=httpx.Response(
            200, text="<html>login</html>", headers={"content-type": "text/html"}
        )
    )
    with pytest.raises(BadResponse, match="expected JSON"):
        await build().enrich(query())


async def test_malformed_json(router: respx.Router, build: Build) -> None:
    router.post("/personen").mock(
        return_value=httpx.Response(
            200, content=b'{"personen": [', headers={"content-type": "application/json"}
        )
    )
    with pytest.raises(BadResponse, match="malformed JSON"):
        await build().enrich(query())


@pytest.mark.parametrize(
    ("body", "fields", "message"),
    [
        ({"type": "RaadpleegMetBurgerservicenummer"}, ("leeftijd",), "no personen list"),
        ({"personen": {"burgerservicenummer": "999993653"}}, ("leeftijd",), "no personen list"),
        ([], ("leeftijd",), "no personen list"),
        ({"personen": ["999993653"]}, ("leeftijd",), "at most one persoon"),
        ({"personen": [{"leeftijd": 1}, {"leeftijd": 2}]}, ("leeftijd",), "at most one persoon"),
        ({"personen": [{"burgerservicenummer": "999990676"}]}, ("leeftijd",),
         "different burgerservicenummer"),
        ({"personen": [{"leeftijd": "40"}]}, ("leeftijd",), "leeftijd is not a whole number"),
        ({"personen": [{"naam": "Suzanne"}]}, ("naam.voornamen",), "naam.voornamen is not inside"),
        ({"personen": [{"geboorte": {"datum": {"type": "Datum", "datum": "01-12-1985"}}}]},
         ("geboorte.datum",), "geboorte.datum.datum is not a date"),
        ({"personen": [{"geboorte": {"datum": {"type": "Eeuw", "eeuw": 20}}}]},
         ("geboorte.datum",), "unknown date type"),
        ({"personen": [{"geboorte": {"datum": "1985-12-01"}}]}, ("geboorte.datum",),
         "geboorte.datum is not an object"),
        ({"personen": [{"nationaliteiten": {"code": "0057"}}]}, ("nationaliteiten",),
         "nationaliteiten is not a list"),
        ({"personen": [{"verblijfplaats": {"type": "Adres",
                                           "verblijfadres": {"huisnummer": "31"}}}]},
         ("verblijfplaats",), "verblijfadres is not a whole number"),
        ({"personen": [{"gemeenteVanInschrijving": {"code": 599}}]},
         ("gemeenteVanInschrijving",), "gemeenteVanInschrijving.code is not text"),
    ],
)  # fmt: skip
async def test_wrong_shape_is_bad_response(
    router: respx.Router, build: Build, body: Any, fields: tuple[str, ...], message: str
) -> None:
    router.post("/personen").mock(return_value=httpx.Response(200, json=body))
    with pytest.raises(BadResponse, match=message):
        await build().enrich(query(fields))


async def test_verblijfplaats_without_type_is_inferred(router: respx.Router, build: Build) -> None:
    persoon = {
        "verblijfplaats": {
            "verblijfadres": {"korteStraatnaam": "Boterdiep", "huisnummer": 31,
                              "postcode": "3077AW", "woonplaats": "Rotterdam"},
        }
    }  # fmt: skip
    router.post("/personen").mock(return_value=answer(persoon))
    result = await build().enrich(query(("verblijfplaats",)))
    [fact] = result.facts
    assert fact.value["type"] == "Adres" and fact.value["straat"] == "Boterdiep"
    assert [s.key for s in result.discovered] == ["address:3077AW-31"]


async def test_unusable_address_is_a_fact_but_not_discovered(
    router: respx.Router, build: Build
) -> None:
    persoon = {"verblijfplaats": {"type": "Adres", "verblijfadres": {"huisnummer": 31}}}
    router.post("/personen").mock(return_value=answer(persoon))
    result = await build().enrich(query(("verblijfplaats",)))
    assert result.facts[0].value["huisnummer"] == 31
    assert result.discovered == []


# --- what is sent -------------------------------------------------------------------


GATEWAY = {
    "origin_oin": "00000001001234567000",
    "purposes": {"VA-MH-01": {"doelbinding": "PMH-OPPLUS", "verwerking": "signaalverrijking"}},
}


async def test_api_key_and_purpose_headers(router: respx.Router, build: Build) -> None:
    route = router.post("/personen").mock(return_value=answer())
    await build(purpose_headers=GATEWAY).enrich(query())
    sent = route.calls.last.request
    assert sent.headers["x-api-key"] == "k-123"
    # the code registered with the gateway, never the internal purpose id
    assert sent.headers["x-doelbinding"] == "PMH-OPPLUS"
    assert sent.headers["x-verwerking"] == "signaalverrijking"
    assert sent.headers["x-gebruiker"] == "o-1"
    assert sent.headers["x-origin-oin"] == "00000001001234567000"
    assert sent.headers["content-type"] == "application/json"
    assert sent.headers["traceparent"].startswith("00-")
    assert json.loads(sent.content) == {
        "type": "RaadpleegMetBurgerservicenummer",
        "burgerservicenummer": ["999993653"],
        "fields": ["leeftijd"],
    }


async def test_header_names_are_the_gateways(router: respx.Router, build: Build) -> None:
    route = router.post("/personen").mock(return_value=answer())
    names = {
        "doelbinding_header": "OIN-Doelbinding",
        "verwerking_header": "X-Verwerkingsactiviteit",
        "gebruiker_header": "X-Medewerker",
        "origin_oin_header": "X-OIN",
    }
    await build(purpose_headers={**GATEWAY, **names}).enrich(query())
    headers = route.calls.last.request.headers
    assert headers["oin-doelbinding"] == "PMH-OPPLUS"
    assert headers["x-verwerkingsactiviteit"] == "signaalverrijking"
    assert headers["x-medewerker"] == "o-1"
    assert headers["x-oin"] == "00000001001234567000"
    assert "x-doelbinding" not in headers


async def test_non_ascii_purpose_code_is_percent_encoded(
    router: respx.Router, build: Build
) -> None:
    route = router.post("/personen").mock(return_value=answer())
    codes = {"VA-MH-01": {"doelbinding": "d", "verwerking": "Signaal café\nmensenhandel"}}
    await build(purpose_headers={"purposes": codes}).enrich(query())
    assert route.calls.last.request.headers["x-verwerking"] == "Signaal caf%C3%A9mensenhandel"


async def test_no_purpose_headers_without_configuration(router: respx.Router, build: Build) -> None:
    route = router.post("/personen").mock(return_value=answer())
    await build().enrich(query())
    headers = route.calls.last.request.headers
    assert not any(name in headers for name in ("x-doelbinding", "x-verwerking", "x-gebruiker"))


async def test_purpose_without_registered_code_is_refused_unsent(
    router: respx.Router, build: Build
) -> None:
    route = router.post("/personen").mock(return_value=answer())
    other = {"purposes": {"VA-MH-02": {"doelbinding": "PMH-2"}}}
    with pytest.raises(QueryRejected, match="VA-MH-01"):
        await build(purpose_headers=other).enrich(query())
    assert route.call_count == 0


async def test_probe_sends_the_purpose_headers_of_a_query(
    router: respx.Router, build: Build
) -> None:
    route = router.post("/personen").mock(return_value=answer())
    health = await build(purpose_headers=GATEWAY, health_check_bsn="999993653").check()
    assert health.ok, health.detail
    headers = route.calls.last.request.headers
    assert headers["x-doelbinding"] == "PMH-OPPLUS"
    assert headers["x-gebruiker"] == "opplus"
    assert headers["x-origin-oin"] == "00000001001234567000"


async def test_missing_api_key_fails_without_a_call(router: respx.Router, build: Build) -> None:
    route = router.post("/personen").mock(return_value=answer())
    with pytest.raises(AuthenticationFailed, match="OPPLUS_BRP_API_KEY"):
        await build(env={}).enrich(query())
    assert route.call_count == 0


# --- OAuth2 ---------------------------------------------------------------------------


def oauth(**settings: Any) -> dict[str, Any]:
    return {"auth": "oauth2", "token_url": TOKEN_URL, "client_id": "c-1", **settings}


async def test_token_request_form(router: respx.Router, build: Build) -> None:
    token = router.post(TOKEN_URL).mock(
        return_value=httpx.Response(200, json={"access_token": "t-1", "token_type": "bearer"})
    )
    personen = router.post("/personen").mock(return_value=answer())
    await build(**oauth(scope="brp:personen")).enrich(query())
    form = dict(httpx.QueryParams(token.calls.last.request.content.decode()))
    assert form == {
        "grant_type": "client_credentials",
        "client_id": "c-1",
        "client_secret": "s-456",
        "scope": "brp:personen",
    }
    assert personen.calls.last.request.headers["authorization"] == "Bearer t-1"
    assert "x-api-key" not in personen.calls.last.request.headers


@pytest.mark.parametrize(
    ("response", "error"),
    [
        (httpx.Response(401, json={"error": "invalid_client"}), AuthenticationFailed),
        (httpx.Response(400, json={"error": "invalid_scope", "error_description": "nope"}),
         AuthenticationFailed),
        (httpx.Response(500, text="down"), RegistryUnavailable),
        (httpx.Response(503, text="down"), RegistryUnavailable),
        (httpx.Response(200, text="<html/>", headers={"content-type": "text/html"}), BadResponse),
        (httpx.Response(200, json={"token_type": "Bearer"}), BadResponse),
        (httpx.Response(200, json={"access_token": "t", "token_type": "mac"}), BadResponse),
        (httpx.Response(200, json={"access_token": "t", "expires_in": "soon"}), BadResponse),
    ],
)  # fmt: skip
async def test_token_endpoint_failures(
    router: respx.Router, build: Build, response: httpx.Response, error: type[ConnectorError]
) -> None:
    router.post(TOKEN_URL).mock(return_value=response)
    personen = router.post("/personen").mock(return_value=answer())
    with pytest.raises(error):
        await build(**oauth()).enrich(query())
    assert personen.call_count == 0


async def test_token_endpoint_unreachable(router: respx.Router, build: Build) -> None:
    router.post(TOKEN_URL).mock(side_effect=httpx.ConnectError("no route"))
    with pytest.raises(RegistryUnavailable, match=r"cannot reach https://login\.test/oauth2/token"):
        await build(**oauth()).enrich(query())


async def test_missing_client_secret_fails_without_a_call(
    router: respx.Router, build: Build
) -> None:
    token = router.post(TOKEN_URL).mock(return_value=httpx.Response(200, json={}))
    with pytest.raises(AuthenticationFailed, match="client secret is not set"):
        await build(env={}, **oauth()).enrich(query())
    assert token.call_count == 0


async def test_second_401_after_renewal_fails(router: respx.Router, build: Build) -> None:
    token = router.post(TOKEN_URL).mock(
        side_effect=[
            httpx.Response(200, json={"access_token": "t-1", "expires_in": 3600}),
            httpx.Response(200, json={"access_token": "t-2", "expires_in": 3600}),
        ]
    )
    personen = router.post("/personen").mock(
        return_value=httpx.Response(401, json={"code": "authentication"}, headers=PROBLEM)
    )
    with pytest.raises(AuthenticationFailed):
        await build(**oauth()).enrich(query())
    assert token.call_count == 2
    assert personen.call_count == 2
    used = [call.request.headers["authorization"] for call in personen.calls]
    assert used == ["Bearer t-1", "Bearer t-2"]


async def test_default_token_url_is_under_the_base_url(router: respx.Router, build: Build) -> None:
    token = router.post(f"{BASE}/token").mock(
        return_value=httpx.Response(200, json={"access_token": "t-1"})
    )
    router.post("/personen").mock(return_value=answer())
    await build(auth="oauth2", client_id="c-1").enrich(query())
    assert token.call_count == 1


# --- check() never raises ---------------------------------------------------------------


@pytest.mark.parametrize(
    "side_effect",
    [
        httpx.ConnectError("refused"),
        httpx.ReadTimeout("slow"),
        httpx.Response(503),
        httpx.Response(200, text="<html/>", headers={"content-type": "text/html"}),
        RuntimeError("bug"),
    ],
)
async def test_check_reports_failures(router: respx.Router, build: Build, side_effect: Any) -> None:
    router.post("/personen").mock(side_effect=[side_effect])
    health = await build().check()
    assert health.ok is False
    assert health.detail
    assert health.latency_ms is not None
