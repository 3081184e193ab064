"""The three built-in table transports load like any plugin (hook ``register_tables``),
validate their ``[tables.NAME.settings]``, and reach the fakes the way the hub mounts them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

import connectors.tables.email.plugin as email_plugin
from connectors.handhaving.fake.data import (
    INFORMATIEOBJECTTYPE_SIGNAALDOSSIER,
    RSIN_HOORN,
    ZAAKTYPE_HANDHAVING_OPIUMWET,
)
from hub.fakes import build_fakes_app, fakes_test_env
from plugins import (
    ConnectorContext,
    Delivery,
    TableSpec,
    TableTransport,
    make_plugins,
)

MODULES = [
    "connectors.tables.zgw.plugin",
    "connectors.tables.email.plugin",
    "connectors.tables.webhook.plugin",
]
#: their fakes, loaded the way fakes mode loads the ``opplus.fakes`` group
FAKES = ["connectors.tables.email.fake.plugin", "connectors.tables.webhook.fake.plugin"]
CATALOGI = "http://fakes/catalogi/api/v1"
IOTYPE = f"{CATALOGI}/informatieobjecttypen/{INFORMATIEOBJECTTYPE_SIGNAALDOSSIER}"
SETTINGS: dict[str, dict[str, Any]] = {
    "zgw": {
        "zaken_url": "http://fakes/zaken/api/v1",
        "documenten_url": "http://fakes/documenten/api/v1",
        "zaaktype": f"{CATALOGI}/zaaktypen/{ZAAKTYPE_HANDHAVING_OPIUMWET}",
        "informatieobjecttype": IOTYPE,
        "bronorganisatie": RSIN_HOORN,
    },
    "email": {"host": "smtp.example", "from_address": "a@b.example", "to": ["c@d.example"]},
    "webhook": {"url": "http://fakes/riec/informatieplein/signalen"},
}


def test_register_tables_hook_of_one_module() -> None:
    specs: list[TableSpec] = []
    email_plugin.register_tables(register=specs.append)
    [spec] = specs
    assert spec.kind == spec.name == "email"
    assert spec.settings_model.__module__ == "connectors.tables.email.transport"


async def test_all_three_load_and_build() -> None:
    plugins = make_plugins(MODULES, fakes=FAKES, load_entry_points=False, environ={})
    assert plugins.names == ["email", "webhook", "zgw"]
    tables = plugins.tables()
    assert sorted(tables) == ["email", "webhook", "zgw"]
    assert all(spec.description for spec in tables.values())
    assert sorted(plugins.fakes()) == ["riec", "smtp"]  # the receiver and the demo mail server
    for kind, spec in tables.items():
        settings = spec.settings_model.model_validate(SETTINGS[kind])
        transport = spec.factory(settings, ConnectorContext())
        assert isinstance(transport, TableTransport)
        assert transport.kind == kind
        await transport.aclose()


@pytest.mark.parametrize(
    ("kind", "change"),
    [
        ("zgw", {"bronorganisatie": "123456789"}),  # fails the 11-check
        ("zgw", {"zaaktype": "zaaktypen/1"}),
        ("zgw", {"vertrouwelijkheidaanduiding": "topgeheim"}),
        ("email", {"password": "in-the-config"}),  # secrets only through *_env
        ("webhook", {"secret": "in-the-config"}),
        ("webhook", {"timeout_s": 0}),
    ],
)
def test_settings_are_validated(kind: str, change: dict[str, Any]) -> None:
    spec = make_plugins(MODULES, load_entry_points=False, environ={}).tables()[kind]
    with pytest.raises(ValidationError):
        spec.settings_model.model_validate({**SETTINGS[kind], **change})


async def test_zgw_and_webhook_reach_the_fakes_as_the_hub_mounts_them(
    make_delivery: Callable[..., Delivery],
) -> None:
    """All fakes in one app (handhaving at the root, riec at /riec/informatieplein), with
    their public test credentials, as the embedded default runs."""
    plugins = make_plugins(
        [*MODULES, "connectors.handhaving.plugin"],
        fakes=[*FAKES, "connectors.handhaving.fake.plugin"],
        load_entry_points=False,
        environ={},
    )
    fakes = plugins.fakes()
    app = build_fakes_app(fakes)
    context = ConnectorContext(transport=httpx.ASGITransport(app=app), env=fakes_test_env(fakes))
    receipts = {}
    for kind in ("zgw", "webhook"):
        spec = plugins.tables()[kind]
        transport = spec.factory(spec.settings_model.model_validate(SETTINGS[kind]), context)
        try:
            assert (await transport.check()).ok
            receipts[kind] = await transport.deliver(make_delivery())
        finally:
            await transport.aclose()
    assert str(receipts["zgw"].reference).startswith("http://fakes/zaken/api/v1/zaken/")
    assert str(receipts["webhook"].reference).startswith("IP-")
    [stored] = app.state.fakes["riec"].state.deliveries
    assert stored["payload"]["dossier_id"] == "d-2026-0042"
