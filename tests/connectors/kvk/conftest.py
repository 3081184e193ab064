"""Fixtures for the KvK connector tests: the fake in-process, a connector on it, queries."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Callable
from datetime import date
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from connectors.kvk.client import FIELDS, KvkConnector, Settings
from connectors.kvk.fake import FAKE_API_KEY, create_app
from plugins import ConnectorContext, Query, testing

BASE = "http://fake/api"
#: the fake's "today": the demo world's recent dates are relative to it
TODAY = date(2026, 3, 1)

MakeQuery = Callable[..., Query]
MakeConnector = Callable[..., KvkConnector]


@pytest.fixture
def query() -> MakeQuery:
    """``query(subject, fields=None)``: the SDK's, all fields by default."""
    return functools.partial(testing.make_query, declared=FIELDS)


@pytest.fixture
def fake_app() -> FastAPI:
    return create_app(today=TODAY)


@pytest.fixture
async def fake(fake_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A plain HTTP client on the fake, with the public test key."""
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=fake_app),
        base_url=BASE,
        headers={"apikey": FAKE_API_KEY},
    ) as client:
        yield client


@pytest.fixture
async def make_connector(fake_app: FastAPI) -> AsyncIterator[MakeConnector]:
    """Connectors on the in-process fake; keyword arguments become settings."""
    made: list[KvkConnector] = []

    def build(*, api_key: str | None = FAKE_API_KEY, **settings: Any) -> KvkConnector:
        env = {} if api_key is None else {"OPPLUS_KVK_API_KEY": api_key}
        context = ConnectorContext(transport=httpx.ASGITransport(app=fake_app), env=env)
        connector = KvkConnector(Settings(base_url=BASE, **settings), context)
        made.append(connector)
        return connector

    yield build
    for connector in made:
        await connector.aclose()


@pytest.fixture
def connector(make_connector: MakeConnector) -> KvkConnector:
    return make_connector()
