"""Registers the BRP Personen v2 connector and its fake with opplus."""

from __future__ import annotations

from collections.abc import Callable

from plugins import ConnectorSpec, FakeSpec, hookimpl

from .client import BrpSettings, create_connector
from .data import TEST_API_KEY, TEST_CLIENT_SECRET
from .fake import MOUNT, create_app

__all__ = ["register_connectors", "register_fakes"]


@hookimpl
def register_connectors(register: Callable[[ConnectorSpec], None]) -> None:
    register(
        ConnectorSpec(
            name="brp",
            description="BRP Personen v2 (Haal Centraal, RvIG): personen op BSN",
            factory=create_connector,
            settings_model=BrpSettings,
        )
    )


@hookimpl
def register_fakes(register: Callable[[FakeSpec], None]) -> None:
    register(
        FakeSpec(
            name="brp",
            mount=MOUNT,
            app_factory=create_app,
            test_env={
                BrpSettings.model_fields["client_secret_env"].default: TEST_CLIENT_SECRET,
                BrpSettings.model_fields["api_key_env"].default: TEST_API_KEY,
            },
            openapi_documents={"personen": "brp-personen.yaml"},
        )
    )
