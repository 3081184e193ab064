"""The table transport contract as pytest tests: :class:`TableContract` and its
:class:`TableCase` (see :mod:`plugins.testing` and the guide, "The table contract kit").

What the hub relies on when it hands a transport a delivery: the registration and the
settings model are well formed and keep no secret; ``check()`` reports and never
raises; ``deliver()`` returns a :class:`Receipt` or raises :class:`DeliveryFailed` and
nothing else; a delivery sent twice (same idempotency key) is held once; each failure
is classified transient (tried again) or permanent as documented; an answer larger
than the SDK's cap is refused while it streams; no secret and no BSN in a repr, a
message or a log.

Kept apart from :mod:`plugins.testing` because it needs pytest at import; that module
loads it only when a test names it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import structlog

from ._connector import DEFAULT_MAX_RESPONSE_BYTES, ConnectorContext, Health
from ._table import Delivery, DeliveryFailed, Receipt, TableSettings, TableSpec, TableTransport
from .testing import _run, make_delivery

__all__ = ["TABLE_FAULTS", "TableCase", "TableContract", "TableFault", "TableReceiver"]

_KIND = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
#: a settings key that would hold a secret itself; such a key must end in ``_env``
_SECRET_WORDS = re.compile(r"secret|password|passwd|token|api_?key|private", re.IGNORECASE)
_CHUNK = 16 * 1024


@dataclass
class TableReceiver:
    """A running receiver of the transport under test (the transport's fake)."""

    #: how many deliveries the receiver holds, each counted once however often it came
    held: Callable[[], int]
    #: the receiver as an httpx transport (HTTP transports); None for other protocols
    transport: httpx.AsyncBaseTransport | None = None
    #: settings that point the transport at this receiver (e.g. its port)
    settings: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class TableCase:
    """What the kit needs to know about a table transport under test."""

    spec: TableSpec
    settings: Mapping[str, Any]
    #: the receiver's test credentials, as environment variables
    env: Mapping[str, str]
    #: starts a fresh receiver for one test and stops it afterwards
    receiver: Callable[[], AbstractAsyncContextManager[TableReceiver]]
    #: credentials the receiver refuses (e.g. a wrong secret); empty: none to test
    bad_credentials: Mapping[str, str] = field(default_factory=dict)
    #: settings that point at no receiver at all (non-HTTP transports; HTTP ones are
    #: cut off at the transport by the kit)
    unreachable: Mapping[str, Any] | None = None
    #: the delivery the kit sends (variants get another id and idempotency key)
    delivery: Callable[..., Delivery] = make_delivery


Respond = Callable[["_Faulty", httpx.Request], Awaitable[httpx.Response]]


@dataclass(frozen=True)
class TableFault:
    """What the receiver does instead of answering well, and how the hub must see it."""

    name: str
    respond: Respond
    #: the delivery is tried again later (``DeliveryFailed.transient``)
    transient: bool
    #: the ``retry_after`` the failure must carry, if any
    retry_after: float | None = None
    #: what the failure's message must mention
    names: str | None = None


class _Faulty(httpx.AsyncBaseTransport):
    """Every request gets the fault; counts the bytes an oversized answer produced."""

    def __init__(self, fault: TableFault) -> None:
        self.fault = fault
        self.produced = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self.fault.respond(self, request)


def _status(code: int, headers: Mapping[str, str] | None = None) -> Respond:
    async def respond(wire: _Faulty, request: httpx.Request) -> httpx.Response:
        body = {"title": f"HTTP {code} (contract kit)", "status": code}
        return httpx.Response(code, headers=headers, json=body)

    return respond


def _raise(error: Callable[[httpx.Request], Exception]) -> Respond:
    async def respond(wire: _Faulty, request: httpx.Request) -> httpx.Response:
        raise error(request)

    return respond


async def _oversized(wire: _Faulty, request: httpx.Request) -> httpx.Response:
    async def chunks() -> AsyncIterator[bytes]:
        wire.produced += 1
        yield b'{"id": "x", "padding": "'
        while wire.produced < 4 * DEFAULT_MAX_RESPONSE_BYTES:
            wire.produced += _CHUNK
            yield b" " * _CHUNK

    return httpx.Response(200, headers={"content-type": "application/json"}, content=chunks())


#: what the kit does to an HTTP transport's receiver, every request of the attempt hit
TABLE_FAULTS: tuple[TableFault, ...] = (
    TableFault("connect refused", _raise(lambda r: httpx.ConnectError("refused", request=r)), True),
    TableFault("timeout", _raise(lambda r: httpx.ReadTimeout("slow", request=r)), True),
    TableFault("502", _status(502), True),
    TableFault("503", _status(503), True),
    TableFault("504", _status(504), True),
    TableFault("429 with Retry-After", _status(429, {"Retry-After": "7"}), True, retry_after=7),
    TableFault("500", _status(500), False),
    TableFault("400", _status(400), False),
    TableFault("401", _status(401), False),
    TableFault("403", _status(403), False),
    TableFault("oversized answer", _oversized, False, names="max_response_bytes"),
)


class _Run:
    """One test's receiver and the transports built against it."""

    def __init__(self, case: TableCase, receiver: TableReceiver) -> None:
        self.case = case
        self.receiver = receiver
        self.made: list[TableTransport] = []

    def settings(self, **overrides: Any) -> TableSettings:
        values = {**self.case.settings, **self.receiver.settings, **overrides}
        return self.case.spec.settings_model.model_validate(values)

    def transport(
        self,
        env: Mapping[str, str] | None = None,
        wire: httpx.AsyncBaseTransport | None = None,
        **overrides: Any,
    ) -> TableTransport:
        context = ConnectorContext(
            transport=wire or self.receiver.transport,
            env=dict(self.case.env if env is None else env),
        )
        made = self.case.spec.factory(self.settings(**overrides), context)
        self.made.append(made)
        return made


def _scenario(case: TableCase, body: Callable[[_Run], Awaitable[Any]]) -> Any:
    async def run() -> Any:
        async with case.receiver() as receiver:
            test = _Run(case, receiver)
            try:
                return await body(test)
            finally:
                for made in test.made:
                    await made.aclose()

    return _run(run())


async def _failure(transport: TableTransport, delivery: Delivery) -> DeliveryFailed:
    """The DeliveryFailed of ``delivery``; any other outcome fails the test."""
    try:
        receipt = await transport.deliver(delivery)
    except DeliveryFailed as exc:
        return exc
    raise AssertionError(f"delivered although it should have failed: {receipt}")


def _needs_credentials(case: TableCase, *, bad: bool = False) -> None:
    if not case.env:
        pytest.skip("this transport has no credentials")
    if bad and not case.bad_credentials:
        pytest.skip("the case names no credentials the receiver refuses")


class TableContract:
    """Subclass in your tests and provide a ``case`` fixture returning a TableCase."""

    # -- registration and settings ----------------------------------------------------

    def test_spec_is_well_formed(self, case: TableCase) -> None:
        spec = case.spec
        assert isinstance(spec, TableSpec)
        assert _KIND.match(spec.kind), f"kind {spec.kind!r}: lowercase, at most 32 characters"
        assert spec.name == spec.kind
        assert spec.description.strip(), "say in a line what the transport delivers to"
        assert callable(spec.factory)
        assert issubclass(spec.settings_model, TableSettings)

    def test_settings_refuse_unknown_keys_and_are_frozen(self, case: TableCase) -> None:
        model = case.spec.settings_model
        with pytest.raises(ValueError, match="contract_kit_typo"):
            model.model_validate({**case.settings, "contract_kit_typo": 1})
        assert model.model_config.get("frozen") is True

    def test_settings_keep_no_secret_only_its_variable(self, case: TableCase) -> None:
        for name in case.spec.settings_model.model_fields:
            if _SECRET_WORDS.search(name):
                assert name.endswith("_env"), f"{name!r} would hold a secret: use {name}_env"

    def test_factory_builds_a_transport_of_its_kind(self, case: TableCase) -> None:
        async def body(test: _Run) -> None:
            transport = test.transport()
            assert isinstance(transport, TableTransport)
            assert transport.kind == case.spec.kind

        _scenario(case, body)

    # -- health -----------------------------------------------------------------------

    def test_check_is_ok_with_the_receivers_credentials(self, case: TableCase) -> None:
        async def body(test: _Run) -> Health:
            return await test.transport().check()

        health = _scenario(case, body)
        assert isinstance(health, Health) and health.ok, health

    def test_check_fails_without_the_secret(self, case: TableCase) -> None:
        _needs_credentials(case)

        async def body(test: _Run) -> Health:
            return await test.transport(env={}).check()

        health = _scenario(case, body)
        assert isinstance(health, Health) and not health.ok and health.detail

    def test_check_fails_with_bad_credentials(self, case: TableCase) -> None:
        _needs_credentials(case, bad=True)

        async def body(test: _Run) -> Health:
            return await test.transport(env={**case.env, **case.bad_credentials}).check()

        health = _scenario(case, body)
        assert not health.ok, health

    # -- delivering -------------------------------------------------------------------

    def test_deliver_returns_a_receipt_and_the_receiver_holds_it(self, case: TableCase) -> None:
        async def body(test: _Run) -> tuple[Receipt, int]:
            receipt = await test.transport().deliver(case.delivery())
            return receipt, test.receiver.held()

        receipt, held = _scenario(case, body)
        assert isinstance(receipt, Receipt) and receipt.detail
        assert held == 1

    def test_the_idempotency_key_is_honoured(self, case: TableCase) -> None:
        """Every attempt of one delivery is held once; another key is another delivery."""

        async def body(test: _Run) -> list[int]:
            transport = test.transport()
            first = case.delivery()
            counts = []
            for attempt in (1, 2, 3):
                await transport.deliver(case.delivery(attempt=attempt))
                counts.append(test.receiver.held())
            other = case.delivery(id="dl-0002", idempotency_key="b" * 32)
            assert other.idempotency_key != first.idempotency_key
            await transport.deliver(other)
            counts.append(test.receiver.held())
            return counts

        assert _scenario(case, body) == [1, 1, 1, 2]

    def test_missing_secret_is_permanent_and_sends_nothing(self, case: TableCase) -> None:
        _needs_credentials(case)

        async def body(test: _Run) -> tuple[DeliveryFailed, int]:
            failed = await _failure(test.transport(env={}), case.delivery())
            return failed, test.receiver.held()

        failed, held = _scenario(case, body)
        assert failed.transient is False and held == 0

    def test_bad_credentials_are_permanent(self, case: TableCase) -> None:
        _needs_credentials(case, bad=True)

        async def body(test: _Run) -> DeliveryFailed:
            env = {**case.env, **case.bad_credentials}
            return await _failure(test.transport(env=env), case.delivery())

        assert _scenario(case, body).transient is False

    def test_a_payload_that_is_not_what_was_confirmed_is_refused(self, case: TableCase) -> None:
        """``payload_json`` must match ``payload_sha256`` (what the officer confirmed)."""

        async def body(test: _Run) -> tuple[DeliveryFailed, int]:
            changed = case.delivery(payload_json=b'{"changed": true}')
            failed = await _failure(test.transport(), changed)
            return failed, test.receiver.held()

        failed, held = _scenario(case, body)
        assert failed.transient is False and held == 0

    def test_a_notice_is_sent_or_refused_permanently(self, case: TableCase) -> None:
        async def body(test: _Run) -> Receipt | DeliveryFailed:
            notice = case.delivery(notice="Uw melding is in behandeling genomen.")
            try:
                return await test.transport().deliver(notice)
            except DeliveryFailed as exc:
                return exc

        outcome = _scenario(case, body)
        assert isinstance(outcome, Receipt) or outcome.transient is False

    # -- failures, classified ---------------------------------------------------------

    def test_an_unreachable_receiver_is_transient(self, case: TableCase) -> None:
        if case.unreachable is None:
            pytest.skip("HTTP transports: see test_http_failures_are_classified")

        async def body(test: _Run) -> tuple[DeliveryFailed, Health]:
            transport = test.transport(**(case.unreachable or {}))
            return await _failure(transport, case.delivery()), await transport.check()

        failed, health = _scenario(case, body)
        assert failed.transient is True and not health.ok

    @pytest.mark.parametrize("fault", TABLE_FAULTS, ids=lambda fault: fault.name)
    def test_http_failures_are_classified(self, case: TableCase, fault: TableFault) -> None:
        async def body(test: _Run) -> tuple[DeliveryFailed, Health, int]:
            if test.receiver.transport is None:
                pytest.skip("not an HTTP transport")
            wire = _Faulty(fault)
            transport = test.transport(wire=wire)
            failed = await _failure(transport, case.delivery())
            produced = wire.produced  # by the delivery, before the probe reads again
            return failed, await transport.check(), produced

        failed, health, produced = _scenario(case, body)
        assert failed.transient is fault.transient, f"{fault.name}: {failed}"
        if fault.retry_after is not None:
            assert failed.retry_after == fault.retry_after, failed
        if fault.names:
            assert fault.names in failed.message, failed.message
            # the cap held while streaming, rather than after reading everything
            assert produced < 2 * DEFAULT_MAX_RESPONSE_BYTES, produced
        assert not health.ok, f"check() under {fault.name}: {health}"

    # -- privacy ----------------------------------------------------------------------

    def test_no_secret_and_no_bsn_in_reprs_messages_or_logs(
        self, case: TableCase, caplog: pytest.LogCaptureFixture
    ) -> None:
        secrets = [value for value in (*case.env.values(), *case.bad_credentials.values()) if value]
        bsns = set(re.findall(r"\b\d{9}\b", repr(case.delivery().payload)))

        async def body(test: _Run) -> list[str]:
            seen: list[str] = []
            good = test.transport()
            seen += [repr(good), repr(test.settings()), repr(await good.check())]
            seen.append(repr(await good.deliver(case.delivery())))
            if case.bad_credentials:
                bad = test.transport(env={**case.env, **case.bad_credentials})
                seen += [repr(await bad.check()), str(await _failure(bad, case.delivery()))]
            return seen

        caplog.set_level(logging.DEBUG)
        for quiet in ("httpx", "httpcore"):  # the hub silences their request lines
            logging.getLogger(quiet).setLevel(logging.WARNING)
        with structlog.testing.capture_logs() as events:
            seen = _scenario(case, body)
        text = "\n".join([*seen, caplog.text, *(repr(e) for e in events)])
        for secret in secrets:
            assert secret not in text, "a secret reached a repr, a message or the logs"
        for bsn in bsns:
            assert bsn not in text, "a BSN reached a repr, a message or the logs"
