"""Registration of the BAG connector and its fake."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from plugins import ConnectorContext, ConnectorSpec, FakeSpec, hookimpl

from .client import BagConnector, Settings
from .fake import FAKE_API_KEY, MOUNT, create_app


def _factory(settings: Any, context: ConnectorContext) -> BagConnector:
    return BagConnector(settings, context)


@hookimpl
def register_connectors(register: Callable[[ConnectorSpec], None]) -> None:
    register(
        ConnectorSpec(
            name="bag",
            description="BAG (Kadaster): adres, adresseerbaar object, oppervlakte, gebruiksdoel",
            factory=_factory,
            settings_model=Settings,
        )
    )


@hookimpl
def register_fakes(register: Callable[[FakeSpec], None]) -> None:
    register(
        FakeSpec(
            name="bag",
            mount=MOUNT,
            app_factory=create_app,
            test_env={"OPPLUS_BAG_API_KEY": FAKE_API_KEY},
            openapi_documents={"individuelebevragingen": "bag-v2.yaml"},
        )
    )
