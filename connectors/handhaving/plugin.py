"""Registers the handhaving connector with opplus (its fake zaaksysteem: ``.fake.plugin``)."""

from __future__ import annotations

from plugins import ConnectorSpec, connector_plugin

from .client import INFO, HandhavingConnector, Settings

__all__ = ["register_connectors"]

register_connectors = connector_plugin(
    ConnectorSpec(
        name="handhaving",
        description="Handhavingszaken uit het zaaksysteem (ZGW Zaken API)",
        factory=HandhavingConnector,
        settings_model=Settings,
        fields=INFO.fields,
    )
)
