"""Registers the BAG connector with opplus (its fake: ``.fake.plugin``)."""

from __future__ import annotations

from plugins import ConnectorSpec, connector_plugin

from .client import FIELDS, BagConnector, Settings

__all__ = ["register_connectors"]

register_connectors = connector_plugin(
    ConnectorSpec(
        name="bag",
        description="BAG (Kadaster): adres, adresseerbaar object, oppervlakte, gebruiksdoel",
        factory=BagConnector,
        settings_model=Settings,
        fields=FIELDS,
    )
)
