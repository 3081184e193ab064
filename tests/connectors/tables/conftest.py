"""Fixtures for the table transport tests: a delivery as the hub's outbox builds one, and
an httpx transport that lets a test intercept requests before or after they reach a fake.

pytest runs in importlib mode, so test modules cannot import this file; the helpers come
as fixtures (``make_delivery``, ``intercept``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from plugins import Delivery, Officer, Purpose, testing

BSN = "999970057"  # Katarzyna Wiśniewska of the demo world
KVK = "97000035"  # Lotus Massage & Wellness

PAYLOAD: dict[str, Any] = {
    "schema": "opplus-tafel-payload/2",
    "table": "pct",
    "dossier_id": "d-2026-0042",
    "signal_id": "s-2026-0042",
    "created_at": "2026-11-28T10:00:00+00:00",
    "purpose": {"id": "VA-MH-01", "name": "Signaalverrijking mensenhandel", "legal_ground": "g"},
    "officer": {"name": "Anna de Groot", "municipality": "0388"},
    "signal": {"municipality": "0388", "forms": ["seksuele_uitbuiting"]},
    "subjects": [
        {
            "key": f"person:{BSN}",
            "kind": "person",
            "identifiers": {"burgerservicenummer": BSN},
        },
        {"key": f"business:{KVK}", "kind": "business", "identifiers": {"kvkNummer": KVK}},
        {
            "key": "address:1601AM-201",
            "kind": "address",
            "identifiers": {"postcode": "1601AM", "huisnummer": 201},
        },
    ],
    "facts": [
        {"id": "f1", "subject": f"person:{BSN}", "attribute": "naam.volledigeNaam",
         "value": "Katarzyna Wiśniewska", "classification": "personal"},
        {"id": "f2", "subject": f"business:{KVK}", "attribute": "naam",
         "value": "Lotus Massage & Wellness", "classification": "normal"},
    ],
}  # fmt: skip

RENDERING = (
    "<!doctype html><html lang='nl'><body><h1>Opgeplust signaal</h1>"
    f"<p>Persoon {BSN}: Katarzyna Wiśniewska</p><p>KvK {KVK}</p></body></html>"
)


def make(**overrides: Any) -> Delivery:
    """The SDK's delivery (table ``pct``, ids from the payload) with this file's payload."""
    values: dict[str, Any] = {
        "table_label": "Politie (PCT)",
        "rendering_html": RENDERING,
        "officer": Officer("af-0388-1", "Anna de Groot", "0388"),
        "purpose": Purpose("VA-MH-01", "Signaalverrijking mensenhandel", "art. 6 lid 1 e AVG"),
    }
    values.update(overrides)
    return testing.make_delivery(values.pop("payload", PAYLOAD), **values)


@pytest.fixture
def make_delivery() -> Callable[..., Delivery]:
    """``make_delivery(**overrides)``: a delivery to table ``pct`` with a person (BSN) in it."""
    return make


@pytest.fixture
def bsn() -> str:
    return BSN


Forward = Callable[[httpx.Request], Awaitable[httpx.Response]]
Hook = Callable[[httpx.Request, Forward], Awaitable[httpx.Response]]


class Intercept(httpx.AsyncBaseTransport):
    """Sends each request to ``hook(request, forward)``; ``forward`` reaches the app."""

    def __init__(self, inner: httpx.AsyncBaseTransport, hook: Hook) -> None:
        self.inner = inner
        self.hook = hook

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        async def forward(req: httpx.Request) -> httpx.Response:
            response = await self.inner.handle_async_request(req)
            await response.aread()
            return response

        return await self.hook(request, forward)


@pytest.fixture
def intercept() -> Callable[[Any, Hook], Intercept]:
    """``intercept(app, hook)``: an httpx transport to ``app`` through ``hook``."""

    def build(app: Any, hook: Hook) -> Intercept:
        return Intercept(httpx.ASGITransport(app=app, root_path=""), hook)

    return build
