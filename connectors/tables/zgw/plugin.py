"""Registers the ``zgw`` table transport with opplus."""

from __future__ import annotations

from plugins import TableSpec, table_plugin

from .transport import Settings, ZgwTransport

__all__ = ["register_tables"]

register_tables = table_plugin(
    TableSpec(
        kind="zgw",
        description="Zaak met weergave en gegevens in een zaaksysteem (ZGW API's)",
        factory=ZgwTransport,
        settings_model=Settings,
    )
)
