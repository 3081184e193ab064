"""The table contract kit on the webhook transport and its fake receiver."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest

import connectors.tables.webhook.plugin as webhook_plugin
from connectors.tables.webhook.fake import FAKE_SECRET, create_app
from plugins.testing import TableCase, TableContract, TableReceiver, table_spec


@asynccontextmanager
async def receiver() -> AsyncIterator[TableReceiver]:
    app = create_app()
    yield TableReceiver(
        held=lambda: len(app.state.deliveries), transport=httpx.ASGITransport(app=app)
    )


class TestWebhookTransport(TableContract):
    @pytest.fixture
    def case(self) -> TableCase:
        return TableCase(
            spec=table_spec(webhook_plugin),
            settings={"url": "http://fake/signalen"},
            env={"OPPLUS_WEBHOOK_SECRET": FAKE_SECRET},
            receiver=receiver,
            bad_credentials={"OPPLUS_WEBHOOK_SECRET": "not-the-webhook-secret"},
        )
