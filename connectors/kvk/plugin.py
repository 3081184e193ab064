"""Registers the KvK connector and its fake with opplus."""

from __future__ import annotations

from collections.abc import Callable

from plugins import ConnectorSpec, FakeSpec, hookimpl

from .client import KvkSettings, create_connector
from .fake import MOUNT, TEST_API_KEY, create_app


@hookimpl
def register_connectors(register: Callable[[ConnectorSpec], None]) -> None:
    register(
        ConnectorSpec(
            name="kvk",
            description=(
                "KvK Handelsregister: ondernemingen, vestigingen en inschrijvingen op een adres"
            ),
            factory=create_connector,
            settings_model=KvkSettings,
        )
    )


@hookimpl
def register_fakes(register: Callable[[FakeSpec], None]) -> None:
    register(
        FakeSpec(
            name="kvk",
            mount=MOUNT,
            app_factory=create_app,
            test_env={KvkSettings.model_fields["api_key_env"].default: TEST_API_KEY},
            openapi_documents={
                "zoeken": "kvk-zoeken.yaml",
                "basisprofiel": "kvk-basisprofiel.yaml",
                "vestigingsprofiel": "kvk-vestigingsprofiel.yaml",
            },
        )
    )
