"""The table contract kit on the e-mail transport and the fake SMTP server."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

import connectors.tables.email.plugin as email_plugin
from connectors.tables.email.fake import FakeSmtpServer
from connectors.tables.email.fake.pki import Pki
from plugins.testing import TableCase, TableContract, TableReceiver, table_spec

PASSWORD = "smtp-contract-password"


def _closed_port() -> int:
    """A port nothing listens on (bound and released again)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class TestSmtpTransport(TableContract):
    @pytest.fixture
    def case(self, pki: Pki) -> TableCase:

        @asynccontextmanager
        async def receiver() -> AsyncIterator[TableReceiver]:
            users = {"opplus": PASSWORD}
            async with FakeSmtpServer(tls=pki.server_context(), users=users) as server:
                # a receiving mail system keeps one message per Message-ID
                yield TableReceiver(
                    held=lambda: len({m.parsed()["Message-ID"] for m in server.messages}),
                    settings={"port": server.port},
                )

        return TableCase(
            spec=table_spec(email_plugin),
            settings={
                "host": "127.0.0.1",
                "from_address": "signalen@hoorn.example",
                "to": ["pct@politie.example"],
                "username": "opplus",
                "ca_file": str(pki.ca_file),
                "timeout_s": 5,
            },
            env={"OPPLUS_SMTP_PASSWORD": PASSWORD},
            receiver=receiver,
            bad_credentials={"OPPLUS_SMTP_PASSWORD": "not-the-smtp-password"},
            unreachable={"port": _closed_port()},
        )
