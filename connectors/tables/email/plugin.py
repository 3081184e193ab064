"""Registers the ``email`` table transport with opplus (its demo mail server: ``.fake.plugin``)."""

from __future__ import annotations

from plugins import TableSpec, table_plugin

from .transport import Settings, SmtpTransport

__all__ = ["register_tables"]

register_tables = table_plugin(
    TableSpec(
        kind="email",
        description="Beveiligde e-mail (STARTTLS verplicht) met het dossier als bijlagen",
        factory=SmtpTransport,
        settings_model=Settings,
    )
)
