"""Fixtures for the KvK connector tests: the fake in-process, a connector on it, queries."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable
from datetime import date
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from connectors.kvk.client import FIELDS, KvkConnector, KvkSettings
from connectors.kvk.fake import FAKE_API_KEY, create_app
from plugins import ConnectorContext, Officer, Purpose, Query, Subject, TraceContext

BASE = "http://fake/api"
#: the fake's "today": the demo world's recent dates are relative to it
TODAY = date(2026, 3, 1)

MakeQuery = Callable[..., Query]
MakeConnector = Callable[..., KvkConnector]


def make_query(subject: Subject, fields: Iterable[str] | None = None) -> Query:
    return Query(
        subject=subject,
        fields=frozenset(FIELDS if fields is None else fields),
        purpose=Purpose("VA-MH-01", "Signaalverrijking mensenhandel", "art. 273f Sr"),
        officer=Officer("o-1", "Test Officer", "0405"),
        signal_id="s-1",
        trace=TraceContext.new_trace(),
        municipality="0405",
    )


@pytest.fixture
def query() -> MakeQuery:
    return make_query


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
        connector = KvkConnector(KvkSettings(base_url=BASE, **settings), context)
        made.append(connector)
        return connector

    yield build
    for connector in made:
        await connector.aclose()


@pytest.fixture
def connector(make_connector: MakeConnector) -> KvkConnector:
    return make_connector()
