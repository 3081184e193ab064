"""Fixtures for the handhaving connector tests: the fake, tokens, queries, connectors.

pytest runs in importlib mode, so test modules cannot import this file; the helpers
come as fixtures (``zgw`` for tokens, headers and queries; ``make_connector``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any, ClassVar

import httpx
import pytest

from connectors.handhaving.client import HandhavingConnector, Settings
from connectors.handhaving.fake import FAKE_CLIENT_ID, FAKE_CLIENT_SECRET, create_app
from connectors.handhaving.fake.data import HANDHAVING_ZAAKTYPEN
from plugins import ConnectorContext, Query, Subject, ZgwJwt
from plugins.testing import make_query


class Zgw:
    """Helpers shared by the tests."""

    base = "http://fake/zaken/api/v1"
    catalogi = "http://fake/catalogi/api/v1"
    handhaving: ClassVar[list[str]] = [f"zaaktypen/{u}" for u in HANDHAVING_ZAAKTYPEN]
    env: ClassVar[dict[str, str]] = {"OPPLUS_ZGW_CLIENT_SECRET": FAKE_CLIENT_SECRET}
    all_fields = frozenset({"zaken", "aantalOpenZaken"})

    @staticmethod
    def token(
        *,
        client_id: str = FAKE_CLIENT_ID,
        secret: str = FAKE_CLIENT_SECRET,
        user_id: str = "o-1",
        user_representation: str = "Test Officer",
        issued_at: int | None = None,
    ) -> str:
        return ZgwJwt(client_id, secret).token(user_id, user_representation, now=issued_at)

    def auth(self, **overrides: Any) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(**overrides)}"}

    def read(self) -> dict[str, str]:
        """Headers for reading zaken: token and Accept-Crs."""
        return {**self.auth(), "Accept-Crs": "EPSG:4326"}

    def query(self, subject: Subject, fields: frozenset[str] | None = None) -> Query:
        return make_query(subject, fields, declared=self.all_fields)


@pytest.fixture
def zgw() -> Zgw:
    return Zgw()


@pytest.fixture
def app() -> Any:
    return create_app()


@pytest.fixture
async def fake(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://fake") as client:
        yield client


@pytest.fixture
async def make_connector() -> AsyncIterator[Callable[..., HandhavingConnector]]:
    """``make_connector(app=None, env=None, transport=None, **settings)``."""
    made: list[HandhavingConnector] = []

    def build(
        app: Any = None,
        *,
        env: dict[str, str] | None = None,
        transport: Any = None,
        **settings: Any,
    ) -> HandhavingConnector:
        options: dict[str, Any] = {
            "base_url": Zgw.base,
            "zaaktypen": Zgw.handhaving,
            "max_attempts": 1,
        }
        options.update(settings)
        if transport is None:
            transport = httpx.ASGITransport(app=app if app is not None else create_app())
        context = ConnectorContext(transport=transport, env=Zgw.env if env is None else env)
        connector = HandhavingConnector(Settings(**options), context)
        made.append(connector)
        return connector

    yield build
    for connector in made:
        await connector.aclose()
