"""The SDK's gateway credentials: OAuth2 client credentials or a static X-API-KEY, one
way for every connector that offers both (BRP Personen, BRP Bewoning)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import respx

from plugins import (
    AuthenticationFailed,
    ConnectorContext,
    GatewayAuth,
    GatewayAuthSettings,
    registry_client,
)

BASE = "https://gateway.test/api"


def auth_for(env: dict[str, str], **settings: Any) -> tuple[GatewayAuth, httpx.AsyncClient]:
    values = GatewayAuthSettings(base_url=BASE, client_id="c-1", **settings)
    context = ConnectorContext(env=env)
    return GatewayAuth.from_settings(values, context, label="Test"), registry_client(
        values, context
    )


@respx.mock
async def test_api_key_goes_in_the_header() -> None:
    route = respx.post(f"{BASE}/x").mock(return_value=httpx.Response(200, json={}))
    auth, client = auth_for({"OPPLUS_API_KEY": "k-123"}, auth="api_key")
    async with client:
        await auth.send(client, "POST", "/x", trace=None, json={})
    assert route.calls.last.request.headers["x-api-key"] == "k-123"
    assert "authorization" not in route.calls.last.request.headers
    assert auth.problem is None and auth.fetches == 0


@respx.mock
async def test_oauth2_sends_the_bearer_token() -> None:
    respx.post(f"{BASE}/token").mock(
        return_value=httpx.Response(200, json={"access_token": "t-1", "expires_in": 60})
    )
    route = respx.post(f"{BASE}/x").mock(return_value=httpx.Response(200, json={}))
    auth, client = auth_for({"OPPLUS_CLIENT_SECRET": "s-1"})
    async with client:
        await auth.refresh(client, trace=None)
        await auth.send(client, "POST", "/x", trace=None, json={})
    assert route.calls.last.request.headers["authorization"] == "Bearer t-1"
    assert "x-api-key" not in route.calls.last.request.headers
    assert auth.fetches == 1


@pytest.mark.parametrize(
    ("mode", "variable"), [("api_key", "OPPLUS_API_KEY"), ("oauth2", "OPPLUS_CLIENT_SECRET")]
)
@respx.mock
async def test_missing_credentials_name_the_variable_and_send_nothing(
    mode: str, variable: str
) -> None:
    auth, client = auth_for({}, auth=mode)
    assert auth.problem is not None and variable in auth.problem
    async with client:
        with pytest.raises(AuthenticationFailed, match=variable):
            await auth.send(client, "POST", "/x", trace=None, json={})
    assert not respx.calls


def test_no_secret_in_repr() -> None:
    for env, mode in (({"OPPLUS_API_KEY": "k-geheim"}, "api_key"), ({}, "oauth2")):
        auth, _ = auth_for(env, auth=mode)
        assert "geheim" not in repr(auth) and mode in repr(auth)


def test_brp_and_bewoning_share_the_settings_shape() -> None:
    from connectors.bewoning.client import Settings as BewoningSettings
    from connectors.brp.client import Settings as BrpSettings

    for model in (BrpSettings, BewoningSettings):
        assert issubclass(model, GatewayAuthSettings), model
