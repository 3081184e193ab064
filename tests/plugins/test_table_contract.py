"""The table contract kit catches what the hub cannot live with: each check fails on a
transport that breaks its rule (the webhook transport, wrapped to misbehave)."""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest

from connectors.tables.webhook.fake import FAKE_SECRET, create_app
from connectors.tables.webhook.transport import Settings, WebhookTransport
from plugins import (
    ConnectorContext,
    Delivery,
    DeliveryFailed,
    Health,
    Receipt,
    TableSettings,
    TableSpec,
)
from plugins.testing import TABLE_FAULTS, TableCase, TableContract, TableReceiver

ENV = {"OPPLUS_WEBHOOK_SECRET": FAKE_SECRET}


@asynccontextmanager
async def receiver() -> AsyncIterator[TableReceiver]:
    app = create_app()
    yield TableReceiver(
        held=lambda: len(app.state.deliveries), transport=httpx.ASGITransport(app=app)
    )


class Wrapped:
    """The webhook transport; subclasses break one rule each."""

    kind = "webhook"

    def __init__(self, settings: Settings, context: ConnectorContext) -> None:
        self.inner = WebhookTransport(settings, context)
        self.secret = context.secret(settings.secret_env)

    async def deliver(self, delivery: Delivery) -> Receipt:
        return await self.inner.deliver(delivery)

    async def check(self) -> Health:
        return await self.inner.check()

    async def aclose(self) -> None:
        await self.inner.aclose()


class NewKeyEachAttempt(Wrapped):
    async def deliver(self, delivery: Delivery) -> Receipt:
        fresh = dataclasses.replace(delivery, idempotency_key=secrets.token_hex(16))
        return await self.inner.deliver(fresh)


class EverythingPermanent(Wrapped):
    async def deliver(self, delivery: Delivery) -> Receipt:
        try:
            return await self.inner.deliver(delivery)
        except DeliveryFailed as exc:
            raise DeliveryFailed(exc.message, transient=False) from exc


class LeaksTheCause(Wrapped):
    async def deliver(self, delivery: Delivery) -> Receipt:
        try:
            return await self.inner.deliver(delivery)
        except DeliveryFailed as exc:
            raise (exc.__cause__ or exc) from None


class SecretInRepr(Wrapped):
    def __repr__(self) -> str:
        return f"SecretInRepr(secret={self.secret!r})"


class ProbeRaises(Wrapped):
    async def check(self) -> Health:
        raise RuntimeError("probe crashed")


class AcceptsAnySettings(TableSettings):
    model_config = TableSettings.model_config | {"extra": "allow"}
    url: str
    secret: str | None = None


def case_for(factory: Any, settings_model: type[TableSettings] = Settings) -> TableCase:
    spec = TableSpec(kind="webhook", description="test", factory=factory)
    spec = dataclasses.replace(spec, settings_model=settings_model)
    return TableCase(
        spec=spec,
        settings={"url": "http://fake/signalen"},
        env=ENV,
        receiver=receiver,
        bad_credentials={"OPPLUS_WEBHOOK_SECRET": "wrong"},
    )


KIT = TableContract()
FAULT = {fault.name: fault for fault in TABLE_FAULTS}


def test_the_well_behaved_wrapper_passes() -> None:
    case = case_for(Wrapped)
    KIT.test_the_idempotency_key_is_honoured(case)
    KIT.test_http_failures_are_classified(case, FAULT["503"])
    KIT.test_http_failures_are_classified(case, FAULT["connect refused"])


def test_a_new_key_per_attempt_is_caught() -> None:
    with pytest.raises(AssertionError):
        KIT.test_the_idempotency_key_is_honoured(case_for(NewKeyEachAttempt))


@pytest.mark.parametrize("name", ["503", "timeout", "429 with Retry-After"])
def test_a_transient_failure_called_permanent_is_caught(name: str) -> None:
    with pytest.raises(AssertionError):
        KIT.test_http_failures_are_classified(case_for(EverythingPermanent), FAULT[name])


def test_an_error_other_than_delivery_failed_is_caught() -> None:
    with pytest.raises(Exception) as info:
        KIT.test_http_failures_are_classified(case_for(LeaksTheCause), FAULT["connect refused"])
    assert not isinstance(info.value, DeliveryFailed)


def test_a_secret_in_the_repr_is_caught(caplog: pytest.LogCaptureFixture) -> None:
    with pytest.raises(AssertionError, match="secret"):
        KIT.test_no_secret_and_no_bsn_in_reprs_messages_or_logs(case_for(SecretInRepr), caplog)


def test_a_probe_that_raises_is_caught() -> None:
    with pytest.raises(RuntimeError):
        KIT.test_check_fails_without_the_secret(case_for(ProbeRaises))


def test_settings_that_take_anything_or_a_secret_are_caught() -> None:
    case = case_for(Wrapped, AcceptsAnySettings)
    with pytest.raises(pytest.fail.Exception):
        KIT.test_settings_refuse_unknown_keys_and_are_frozen(case)
    with pytest.raises(AssertionError, match="secret"):
        KIT.test_settings_keep_no_secret_only_its_variable(case)
