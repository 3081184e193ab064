"""Registers the KvK connector with opplus (its fake: ``.fake.plugin``)."""

from __future__ import annotations

from plugins import ConnectorSpec, connector_plugin

from .client import FIELDS, Settings, create_connector

__all__ = ["register_connectors"]

register_connectors = connector_plugin(
    ConnectorSpec(
        name="kvk",
        description=(
            "KvK Handelsregister: ondernemingen, vestigingen en inschrijvingen op een adres"
        ),
        factory=create_connector,
        settings_model=Settings,
        fields=FIELDS,
    )
)
