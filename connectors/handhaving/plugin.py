"""Registers the handhaving connector and its fake zaaksysteem with opplus."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from plugins import ConnectorContext, ConnectorSpec, FakeSpec, hookimpl

from .client import HandhavingConnector, Settings
from .fake import FAKE_CLIENT_SECRET, create_app

__all__ = ["register_connectors", "register_fakes"]


def _factory(settings: Any, context: ConnectorContext) -> HandhavingConnector:
    return HandhavingConnector(settings, context)


@hookimpl
def register_connectors(register: Callable[[ConnectorSpec], None]) -> None:
    register(
        ConnectorSpec(
            name="handhaving",
            description="Handhavingszaken uit het zaaksysteem (ZGW Zaken API)",
            factory=_factory,
            settings_model=Settings,
        )
    )


@hookimpl
def register_fakes(register: Callable[[FakeSpec], None]) -> None:
    # mounted at the root: the app serves /zaken/api/v1, /catalogi/api/v1 and
    # /documenten/api/v1 itself, and the URLs in its answers point across them
    register(
        FakeSpec(
            name="handhaving",
            mount="",
            app_factory=create_app,
            test_env={Settings.model_fields["client_secret_env"].default: FAKE_CLIENT_SECRET},
            openapi_documents={"zaken": "zaken.yaml", "documenten": "documenten.yaml"},
        )
    )
