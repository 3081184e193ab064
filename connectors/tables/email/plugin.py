"""Registers the ``email`` table transport with opplus."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from plugins import ConnectorContext, TableSpec, hookimpl

from .transport import Settings, SmtpTransport

__all__ = ["register_tables"]


def _factory(settings: Any, context: ConnectorContext) -> SmtpTransport:
    return SmtpTransport(settings, context)


@hookimpl
def register_tables(register: Callable[[TableSpec], None]) -> None:
    register(
        TableSpec(
            kind="email",
            description="Beveiligde e-mail (STARTTLS verplicht) met het dossier als bijlagen",
            factory=_factory,
            settings_model=Settings,
        )
    )
