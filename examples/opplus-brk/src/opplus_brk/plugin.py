"""Registration of the BRK connector and its fake (entry point ``opplus: brk``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from plugins import ConnectorContext, ConnectorSpec, FakeSpec, hookimpl

from .client import BrkConnector, Settings
from .fake import FAKE_API_KEY, MOUNT, create_app

__all__ = ["FAKE", "SPEC", "register_connectors", "register_fakes"]


def _factory(settings: Any, context: ConnectorContext) -> BrkConnector:
    return BrkConnector(settings, context)


SPEC = ConnectorSpec(
    name="brk",
    description="Kadaster BRK: kadastrale aanduiding en eigenaren van het object op een adres",
    factory=_factory,
    settings_model=Settings,
)
FAKE = FakeSpec(
    name="brk",
    mount=MOUNT,
    app_factory=create_app,
    test_env={"OPPLUS_BRK_API_KEY": FAKE_API_KEY},
)


@hookimpl
def register_connectors(register: Callable[[ConnectorSpec], None]) -> None:
    register(SPEC)


@hookimpl
def register_fakes(register: Callable[[FakeSpec], None]) -> None:
    register(FAKE)
