"""Registers the Bibob connector with opplus (its fake permit register: ``.fake.plugin``)."""

from __future__ import annotations

from plugins import ConnectorSpec, connector_plugin

from .client import FIELDS, BibobConnector, Settings

__all__ = ["register_connectors"]

register_connectors = connector_plugin(
    ConnectorSpec(
        name="bibob",
        description="Vergunningen en Bibob-uitkomsten uit het vergunningenregister (SOAP)",
        factory=BibobConnector,
        settings_model=Settings,
        fields=FIELDS,
    )
)
