"""Logging in with the municipality's identity provider (OpenID Connect), against a test
provider over real HTTP on 127.0.0.1: the whole code flow, claims to roles and
municipalities, and every way it must fail."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from hub.config import OidcConfig

from .conftest import Hub, start_hub, web_config
from .oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider, running_provider


@pytest.fixture
def provider() -> Iterator[Provider]:
    with running_provider() as found:
        yield found


@pytest.fixture
async def oidc_hub(home, provider: Provider, monkeypatch) -> AsyncIterator[Hub]:
    monkeypatch.setenv("OPPLUS_TEST_OIDC_SECRET", CLIENT_SECRET)
    oidc = OidcConfig(
        issuer=provider.issuer,
        client_id=CLIENT_ID,
        client_secret_env="OPPLUS_TEST_OIDC_SECRET",
        label="Inloggen met Gemeente Hoorn-ID",
    )
    hub, lifespan = await start_hub(web_config(oidc=oidc))
    try:
        yield hub
    finally:
        await lifespan.__aexit__(None, None, None)


async def login_via_provider(hub: Hub) -> tuple[httpx.Response, httpx.AsyncClient]:
    """Click the button, let the provider approve, come back; returns the last answer."""
    client = hub.anonymous()
    start = await client.get("/inloggen/oidc")
    assert start.status_code == 303, start.text
    async with httpx.AsyncClient() as browser:  # the provider is a real server
        approved = await browser.get(start.headers["location"])
    assert approved.status_code == 302, approved.text
    back = approved.headers["location"].removeprefix("https://testserver")
    return await client.get(back), client


async def test_login_with_the_identity_provider(oidc_hub: Hub, provider: Provider):
    async with oidc_hub.anonymous() as client:
        assert "Inloggen met Gemeente Hoorn-ID" in (await client.get("/")).text
    provider.user = {
        "sub": "u-123",
        "name": "Femke de Vries",
        "opplus_roles": ["officer", "koning"],
        "gemeentecodes": ["0405", "9999"],
    }
    response, client = await login_via_provider(oidc_hub)
    assert response.status_code == 303 and response.headers["location"] == "/signalen"
    assert "opplus_session=" in response.headers["set-cookie"]
    me = (await client.get("/api/v1/me")).json()
    await client.aclose()
    assert me == {
        "login": "oidc:u-123",
        "name": "Femke de Vries",
        "roles": ["officer"],
        "municipalities": ["0405"],
        "via": "session",
    }
    assert provider.token_requests[-1]["auth"].startswith("Basic ")
    login = [a for a in oidc_hub.access_log() if a["action"] == "login"][-1]
    assert login["result"] == "allowed" and login["detail"]["via"] == "oidc"
    # the provider's claims count at every login
    provider.user = {"sub": "u-123", "name": "Femke", "opplus_roles": ["auditor"]}
    response, client = await login_via_provider(oidc_hub)
    await client.aclose()
    assert response.headers["location"] == "/audit"
    assert oidc_hub.web.accounts.get("oidc:u-123").roles == ("auditor",)
    # ...and a change of municipalities is visible in the access log
    changed = [a for a in oidc_hub.access_log() if a["action"] == "users.municipalities"][-1]
    assert changed["detail"]["before"] == "0405" and changed["detail"]["after"] == "-"
    assert changed["detail"]["requested_by"] == "identiteitsprovider"


@pytest.mark.parametrize(
    ("setup", "reason"),
    [
        (lambda p: p.user.update(opplus_roles=[]), "geen rol"),
        (lambda p: p.user.update(gemeentecodes=["0363"]), "geen gemeente"),
        (lambda p: setattr(p, "wrong_nonce", True), "niet geldig"),
        (lambda p: setattr(p, "other_key", True), "niet geldig"),
    ],
)
async def test_refused_logins(oidc_hub: Hub, provider: Provider, setup, reason):
    provider.user = {"sub": "u-9", "opplus_roles": ["officer"], "gemeentecodes": ["0405"]}
    setup(provider)
    response, client = await login_via_provider(oidc_hub)
    await client.aclose()
    assert response.status_code == 401 and reason in response.text
    assert "opplus_session" not in response.headers.get("set-cookie", "")
    last = oidc_hub.access_log()[-1]
    assert last["action"] == "login" and last["result"] == "refused" and reason in last["reason"]


async def test_a_state_is_used_once_and_only_by_its_browser(oidc_hub: Hub, provider: Provider):
    provider.user = {"sub": "u-1", "opplus_roles": ["auditor"]}
    client = oidc_hub.anonymous()
    start = await client.get("/inloggen/oidc")
    async with httpx.AsyncClient() as browser:
        approved = await browser.get(start.headers["location"])
    back = approved.headers["location"].removeprefix("https://testserver")
    async with oidc_hub.anonymous() as other_browser:
        stolen = await other_browser.get(back)
    assert stolen.status_code == 401 and "verlopen inlogpoging" in stolen.text
    replay = await client.get(back)  # the state was spent by the attempt above
    await client.aclose()
    assert replay.status_code == 401


async def test_a_disabled_provider_user_stays_out(oidc_hub: Hub, provider: Provider):
    provider.user = {"sub": "u-2", "opplus_roles": ["auditor"]}
    response, client = await login_via_provider(oidc_hub)
    await client.aclose()
    assert response.status_code == 303
    oidc_hub.web.accounts.set_disabled("oidc:u-2", True)
    response, client = await login_via_provider(oidc_hub)
    await client.aclose()
    assert response.status_code == 401 and "uitgeschakeld" in response.text


async def test_the_provider_says_no(oidc_hub: Hub):
    async with oidc_hub.anonymous() as client:
        response = await client.get("/inloggen/oidc/terug?error=access_denied&state=x")
    assert response.status_code == 401 and "brak het inloggen af" in response.text


def test_an_issuer_must_be_https_unless_loopback():
    from hub.web.oidc import OidcProvider

    OidcProvider(OidcConfig(issuer="https://login.hoorn.example", client_id="x"))
    OidcProvider(OidcConfig(issuer="http://127.0.0.1:9", client_id="x"))
    with pytest.raises(ValueError, match="https"):
        OidcProvider(OidcConfig(issuer="http://login.hoorn.example", client_id="x"))
