"""The Bibob plugin registers its connector and its fake, and the two fit together."""

from __future__ import annotations

import httpx

from connectors.bibob.client import BibobConnector, Settings
from plugins import BusinessRef, ConnectorContext, make_plugins


async def test_registration_builds_a_working_pair(query_for):
    plugins = make_plugins(
        ["connectors.bibob.plugin"],
        fakes=["connectors.bibob.fake.plugin"],
        load_entry_points=False,
        environ={},
    )
    spec = plugins.connectors()["bibob"]
    fake = plugins.fakes()["bibob"]
    assert spec.settings_model is Settings
    assert fake.mount == "/vergunningregister"
    assert dict(fake.test_env) == {"OPPLUS_BIBOB_PASSWORD": "fake-bibob-password"}

    app = fake.app_factory()
    settings = spec.settings_model(base_url=f"http://fake{fake.mount}")
    context = ConnectorContext(
        transport=httpx.ASGITransport(app=app, root_path=fake.mount), env=fake.test_env
    )
    connector = spec.factory(settings, context)
    assert isinstance(connector, BibobConnector)
    try:
        assert (await connector.check()).ok
        result = await connector.enrich(query_for(BusinessRef("97000011")))
    finally:
        await connector.aclose()
    facts = {fact.attribute: fact.value for fact in result.facts}
    assert facts["naam"] == "Flex West-Friesland Uitzendbureau B.V."
    assert facts["hoogsteMateVanGevaar"] == "mindere_mate"


def test_fake_factory_takes_the_injection_options():
    """The hub passes options a factory's signature names; these must be there."""
    import inspect

    plugins = make_plugins(
        ["connectors.bibob.plugin"],
        fakes=["connectors.bibob.fake.plugin"],
        load_entry_points=False,
        environ={},
    )
    params = inspect.signature(plugins.fakes()["bibob"].app_factory).parameters
    assert {"latency_s", "fail_mode"} <= set(params)
    app = plugins.fakes()["bibob"].app_factory(latency_s=0.0, fail_mode="fault")
    assert app.state.received_traceparents == []
