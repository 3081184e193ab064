"""Fixtures for the BRP Bewoning tests: the fake in-process, connectors wired to it."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Callable
from datetime import date
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from connectors.bewoning.client import FIELDS, BewoningConnector, Settings
from connectors.bewoning.fake import (
    FAKE_API_KEY,
    FAKE_CLIENT_ID,
    FAKE_CLIENT_SECRET,
    MOUNT,
    create_app,
)
from plugins import ConnectorContext, Query, testing

#: the day the tests pretend it is, for the fake and the connector alike
TODAY = date(2026, 3, 16)
BASE_URL = f"http://bewoning.fake{MOUNT}"
ENV = {
    "OPPLUS_BEWONING_CLIENT_SECRET": FAKE_CLIENT_SECRET,
    "OPPLUS_BEWONING_API_KEY": FAKE_API_KEY,
}


class RecordingTransport(httpx.AsyncBaseTransport):
    """Passes requests to ``inner`` and keeps them, so tests can count calls."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return await self.inner.handle_async_request(request)

    def paths(self) -> list[str]:
        return [request.url.path.removeprefix(MOUNT) for request in self.requests]


@pytest.fixture
def today() -> date:
    return TODAY


@pytest.fixture
def make_query() -> Callable[..., Query]:
    """``make_query(subject, fields=..., trace=...)``: the SDK's, all fields by default."""
    return functools.partial(testing.make_query, declared=FIELDS)


@pytest.fixture
def fake_app() -> FastAPI:
    return create_app(today=TODAY)


@pytest.fixture
def transport(fake_app: FastAPI) -> RecordingTransport:
    return RecordingTransport(httpx.ASGITransport(app=fake_app, root_path=MOUNT))


@pytest.fixture
async def fake(transport: RecordingTransport) -> AsyncIterator[httpx.AsyncClient]:
    """A plain HTTP client on the fake, with the test API key."""
    async with httpx.AsyncClient(
        transport=transport, base_url=BASE_URL, headers={"X-API-KEY": FAKE_API_KEY}
    ) as client:
        yield client


@pytest.fixture
async def make_connector(
    transport: RecordingTransport,
) -> AsyncIterator[Callable[..., BewoningConnector]]:
    """Builds connectors on the fake (OAuth2 by default); env and settings may be overridden."""
    made: list[BewoningConnector] = []

    def build(*, env: dict[str, str] | None = None, **settings: Any) -> BewoningConnector:
        values: dict[str, Any] = {
            "base_url": BASE_URL,
            "token_url": f"{BASE_URL}/token",
            "client_id": FAKE_CLIENT_ID,
            "scope": "000123-00000001234567890000",
        }
        values.update(settings)
        context = ConnectorContext(transport=transport, env=ENV if env is None else env)
        connector = BewoningConnector(Settings(**values), context, today=lambda: TODAY)
        made.append(connector)
        return connector

    yield build
    for connector in made:
        await connector.aclose()
