"""Registers the ``email`` table transport, and the local demo mail server as a fake."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from plugins import ConnectorContext, FakeSpec, TableSpec, hookimpl

from .demo import DEMO_PORT, serve_demo_mail
from .transport import Settings, SmtpTransport

__all__ = ["register_fakes", "register_tables"]


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


@hookimpl
def register_fakes(register: Callable[[FakeSpec], None]) -> None:
    register(
        FakeSpec(
            name="smtp",
            mount="",
            app_factory=None,
            server_factory=serve_demo_mail,
            port=DEMO_PORT,
        )
    )
