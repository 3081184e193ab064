"""Fixtures for the e-mail transport: a private CA and a server certificate for
127.0.0.1/localhost made with ``cryptography``, the fake SMTP server, transports."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from connectors.tables.email.fake import FakeSmtpServer
from connectors.tables.email.fake.pki import Pki, make_pki
from connectors.tables.email.transport import Settings, SmtpTransport
from plugins import ConnectorContext

PASSWORD = "smtp-test-password"
ENV = {"OPPLUS_SMTP_PASSWORD": PASSWORD}
TO = ["pct@politie.example", "intake@politie.example"]


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    """A CA and a certificate for 127.0.0.1 and localhost."""
    return make_pki(tmp_path_factory.mktemp("pki"), "good", hosts=("localhost", "127.0.0.1"))


@pytest.fixture(scope="session")
def other_pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    """Another CA, and a certificate for a host name that is not the server's."""
    return make_pki(tmp_path_factory.mktemp("pki"), "other", hosts=("smtp.elsewhere.example",))


@pytest.fixture
async def smtp_server(pki: Pki) -> AsyncIterator[FakeSmtpServer]:
    """A submission server with STARTTLS (certificate of ``pki``) and one user."""
    async with FakeSmtpServer(tls=pki.server_context(), users={"opplus": PASSWORD}) as server:
        yield server


@pytest.fixture
def make_transport(pki: Pki) -> Callable[..., SmtpTransport]:
    """``make_transport(port, env=None, **settings)``: to 127.0.0.1, trusting ``pki``'s CA."""

    def build(port: int, env: dict[str, str] | None = None, **overrides: Any) -> SmtpTransport:
        settings: dict[str, Any] = {
            "host": "127.0.0.1",
            "port": port,
            "from_address": "signalen@hoorn.example",
            "to": TO,
            "username": "opplus",
            "ca_file": str(pki.ca_file),
            "timeout_s": 5,
        }
        settings.update(overrides)
        context = ConnectorContext(env=ENV if env is None else env)
        return SmtpTransport(Settings(**settings), context)

    return build
