"""The BAG plugin registers its connector and its fake through the hooks."""

from __future__ import annotations

from connectors.bag.client import Settings
from plugins import Connector, ConnectorContext, make_plugins


async def test_registration_through_the_plugin_manager() -> None:
    plugins = make_plugins(
        ["connectors.bag.plugin"],
        fakes=["connectors.bag.fake.plugin"],
        load_entry_points=False,
        environ={},
    )
    spec = plugins.connectors()["bag"]
    fake = plugins.fakes()["bag"]
    assert fake.mount == "/lvbag/individuelebevragingen/v2"
    assert fake.test_env == {"OPPLUS_BAG_API_KEY": "fake-bag-api-key"}
    assert spec.settings_model is Settings
    settings = Settings.model_validate({})
    assert settings.base_url == "https://api.bag.kadaster.nl/lvbag/individuelebevragingen/v2"
    assert settings.api_key_env == "OPPLUS_BAG_API_KEY"
    connector = spec.factory(settings, ConnectorContext(env=dict(fake.test_env)))
    try:
        assert isinstance(connector, Connector)
        assert connector.info.name == "bag"
        assert connector.info.subject_kinds == frozenset({"address"})
        assert {f.classification.value for f in connector.info.fields.values()} == {"normal"}
    finally:
        await connector.aclose()
    assert fake.app_factory().state.received_traceparents == []
