"""Registers the ``webhook`` table transport with opplus (its receiver fake: ``.fake.plugin``)."""

from __future__ import annotations

from plugins import TableSpec, table_plugin

from .transport import Settings, WebhookTransport

__all__ = ["register_tables"]

register_tables = table_plugin(
    TableSpec(
        kind="webhook",
        description="Ondertekende webhook (HMAC-SHA256), bijv. het RIEC-informatieplein",
        factory=WebhookTransport,
        settings_model=Settings,
    )
)
