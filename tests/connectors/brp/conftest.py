"""Fixtures for the BRP connector tests: the fake mounted at its official path, queries."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable
from datetime import date
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from connectors.brp.client import BrpConnector, Settings
from connectors.brp.fake import FAKE_API_KEY, FAKE_CLIENT_ID, FAKE_CLIENT_SECRET, MOUNT, create_app
from plugins import ConnectorContext, PersonRef, Query, testing

#: the probe person of these tests: an RvIG test person the fake knows
PROBE_BSN = "999993653"
#: the fake's fixed "today" in these tests (recent dates and ages depend on it)
TODAY = date(2026, 11, 28)
BASE_URL = f"http://fake{MOUNT}"
TEST_ENV = {"OPPLUS_BRP_CLIENT_SECRET": FAKE_CLIENT_SECRET, "OPPLUS_BRP_API_KEY": FAKE_API_KEY}


def mounted(fake: FastAPI) -> FastAPI:
    """The fake under its official base path, as the hub mounts it."""
    parent = FastAPI()
    parent.mount(MOUNT, fake)
    return parent


@pytest.fixture
def today() -> date:
    return TODAY


@pytest.fixture
def fake() -> FastAPI:
    return create_app(today=TODAY)


@pytest.fixture
async def open_fake() -> AsyncIterator[Callable[[FastAPI], httpx.AsyncClient]]:
    """Open an HTTP client on any fake app (e.g. one with failure injection)."""
    opened: list[httpx.AsyncClient] = []

    def open_(app: FastAPI) -> httpx.AsyncClient:
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=mounted(app)), base_url=BASE_URL
        )
        opened.append(client)
        return client

    yield open_
    for client in opened:
        await client.aclose()


@pytest.fixture
async def fake_http(fake: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=mounted(fake))
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
        yield client


@pytest.fixture
async def token(fake_http: httpx.AsyncClient) -> str:
    response = await fake_http.post(
        "/token",
        data={
            "grant_type": "client_credentials",
            "client_id": FAKE_CLIENT_ID,
            "client_secret": FAKE_CLIENT_SECRET,
        },
    )
    assert response.status_code == 200
    value: str = response.json()["access_token"]
    return value


def _query(bsn: str = "999993653", fields: Iterable[str] = ("burgerservicenummer",)) -> Query:
    return testing.make_query(PersonRef(bsn), fields)


@pytest.fixture
def make_query() -> Callable[..., Query]:
    return _query


@pytest.fixture
async def connect(fake: FastAPI) -> AsyncIterator[Callable[..., BrpConnector]]:
    """Build connectors against the in-process fake; closed after the test."""
    made: list[BrpConnector] = []

    def build(
        *, env: dict[str, str] | None = None, app: FastAPI | None = None, **settings: Any
    ) -> BrpConnector:
        options: dict[str, Any] = {
            "base_url": BASE_URL,
            "client_id": FAKE_CLIENT_ID,
            "health_check_bsn": PROBE_BSN,
        }
        options.update(settings)
        context = ConnectorContext(
            transport=httpx.ASGITransport(app=mounted(app or fake)),
            env=TEST_ENV if env is None else env,
        )
        connector = BrpConnector(Settings(**options), context)
        made.append(connector)
        return connector

    yield build
    for connector in made:
        await connector.aclose()
