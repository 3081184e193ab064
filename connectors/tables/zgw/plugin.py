"""Registers the ``zgw`` table transport with opplus."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from plugins import ConnectorContext, TableSpec, hookimpl

from .transport import Settings, ZgwTransport

__all__ = ["register_tables"]


def _factory(settings: Any, context: ConnectorContext) -> ZgwTransport:
    return ZgwTransport(settings, context)


@hookimpl
def register_tables(register: Callable[[TableSpec], None]) -> None:
    register(
        TableSpec(
            kind="zgw",
            description="Zaak met weergave en gegevens in een zaaksysteem (ZGW API's)",
            factory=_factory,
            settings_model=Settings,
        )
    )
