"""The webhook transport: signed as documented, stored once by the receiver, every
failure mapped to a transient or permanent DeliveryFailed."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import httpx
import pytest

from connectors.tables.webhook.fake import create_app
from connectors.tables.webhook.transport import Settings, WebhookTransport
from plugins import ConnectorContext, Delivery, DeliveryFailed, TableTransport

URL = "http://fake/signalen"
ENV = {"OPPLUS_WEBHOOK_SECRET": "fake-webhook-secret"}


@pytest.fixture
def app() -> Any:
    return create_app()


@pytest.fixture
async def make_transport(app: Any) -> AsyncIterator[Callable[..., WebhookTransport]]:
    """``make_transport(transport=None, env=None, **settings)``; default: the ``app`` fixture."""
    made: list[WebhookTransport] = []

    def build(
        transport: Any = None, env: dict[str, str] | None = None, **settings: Any
    ) -> WebhookTransport:
        context = ConnectorContext(
            transport=transport or httpx.ASGITransport(app=app),
            env=ENV if env is None else env,
        )
        made.append(WebhookTransport(Settings(**{"url": URL, **settings}), context))
        return made[-1]

    yield build
    for transport in made:
        await transport.aclose()


async def test_delivers_to_the_receiver(
    make_transport: Callable[..., WebhookTransport],
    make_delivery: Callable[..., Delivery],
    app: Any,
) -> None:
    transport = make_transport()
    assert isinstance(transport, TableTransport)
    delivery = make_delivery()
    receipt = await transport.deliver(delivery)

    [stored] = app.state.deliveries
    assert stored["payload"] == delivery.payload
    assert stored["payload_sha256"] == delivery.payload_sha256
    assert stored["idempotency_key"] == delivery.idempotency_key
    assert stored["delivery"] == "dl-0001"
    assert stored["traceparent"] == delivery.trace.traceparent
    assert receipt.reference == stored["id"]
    assert receipt.acknowledged is True
    assert receipt.extra == {"status": 201, "replayed": False}
    answer = app.state.answers[delivery.idempotency_key][1]
    body = json.dumps(answer, separators=(",", ":"), ensure_ascii=False).encode()
    assert receipt.response_sha256 == hashlib.sha256(body).hexdigest()


async def test_the_request_verifies_with_an_independent_receiver(
    make_transport: Callable[..., WebhookTransport], make_delivery: Callable[..., Delivery]
) -> None:
    seen: list[httpx.Request] = []

    def receiver(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(202, json={"reference": "RIEC-77", "status": "accepted"})

    before = int(time.time())
    delivery = make_delivery()
    receipt = await make_transport(httpx.MockTransport(receiver)).deliver(delivery)
    [request] = seen
    assert request.method == "POST" and str(request.url) == URL
    assert request.content == delivery.payload_json  # byte for byte
    h = request.headers
    assert h["content-type"] == "application/json"
    assert h["idempotency-key"] == delivery.idempotency_key
    assert h["x-opplus-delivery"] == delivery.id
    assert h["x-opplus-key-id"] == "opplus"
    assert h["traceparent"] == delivery.trace.traceparent
    parts = dict(p.split("=", 1) for p in h["x-opplus-signature"].split(","))
    assert parts.keys() == {"t", "v1"}
    assert before <= int(parts["t"]) <= int(time.time())
    expected = hmac.new(
        b"fake-webhook-secret", parts["t"].encode() + b"." + request.content, hashlib.sha256
    ).hexdigest()
    assert parts["v1"] == expected
    assert (receipt.reference, receipt.acknowledged) == ("RIEC-77", True)
    assert receipt.extra["status"] == 202


async def test_a_repeat_is_stored_once(
    make_transport: Callable[..., WebhookTransport],
    make_delivery: Callable[..., Delivery],
    app: Any,
) -> None:
    transport = make_transport()
    first = await transport.deliver(make_delivery())
    second = await transport.deliver(make_delivery(attempt=2))
    assert len(app.state.deliveries) == 1
    assert second.reference == first.reference
    assert second.response_sha256 == first.response_sha256
    assert second.extra == {"status": 200, "replayed": True}
    assert "already had this delivery" in second.detail


async def test_503_is_transient_and_the_retry_lands_once(
    make_transport: Callable[..., WebhookTransport], make_delivery: Callable[..., Delivery]
) -> None:
    app = create_app(fail_times=1)
    transport = make_transport(httpx.ASGITransport(app=app))
    with pytest.raises(DeliveryFailed) as failed:
        await transport.deliver(make_delivery())
    assert (failed.value.transient, failed.value.retry_after) == (True, 1.0)
    assert "HTTP 503" in str(failed.value)
    receipt = await transport.deliver(make_delivery(attempt=2))
    assert receipt.extra["status"] == 201
    assert len(app.state.deliveries) == 1


async def test_wrong_secret_is_permanent(
    make_transport: Callable[..., WebhookTransport],
    make_delivery: Callable[..., Delivery],
    app: Any,
) -> None:
    transport = make_transport(env={"OPPLUS_WEBHOOK_SECRET": "not-the-secret"})
    with pytest.raises(DeliveryFailed) as failed:
        await transport.deliver(make_delivery())
    assert failed.value.transient is False
    assert "HTTP 401" in str(failed.value) and "signature does not match" in str(failed.value)
    assert app.state.deliveries == []


async def test_missing_secret_is_permanent_and_sends_nothing(
    make_transport: Callable[..., WebhookTransport],
    make_delivery: Callable[..., Delivery],
    app: Any,
) -> None:
    with pytest.raises(DeliveryFailed) as failed:
        await make_transport(env={}).deliver(make_delivery())
    assert failed.value.transient is False
    assert "OPPLUS_WEBHOOK_SECRET" in str(failed.value)
    assert app.state.received_traceparents == []


async def test_a_payload_that_is_not_what_was_confirmed_is_refused(
    make_transport: Callable[..., WebhookTransport],
    make_delivery: Callable[..., Delivery],
    app: Any,
) -> None:
    with pytest.raises(DeliveryFailed) as failed:
        await make_transport().deliver(make_delivery(payload_json=b'{"other":1}'))
    assert failed.value.transient is False
    assert app.state.deliveries == []


async def test_receiver_down_is_transient(
    make_transport: Callable[..., WebhookTransport], make_delivery: Callable[..., Delivery]
) -> None:
    transport = make_transport(httpx.ASGITransport(app=create_app(down=True)))
    with pytest.raises(DeliveryFailed) as failed:
        await transport.deliver(make_delivery())
    assert failed.value.transient is True


def answer(status: int, **kwargs: Any) -> httpx.MockTransport:
    return httpx.MockTransport(lambda request: httpx.Response(status, **kwargs))


@pytest.mark.parametrize(
    ("transport", "transient", "retry_after"),
    [
        (answer(429, headers={"Retry-After": "17"}), True, 17.0),
        (answer(503, headers={"Retry-After": "5"}), True, 5.0),
        (answer(502), True, None),
        (answer(504), True, None),
        (answer(408), True, None),
        (answer(409, json={"detail": "in behandeling"}), True, None),
        (answer(500, json={"detail": "kapot"}), False, None),
        (answer(400, json={"detail": "schema onbekend"}), False, None),
        (answer(403), False, None),
        (answer(422, json={"title": "andere inhoud"}), False, None),
        (answer(301, headers={"Location": "http://elsewhere/"}), False, None),
    ],
)
async def test_statuses(
    transport: httpx.MockTransport,
    transient: bool,
    retry_after: float | None,
    make_transport: Callable[..., WebhookTransport],
    make_delivery: Callable[..., Delivery],
) -> None:
    with pytest.raises(DeliveryFailed) as failed:
        await make_transport(transport).deliver(make_delivery())
    assert (failed.value.transient, failed.value.retry_after) == (transient, retry_after)
    assert str(failed.value).startswith("webhook: ")


async def test_retry_after_as_http_date(
    make_transport: Callable[..., WebhookTransport], make_delivery: Callable[..., Delivery]
) -> None:
    in_90_s = format_datetime(datetime.now(UTC) + timedelta(seconds=90), usegmt=True)
    transport = make_transport(answer(429, headers={"Retry-After": in_90_s}))
    with pytest.raises(DeliveryFailed) as failed:
        await transport.deliver(make_delivery())
    assert failed.value.retry_after is not None and 80 <= failed.value.retry_after <= 90


@pytest.mark.parametrize(
    "error", [httpx.ConnectError("refused"), httpx.ConnectTimeout("t"), httpx.ReadTimeout("t")]
)
async def test_unreachable_or_slow_is_transient(
    error: Exception,
    make_transport: Callable[..., WebhookTransport],
    make_delivery: Callable[..., Delivery],
) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise error

    with pytest.raises(DeliveryFailed) as failed:
        await make_transport(httpx.MockTransport(refuse)).deliver(make_delivery())
    assert failed.value.transient is True


async def test_an_answer_without_json_is_still_a_delivery(
    make_transport: Callable[..., WebhookTransport], make_delivery: Callable[..., Delivery]
) -> None:
    transport = make_transport(answer(204))
    receipt = await transport.deliver(make_delivery())
    assert (receipt.reference, receipt.acknowledged) == (None, False)
    assert receipt.response_sha256 == hashlib.sha256(b"").hexdigest()
    text = make_transport(answer(200, text="OK"))
    assert (await text.deliver(make_delivery())).reference is None


async def test_check(make_transport: Callable[..., WebhookTransport]) -> None:
    health = await make_transport().check()
    assert health.ok and "signature accepted" in health.detail
    bad = await make_transport(env={"OPPLUS_WEBHOOK_SECRET": "nope"}).check()
    assert not bad.ok and "401" in bad.detail
    assert not (await make_transport(env={}).check()).ok
    no_probe = await make_transport(answer(405)).check()
    assert no_probe.ok and "takes no probes" in no_probe.detail

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")

    down = await make_transport(httpx.MockTransport(refuse)).check()
    assert not down.ok and "cannot reach" in down.detail


def test_settings() -> None:
    assert Settings(url="https://riec.example/in").secret_env == "OPPLUS_WEBHOOK_SECRET"
    for bad in ({"url": "riec.example/in"}, {"url": URL, "key_id": "a b"}, {"url": URL, "x": 1}):
        with pytest.raises(ValueError):
            Settings(**bad)
