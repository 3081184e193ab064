"""The KvK plugin registers its connector and fake, and the two work together."""

from __future__ import annotations

from typing import Any

import httpx

from connectors.kvk.client import KvkConnector, Settings
from plugins import BusinessRef, ConnectorContext, make_plugins


async def test_registers_connector_and_fake_that_work_together(query: Any) -> None:
    plugins = make_plugins(
        ["connectors.kvk.plugin"],
        fakes=["connectors.kvk.fake.plugin"],
        load_entry_points=False,
        environ={},
    )
    spec = plugins.connectors()["kvk"]
    fake = plugins.fakes()["kvk"]
    assert spec.settings_model is Settings
    assert fake.mount == "/api"
    assert dict(fake.test_env) == {"OPPLUS_KVK_API_KEY": "l7xx1f2691f2520d487b902f4e0b57a0b197"}

    settings = spec.settings_model(base_url=f"http://fake{fake.mount}")
    context = ConnectorContext(
        transport=httpx.ASGITransport(app=fake.app_factory()), env=dict(fake.test_env)
    )
    connector = spec.factory(settings, context)
    assert isinstance(connector, KvkConnector)
    try:
        assert (await connector.check()).ok
        result = await connector.enrich(query(BusinessRef("97000023"), {"rechtsvorm"}))
        assert [(f.attribute, f.value) for f in result.facts] == [("rechtsvorm", "Eenmanszaak")]
    finally:
        await connector.aclose()


def test_settings_defaults() -> None:
    settings = Settings(base_url="https://api.kvk.nl/api")
    assert settings.api_key_env == "OPPLUS_KVK_API_KEY"
    assert settings.zoeken_version == "v2"
    assert (settings.max_discovered_vestigingen, settings.max_pages, settings.max_profiles) == (
        10,
        5,
        10,
    )
    assert settings.resultaten_per_pagina == 100
    assert settings.health_check_kvk == "69599084"
