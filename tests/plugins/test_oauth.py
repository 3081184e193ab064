"""The SDK's OAuth2 client-credentials token source: both client authentication
methods against the BRP and Bewoning fakes, caching, one refresh in flight, 401."""

from __future__ import annotations

import asyncio
import base64
from typing import Any, Literal
from urllib.parse import parse_qs

import httpx
import pytest
import respx

from connectors.bewoning import fake as bewoning_fake
from connectors.brp import fake as brp_fake
from plugins import AuthenticationFailed, ConnectorContext, OAuth2Settings, TokenSource
from plugins import registry_client as make_client

Method = Literal["client_secret_basic", "client_secret_post"]
TOKEN_URL = "https://login.test/oauth2/token"
BASE = "https://registry.test/api"

FAKES = {
    "brp": (brp_fake.create_app, brp_fake.FAKE_CLIENT_ID, brp_fake.FAKE_CLIENT_SECRET),
    "bewoning": (
        bewoning_fake.create_app,
        bewoning_fake.FAKE_CLIENT_ID,
        bewoning_fake.FAKE_CLIENT_SECRET,
    ),
}


def fake_client(app: Any) -> httpx.AsyncClient:
    settings = OAuth2Settings(base_url="http://fake.test")
    return make_client(settings, ConnectorContext(transport=httpx.ASGITransport(app=app)))


@pytest.mark.parametrize("method", ["client_secret_basic", "client_secret_post"])
@pytest.mark.parametrize("fake", sorted(FAKES))
async def test_both_methods_get_a_token_from_the_fakes(fake: str, method: Method) -> None:
    factory, client_id, secret = FAKES[fake]
    app = factory()
    tokens = TokenSource(
        token_url="/token", client_id=client_id, client_secret=secret, method=method
    )
    async with fake_client(app) as client:
        token = await tokens.token(client, trace=None)
    assert token in app.state.tokens


@pytest.mark.parametrize("method", ["client_secret_basic", "client_secret_post"])
async def test_a_wrong_secret_is_refused_with_either_method(method: Method) -> None:
    tokens = TokenSource(
        token_url="/token", client_id=brp_fake.FAKE_CLIENT_ID, client_secret="x", method=method
    )
    async with fake_client(brp_fake.create_app()) as client:
        with pytest.raises(AuthenticationFailed, match="invalid_client"):
            await tokens.token(client, trace=None)


def token_route(router: respx.Router, expires_in: int = 3600) -> respx.Route:
    counter = iter(range(1000))

    def issue(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            json={
                "access_token": f"t-{next(counter)}",
                "token_type": "bearer",
                "expires_in": expires_in,
            },
        )

    return router.post(TOKEN_URL).mock(side_effect=issue)


@pytest.fixture
def router() -> respx.Router:
    return respx.Router(assert_all_called=False)


def client_for(router: respx.Router) -> httpx.AsyncClient:
    transport = httpx.MockTransport(router.async_handler)
    return make_client(OAuth2Settings(base_url=BASE), ConnectorContext(transport=transport))


async def test_basic_sends_the_credentials_encoded_in_the_header_only(
    router: respx.Router,
) -> None:
    route = token_route(router)
    tokens = TokenSource(
        token_url=TOKEN_URL,
        client_id="gemeente hoorn",
        client_secret="s:é",
        scope="brp",
        method="client_secret_basic",
    )
    async with client_for(router) as client:
        await tokens.token(client, trace=None)
    sent = route.calls.last.request
    scheme, _, value = sent.headers["authorization"].partition(" ")
    assert scheme == "Basic"
    # RFC 6749 2.3.1: form-urlencoded before base64, so a ":" in the secret is safe
    assert base64.b64decode(value).decode() == "gemeente%20hoorn:s%3A%C3%A9"
    form = parse_qs(sent.content.decode())
    assert form == {"grant_type": ["client_credentials"], "scope": ["brp"]}


async def test_post_sends_the_credentials_in_the_form(router: respx.Router) -> None:
    route = token_route(router)
    tokens = TokenSource(token_url=TOKEN_URL, client_id="c-1", client_secret="s-1")
    async with client_for(router) as client:
        await tokens.token(client, trace=None)
    sent = route.calls.last.request
    assert "authorization" not in sent.headers
    form = parse_qs(sent.content.decode())
    assert form["client_id"] == ["c-1"] and form["client_secret"] == ["s-1"]


async def test_token_is_cached_until_expiry_minus_margin(router: respx.Router) -> None:
    route = token_route(router, expires_in=100)
    now = [0.0]
    tokens = TokenSource(
        token_url=TOKEN_URL, client_id="c", client_secret="s", margin_s=30, clock=lambda: now[0]
    )
    async with client_for(router) as client:
        first = await tokens.token(client, trace=None)
        now[0] = 69.9
        assert await tokens.token(client, trace=None) == first
        now[0] = 70.0
        assert await tokens.token(client, trace=None) != first
    assert route.call_count == 2


async def test_concurrent_callers_share_one_refresh(router: respx.Router) -> None:
    route = token_route(router)
    tokens = TokenSource(token_url=TOKEN_URL, client_id="c", client_secret="s")
    async with client_for(router) as client:
        got = await asyncio.gather(*(tokens.token(client, trace=None) for _ in range(20)))
    assert set(got) == {"t-0"} and route.call_count == 1


async def test_401_renews_once_and_retries(router: respx.Router) -> None:
    token_route(router)
    statuses = iter([401, 200, 401, 401])
    answers = (httpx.Response(status, json={}) for status in statuses)
    api = router.get(f"{BASE}/x").mock(side_effect=lambda request: next(answers))
    tokens = TokenSource(token_url=TOKEN_URL, client_id="c", client_secret="s")
    async with client_for(router) as client:
        response = await tokens.send(client, "GET", "x", trace=None)
        assert response.status_code == 200
        used = [call.request.headers["authorization"] for call in api.calls]
        assert used == ["Bearer t-0", "Bearer t-1"]
        # a 401 to the renewed token too is the answer, not a loop
        response = await tokens.send(client, "GET", "x", trace=None)
    assert response.status_code == 401
    assert api.call_count == 4 and tokens.fetches == 3


async def test_concurrent_401s_refresh_only_once(router: respx.Router) -> None:
    token_route(router)

    def api(request: httpx.Request) -> httpx.Response:
        ok = request.headers["authorization"] == "Bearer t-1"
        return httpx.Response(200 if ok else 401, json={})

    router.get(f"{BASE}/x").mock(side_effect=api)
    tokens = TokenSource(token_url=TOKEN_URL, client_id="c", client_secret="s")
    async with client_for(router) as client:
        await tokens.token(client, trace=None)
        answers = await asyncio.gather(
            *(tokens.send(client, "GET", "x", trace=None) for _ in range(5))
        )
    assert {a.status_code for a in answers} == {200}
    assert tokens.fetches == 2


async def test_missing_secret_fails_before_any_request(router: respx.Router) -> None:
    route = token_route(router)
    settings = OAuth2Settings(base_url=BASE, client_id="c", client_secret_env="NOPE")
    tokens = TokenSource.from_settings(settings, ConnectorContext(env={}), label="Test")
    assert tokens.problem == "the OAuth2 client secret is not set"
    async with client_for(router) as client:
        with pytest.raises(AuthenticationFailed, match="Test: the OAuth2 client secret"):
            await tokens.token(client, trace=None)
    assert route.call_count == 0
