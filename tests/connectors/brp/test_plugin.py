"""The BRP plugin registers its connector and fake through the hooks."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from connectors.brp.client import BrpConnector, Settings
from connectors.brp.fake import FAKE_API_KEY, FAKE_CLIENT_SECRET
from plugins import ConnectorContext, make_plugins


def test_registers_connector_and_fake() -> None:
    plugins = make_plugins(
        ["connectors.brp.plugin"],
        fakes=["connectors.brp.fake.plugin"],
        load_entry_points=False,
        environ={},
    )
    assert plugins.names == ["brp"]
    spec = plugins.connectors()["brp"]
    assert spec.settings_model is Settings
    fake = plugins.fakes()["brp"]
    assert fake.mount == "/haalcentraal/api/brp"
    assert dict(fake.test_env) == {
        "OPPLUS_BRP_CLIENT_SECRET": FAKE_CLIENT_SECRET,
        "OPPLUS_BRP_API_KEY": FAKE_API_KEY,
    }
    assert isinstance(fake.app_factory(), FastAPI)


async def test_factory_accepts_a_settings_mapping() -> None:
    plugins = make_plugins(
        ["connectors.brp.plugin"],
        fakes=["connectors.brp.fake.plugin"],
        load_entry_points=False,
        environ={},
    )
    factory = plugins.connectors()["brp"].factory
    connector = factory(
        {"base_url": "https://brp.test/api/brp", "auth": "api_key"},
        ConnectorContext(transport=httpx.MockTransport(lambda r: httpx.Response(500))),
    )
    assert isinstance(connector, BrpConnector)
    assert connector.info.name == "brp"
    await connector.aclose()


def test_settings_defaults() -> None:
    settings = Settings(base_url="https://brp.test")
    assert settings.auth == "oauth2"
    assert settings.client_secret_env == "OPPLUS_BRP_CLIENT_SECRET"
    assert settings.api_key_env == "OPPLUS_BRP_API_KEY"
    assert settings.purpose_headers is None
    assert settings.health_check_bsn is None  # a probe person is agreed, never assumed
    assert settings.token_url is None
    assert settings.token_auth_method == "client_secret_post"
