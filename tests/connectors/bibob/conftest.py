"""Shared builders for the Bibob connector tests: the fake in-process, queries, connectors."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from connectors.bibob.client import FIELDS, BibobConnector, Settings
from connectors.bibob.fake import FAKE_PASSWORD, MOUNT, create_app
from plugins import ConnectorContext, Query, testing

BASE_URL = f"http://fake{MOUNT}"
ENV = {"OPPLUS_BIBOB_PASSWORD": FAKE_PASSWORD}
ALL_FIELDS = frozenset(FIELDS)


def in_process(app: Any) -> httpx.ASGITransport:
    """The fake as the hub mounts it: requests under ``MOUNT`` with ``root_path`` set."""
    return httpx.ASGITransport(app=app, root_path=MOUNT)


def make_connector(
    transport: Any, env: dict[str, str] | None = None, **settings: Any
) -> BibobConnector:
    return BibobConnector(
        Settings(base_url=BASE_URL, **settings),
        ConnectorContext(transport=transport, env=ENV if env is None else env),
    )


@pytest.fixture
def app() -> Any:
    return create_app()


@pytest.fixture
async def fake_client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=in_process(app), base_url=BASE_URL) as client:
        yield client


@pytest.fixture
async def connector(app: Any) -> AsyncIterator[BibobConnector]:
    conn = make_connector(in_process(app))
    yield conn
    await conn.aclose()


@pytest.fixture
async def connector_factory() -> AsyncIterator[Callable[..., BibobConnector]]:
    """Build connectors inside a test; closed at the end."""
    built: list[BibobConnector] = []

    def build(transport: Any, env: dict[str, str] | None = None, **settings: Any) -> Any:
        conn = make_connector(transport, env, **settings)
        built.append(conn)
        return conn

    yield build
    for conn in built:
        await conn.aclose()


@pytest.fixture
def query_for() -> Callable[..., Query]:
    """``query_for(subject, fields=..., trace=...)``: the SDK's, all fields by default."""
    return functools.partial(testing.make_query, declared=ALL_FIELDS)


@pytest.fixture
def mounted() -> Callable[[Any], httpx.ASGITransport]:
    """``mounted(app)``: an in-process transport to a fake app at its mount path."""
    return in_process
