"""Fixtures for the zgw transport: the handhaving fake zaaksysteem (it has the write side)
and transports built against it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from connectors.handhaving.fake import FAKE_CLIENT_SECRET, create_app
from connectors.handhaving.fake.data import (
    INFORMATIEOBJECTTYPE_SIGNAALDOSSIER,
    ROLTYPE_BELANGHEBBENDE_WONEN,
    RSIN_HOORN,
    ZAAKTYPE_HANDHAVING_WONEN,
)
from connectors.tables.zgw.transport import Settings, ZgwTransport
from plugins import ConnectorContext

CATALOGI = "http://fake/catalogi/api/v1"
IOTYPE = f"{CATALOGI}/informatieobjecttypen/{INFORMATIEOBJECTTYPE_SIGNAALDOSSIER}"
SETTINGS: dict[str, Any] = {
    "zaken_url": "http://fake/zaken/api/v1",
    "documenten_url": "http://fake/documenten/api/v1",
    "zaaktype": f"{CATALOGI}/zaaktypen/{ZAAKTYPE_HANDHAVING_WONEN}",
    "informatieobjecttype": IOTYPE,
    "bronorganisatie": RSIN_HOORN,
    "roltype": f"{CATALOGI}/roltypen/{ROLTYPE_BELANGHEBBENDE_WONEN}",
}
ENV = {"OPPLUS_ZGW_CLIENT_SECRET": FAKE_CLIENT_SECRET}


@pytest.fixture
def settings() -> dict[str, Any]:
    return dict(SETTINGS)


@pytest.fixture
def app() -> Any:
    return create_app()


@pytest.fixture
async def make_transport(app: Any) -> AsyncIterator[Callable[..., ZgwTransport]]:
    """``make_transport(transport=None, env=None, **settings)``; default: the ``app`` fixture."""
    made: list[ZgwTransport] = []

    def build(
        transport: Any = None, env: dict[str, str] | None = None, **overrides: Any
    ) -> ZgwTransport:
        if transport is None:
            transport = httpx.ASGITransport(app=app, root_path="")
        context = ConnectorContext(transport=transport, env=ENV if env is None else env)
        made.append(ZgwTransport(Settings(**{**SETTINGS, **overrides}), context))
        return made[-1]

    yield build
    for transport in made:
        await transport.aclose()
