"""Test setup for opplus-brk: import the package from ``../src`` without installing it.

The hub's ``plugins`` package must be importable (run from the opplus repository with
``uv run pytest examples/opplus-brk/tests``, or with opplus installed alongside).
"""

from __future__ import annotations

import functools
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))

from opplus_brk.client import FIELDS, BrkConnector, Settings  # noqa: E402
from opplus_brk.fake import FAKE_API_KEY, MOUNT, create_app  # noqa: E402

from plugins import ConnectorContext, testing  # noqa: E402

BASE_URL = f"http://fake.test{MOUNT}"

#: ``make_query(subject, fields=None)``: the SDK's query, all BRK fields by default
make_query = functools.partial(testing.make_query, declared=FIELDS)


class Recording(httpx.AsyncBaseTransport):
    """Passes requests on and keeps them, so tests can see what went over the wire."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return await self.inner.handle_async_request(request)

    @property
    def paths(self) -> list[str]:
        return [r.url.path.removeprefix(MOUNT) for r in self.requests]


MakeConnector = Callable[..., tuple[BrkConnector, Recording]]


@pytest.fixture
def fake_app() -> Any:
    return create_app()


@pytest.fixture
async def fake(fake_app: Any) -> AsyncIterator[httpx.AsyncClient]:
    """A plain HTTP client on the fake with its test key."""
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=fake_app),
        base_url=BASE_URL,
        headers={"X-Api-Key": FAKE_API_KEY, "Accept": "application/hal+json"},
    ) as client:
        yield client


@pytest.fixture
async def make_connector(fake_app: Any) -> AsyncIterator[MakeConnector]:
    """Connectors on the in-process fake (or ``transport``); keywords become settings."""
    made: list[BrkConnector] = []

    def make(
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        env: dict[str, str] | None = None,
        **settings: Any,
    ) -> tuple[BrkConnector, Recording]:
        recording = Recording(transport or httpx.ASGITransport(app=fake_app))
        context = ConnectorContext(
            transport=recording,
            env={"OPPLUS_BRK_API_KEY": FAKE_API_KEY} if env is None else env,
        )
        connector = BrkConnector(Settings(base_url=BASE_URL, **settings), context)
        made.append(connector)
        return connector, recording

    yield make
    for connector in made:
        await connector.aclose()
