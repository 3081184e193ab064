"""Registers the ``webhook`` table transport and its receiver fake with opplus."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from plugins import ConnectorContext, FakeSpec, TableSpec, hookimpl

from .fake import FAKE_SECRET, create_app
from .transport import Settings, WebhookTransport

__all__ = ["register_fakes", "register_tables"]


def _factory(settings: Any, context: ConnectorContext) -> WebhookTransport:
    return WebhookTransport(settings, context)


@hookimpl
def register_tables(register: Callable[[TableSpec], None]) -> None:
    register(
        TableSpec(
            kind="webhook",
            description="Ondertekende webhook (HMAC-SHA256), bijv. het RIEC-informatieplein",
            factory=_factory,
            settings_model=Settings,
        )
    )


@hookimpl
def register_fakes(register: Callable[[FakeSpec], None]) -> None:
    register(
        FakeSpec(
            name="riec",
            mount="/riec/informatieplein",
            app_factory=create_app,
            test_env={Settings.model_fields["secret_env"].default: FAKE_SECRET},
        )
    )
