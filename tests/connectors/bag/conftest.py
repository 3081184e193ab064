"""Fixtures for the BAG connector tests: the fake in-process, a connector wired to it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from connectors.bag.client import FIELDS, BagConnector, Settings
from connectors.bag.fake import FAKE_API_KEY, MOUNT, create_app
from plugins import ConnectorContext, Officer, Purpose, Query, Subject, TraceContext

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


def _make_query(
    subject: Subject,
    fields: Iterable[str] = FIELDS.keys(),
    trace: TraceContext | None = None,
) -> Query:
    return Query(
        subject=subject,
        fields=frozenset(fields),
        purpose=Purpose("VA-MH-01", "Signaalverrijking mensenhandel", "art. 6 lid 1 sub e AVG"),
        officer=Officer("o-1", "Test Officer", "0405"),
        signal_id="s-1",
        trace=trace or TraceContext.new_trace(),
        municipality="0405",
    )


@pytest.fixture
def make_query() -> Callable[..., Query]:
    """``make_query(subject, fields=..., trace=...)``: a Query as the engine builds it."""
    return _make_query


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
