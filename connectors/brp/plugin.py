"""Registers the BRP Personen v2 connector with opplus (its fake: ``.fake.plugin``)."""

from __future__ import annotations

from plugins import ConnectorSpec, connector_plugin

from .client import BrpConnector, Settings, create_connector

__all__ = ["register_connectors"]

register_connectors = connector_plugin(
    ConnectorSpec(
        name="brp",
        description="BRP Personen v2 (Haal Centraal, RvIG): personen op BSN",
        factory=create_connector,
        settings_model=Settings,
        fields=BrpConnector.info.fields,
    )
)
