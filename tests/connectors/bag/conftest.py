"""Fixtures for the BAG connector tests: the fake in-process, a connector wired to it."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from connectors.bag.client import FIELDS, BagConnector, Settings
from connectors.bag.fake import FAKE_API_KEY, MOUNT, create_app
from plugins import ConnectorContext, Query, testing

BASE_URL = f"http://bag.fake{MOUNT}"
ENV = {"OPPLUS_BAG_API_KEY": FAKE_API_KEY}


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
def make_query() -> Callable[..., Query]:
    """``make_query(subject, fields=..., trace=...)``: the SDK's, all fields by default."""
    return functools.partial(testing.make_query, declared=FIELDS)


@pytest.fixture
def fake_app() -> FastAPI:
    return create_app()


@pytest.fixture
def transport(fake_app: FastAPI) -> RecordingTransport:
    return RecordingTransport(httpx.ASGITransport(app=fake_app, root_path=MOUNT))


@pytest.fixture
async def fake(transport: RecordingTransport) -> AsyncIterator[httpx.AsyncClient]:
    """A plain HTTP client on the fake, with the test key."""
    async with httpx.AsyncClient(
        transport=transport, base_url=BASE_URL, headers={"X-Api-Key": FAKE_API_KEY}
    ) as client:
        yield client


@pytest.fixture
async def make_connector(
    transport: RecordingTransport,
) -> AsyncIterator[Callable[..., BagConnector]]:
    """Builds connectors on the fake; ``env`` and settings keys may be overridden."""
    made: list[BagConnector] = []

    def build(
        *, env: dict[str, str] | None = None, transport_: Any = None, **settings: Any
    ) -> BagConnector:
        context = ConnectorContext(
            transport=transport_ if transport_ is not None else transport,
            env=ENV if env is None else env,
        )
        connector = BagConnector(Settings(base_url=BASE_URL, **settings), context)
        made.append(connector)
        return connector

    yield build
    for connector in made:
        await connector.aclose()
