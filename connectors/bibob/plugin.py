"""Registers the Bibob connector and its fake permit register with opplus."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from plugins import ConnectorContext, ConnectorSpec, FakeSpec, hookimpl

from .client import BibobConnector, Settings
from .fake import FAKE_PASSWORD, MOUNT, create_app

__all__ = ["register_connectors", "register_fakes"]


def _connector(settings: Any, context: ConnectorContext) -> BibobConnector:
    return BibobConnector(settings, context)


@hookimpl
def register_connectors(register: Callable[[ConnectorSpec], None]) -> None:
    register(
        ConnectorSpec(
            name="bibob",
            description="Vergunningen en Bibob-uitkomsten uit het vergunningenregister (SOAP)",
            factory=_connector,
            settings_model=Settings,
        )
    )


@hookimpl
def register_fakes(register: Callable[[FakeSpec], None]) -> None:
    register(
        FakeSpec(
            name="bibob",
            mount=MOUNT,
            app_factory=create_app,
            test_env={Settings.model_fields["password_env"].default: FAKE_PASSWORD},
        )
    )
