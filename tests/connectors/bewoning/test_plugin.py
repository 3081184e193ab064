"""The bewoning plugin registers its connector and its fake through the hooks."""

from __future__ import annotations

from connectors.bewoning.client import Settings
from plugins import AddressRef, Connector, ConnectorContext, make_plugins


async def test_registration_through_the_plugin_manager() -> None:
    plugins = make_plugins(
        ["connectors.bewoning.plugin"],
        fakes=["connectors.bewoning.fake.plugin"],
        load_entry_points=False,
        environ={},
    )
    spec = plugins.connectors()["bewoning"]
    fake = plugins.fakes()["bewoning"]
    assert fake.mount == "/haalcentraal/api/bewoning"
    assert fake.test_env == {
        "OPPLUS_BEWONING_CLIENT_SECRET": "fake-bewoning-client-secret",
        "OPPLUS_BEWONING_API_KEY": "fake-bewoning-api-key",
    }
    assert spec.settings_model is Settings
    settings = Settings.model_validate({"client_id": "opplus-fake"})
    assert settings.base_url == "https://apigw.idm.diginetwerk.net/api/brp/bewoning"
    assert settings.token_url == "https://auth.idm.diginetwerk.net/nidp/oauth/nam/token"
    assert settings.auth == "oauth2"
    assert settings.new_residents_window_days == 90
    connector = spec.factory(settings, ConnectorContext(env=dict(fake.test_env)))
    try:
        assert isinstance(connector, Connector)
        assert connector.info.name == "bewoning"
        assert connector.info.subject_kinds == frozenset({"address"})
        assert {f.classification.value for f in connector.info.fields.values()} == {"personal"}
        assert not connector.accepts(AddressRef("1621JH", 88))
    finally:
        await connector.aclose()
    assert fake.app_factory().state.received_traceparents == []
