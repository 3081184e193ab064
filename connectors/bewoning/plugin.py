"""Registration of the BRP Bewoning connector and its fake."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from plugins import ConnectorContext, ConnectorSpec, FakeSpec, hookimpl

from .client import BewoningConnector, Settings
from .fake import FAKE_API_KEY, FAKE_CLIENT_SECRET, MOUNT, create_app


def _factory(settings: Any, context: ConnectorContext) -> BewoningConnector:
    return BewoningConnector(settings, context)


@hookimpl
def register_connectors(register: Callable[[ConnectorSpec], None]) -> None:
    register(
        ConnectorSpec(
            name="bewoning",
            description="BRP Bewoning (RvIG): bewoners van een adresseerbaar object",
            factory=_factory,
            settings_model=Settings,
        )
    )


@hookimpl
def register_fakes(register: Callable[[FakeSpec], None]) -> None:
    register(
        FakeSpec(
            name="bewoning",
            mount=MOUNT,
            app_factory=create_app,
            test_env={
                "OPPLUS_BEWONING_CLIENT_SECRET": FAKE_CLIENT_SECRET,
                "OPPLUS_BEWONING_API_KEY": FAKE_API_KEY,
            },
            openapi_documents={"bewoning": "brp-bewoning.yaml"},
        )
    )
