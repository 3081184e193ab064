"""Registers the BRP Bewoning connector with opplus (its fake: ``.fake.plugin``)."""

from __future__ import annotations

from plugins import ConnectorSpec, connector_plugin

from .client import FIELDS, BewoningConnector, Settings

__all__ = ["register_connectors"]

register_connectors = connector_plugin(
    ConnectorSpec(
        name="bewoning",
        description="BRP Bewoning (RvIG): bewoners van een adresseerbaar object",
        factory=BewoningConnector,
        settings_model=Settings,
        fields=FIELDS,
    )
)
