"""Registration of the handhaving connector and fake, and the fake mounted like the hub does."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Mount

from connectors.handhaving.client import HandhavingConnector, Settings
from plugins import ConnectorContext, PersonRef, make_plugins


def test_registers_connector_and_fake() -> None:
    plugins = make_plugins(
        ["connectors.handhaving.plugin"],
        fakes=["connectors.handhaving.fake.plugin"],
        load_entry_points=False,
        environ={},
    )
    spec = plugins.connectors()["handhaving"]
    assert spec.settings_model is Settings
    fake = plugins.fakes()["handhaving"]
    assert fake.mount == ""
    assert dict(fake.test_env) == {"OPPLUS_ZGW_CLIENT_SECRET": "fake-zgw-client-secret"}
    connector = spec.factory(Settings(base_url="http://x/zaken/api/v1"), ConnectorContext())
    assert isinstance(connector, HandhavingConnector)
    assert connector.info.name == "handhaving"
    assert connector.info.subject_kinds == {"person", "business", "address"}
    assert connector.accepts(PersonRef("999970185"))


@pytest.mark.parametrize("mount", ["", "/fakes/zgw"])
async def test_fake_works_wherever_it_is_mounted(mount: str, zgw: Any) -> None:
    plugins = make_plugins(
        ["connectors.handhaving.plugin"],
        fakes=["connectors.handhaving.fake.plugin"],
        load_entry_points=False,
        environ={},
    )
    fake = plugins.fakes()["handhaving"]
    host = Starlette(routes=[Mount(mount, app=fake.app_factory())])
    context = ConnectorContext(transport=httpx.ASGITransport(app=host), env=dict(fake.test_env))
    settings = Settings(base_url=f"http://fakes{mount}/zaken/api/v1", zaaktypen=zgw.handhaving)
    connector = plugins.connectors()["handhaving"].factory(settings, context)
    try:
        assert (await connector.check()).ok
        result = await connector.enrich(zgw.query(PersonRef("999970185")))
    finally:
        await connector.aclose()
    zaken = next(f.value for f in result.facts if f.attribute == "zaken")
    assert [z["status"] for z in zaken] == ["Besluit genomen"]
    assert zaken[0]["url"].startswith(f"http://fakes{mount}/zaken/api/v1/zaken/")
