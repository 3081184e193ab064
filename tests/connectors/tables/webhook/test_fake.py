"""The receiver fake: it verifies signatures made by an independent signer, keeps each
delivery once, and injects failures."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Mount

from connectors.tables.webhook.fake import create_app
from connectors.tables.webhook.transport import sign, verify
from plugins import make_plugins

SECRET = "fake-webhook-secret"
BODY = json.dumps({"schema": "opplus-tafel-payload/2", "facts": []}).encode()


def signature(body: bytes, *, secret: str = SECRET, t: int | None = None) -> str:
    """Written from the documented scheme, independently of the transport's code."""
    t = int(time.time()) if t is None else t
    mac = hmac.new(secret.encode(), str(t).encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


def headers(body: bytes = BODY, key: str = "key-1", **extra: str) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "Idempotency-Key": key,
        "X-Opplus-Delivery": "dl-1",
        "X-Opplus-Key-Id": "opplus",
        "X-Opplus-Signature": signature(body),
        **extra,
    }


@pytest.fixture
def app() -> Any:
    return create_app()


@pytest.fixture
async def client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://fake") as c:
        yield c


def test_sign_matches_the_documented_scheme() -> None:
    assert sign(SECRET, 1764324000, BODY) == signature(BODY, t=1764324000)
    # a known vector, so the scheme cannot drift silently
    vector = "b253639bcd705ed1cda3073f66104f16988bd40272584dea7d0d345ae93e61cc"
    assert sign("s", 1, b"{}") == f"t=1,v1={vector}"


def test_verify_accepts_and_rejects() -> None:
    now = 1764324000.0
    good = signature(BODY, t=int(now))
    assert verify(SECRET, good, BODY, now=now) is None
    assert verify(SECRET, good, BODY + b" ", now=now) == "signature does not match"
    assert verify("other", good, BODY, now=now) == "signature does not match"
    assert verify(SECRET, good, BODY, now=now + 301) == "signature timestamp outside the tolerance"
    assert verify(SECRET, good, BODY, now=now - 301) == "signature timestamp outside the tolerance"
    assert verify(SECRET, None, BODY, now=now) == "signature header missing"
    assert verify(SECRET, "v1=abc", BODY, now=now) == "signature header lacks t or v1"
    rotated = f"t={int(now)},v1={'0' * 64},{good.split(',')[1]}"
    assert verify(SECRET, rotated, BODY, now=now) is None


async def test_receives_once_and_replays_the_same_answer(
    client: httpx.AsyncClient, app: Any
) -> None:
    first = await client.post("/signalen", content=BODY, headers=headers())
    assert first.status_code == 201, first.text
    answer = first.json()
    assert answer["status"] == "ontvangen" and answer["acknowledged"] is True
    assert answer["payload_sha256"] == hashlib.sha256(BODY).hexdigest()

    again = await client.post("/signalen", content=BODY, headers=headers())
    assert again.status_code == 200
    assert again.json() == answer
    assert again.headers["idempotent-replayed"] == "true"
    assert len(app.state.deliveries) == 1
    stored = app.state.deliveries[0]
    assert stored["idempotency_key"] == "key-1"
    assert stored["delivery"] == "dl-1"
    assert stored["payload"] == json.loads(BODY)

    other = b'{"other": true}'
    reused = await client.post("/signalen", content=other, headers=headers(other))
    assert reused.status_code == 422
    assert reused.headers["content-type"] == "application/problem+json"

    listed = (await client.get("/deliveries")).json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == answer["id"]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"X-Opplus-Signature": ""}, "signature header missing"),
        ({"X-Opplus-Signature": signature(BODY, secret="wrong")}, "signature does not match"),
        ({"X-Opplus-Signature": signature(BODY, t=int(time.time()) - 400)}, "tolerance"),
        ({"X-Opplus-Signature": signature(b"{}")}, "signature does not match"),
        ({"X-Opplus-Key-Id": "someone-else"}, "Onbekende sleutel"),
    ],
)
async def test_bad_signatures_are_401_problems(
    change: dict[str, str], reason: str, client: httpx.AsyncClient, app: Any
) -> None:
    response = await client.post("/signalen", content=BODY, headers={**headers(), **change})
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert reason in response.json()["detail"]
    assert app.state.deliveries == []


async def test_request_validation(client: httpx.AsyncClient, app: Any) -> None:
    text = {**headers(), "Content-Type": "text/plain"}
    r = await client.post("/signalen", content=BODY, headers=text)
    assert r.status_code == 415
    no_key = {k: v for k, v in headers().items() if k != "Idempotency-Key"}
    assert (await client.post("/signalen", content=BODY, headers=no_key)).status_code == 400
    for body in (b"{nope", b"[1, 2]"):
        assert (
            await client.post("/signalen", content=body, headers=headers(body))
        ).status_code == 400
    assert app.state.deliveries == []


async def test_probe(client: httpx.AsyncClient) -> None:
    good = await client.get("/signalen", headers={"X-Opplus-Signature": signature(b"")})
    assert (good.status_code, good.json()) == (200, {"status": "ok"})
    bad = await client.get("/signalen", headers={"X-Opplus-Signature": signature(b"", secret="x")})
    assert bad.status_code == 401


async def test_fail_times_then_success() -> None:
    app = create_app(fail_times=2)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://f") as c:
        answers = [await c.post("/signalen", content=BODY, headers=headers()) for _ in range(3)]
    assert [a.status_code for a in answers] == [503, 503, 201]
    assert answers[0].headers["retry-after"] == "1"
    assert len(app.state.deliveries) == 1


async def test_down_answers_503_everywhere() -> None:
    app = create_app(down=True)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://f") as c:
        assert (await c.post("/signalen", content=BODY, headers=headers())).status_code == 503
        assert (await c.get("/deliveries")).status_code == 503
    assert app.state.deliveries == []


async def test_registered_fake_at_its_mount_with_test_credentials() -> None:
    plugins = make_plugins(
        ["connectors.tables.webhook.plugin"],
        fakes=["connectors.tables.webhook.fake.plugin"],
        load_entry_points=False,
        environ={},
    )
    fake = plugins.fakes()["riec"]
    assert fake.mount == "/riec/informatieplein"
    assert dict(fake.test_env) == {"OPPLUS_WEBHOOK_SECRET": "fake-webhook-secret"}
    host = Starlette(routes=[Mount(fake.mount, app=fake.app_factory())])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=host), base_url="http://h") as c:
        r = await c.post("/riec/informatieplein/signalen", content=BODY, headers=headers())
    assert r.status_code == 201, r.text
