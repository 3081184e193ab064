"""Registration of the BRK connector (entry point ``opplus: brk``; its fake registers
under ``opplus.fakes: brk``, see :mod:`opplus_brk.fake.plugin`)."""

from __future__ import annotations

from plugins import ConnectorSpec, connector_plugin

from .client import FIELDS, BrkConnector, Settings

__all__ = ["SPEC", "register_connectors"]

SPEC = ConnectorSpec(
    name="brk",
    description="Kadaster BRK: kadastrale aanduiding en eigenaren van het object op een adres",
    factory=BrkConnector,
    settings_model=Settings,
    fields=FIELDS,
)
register_connectors = connector_plugin(SPEC)
