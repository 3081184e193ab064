"""The e-mail transport against aiosmtpd, an independent SMTP server implementation,
with STARTTLS required and AUTH: a dossier with its attachments, and a notice."""

from __future__ import annotations

import socket
from collections.abc import Callable
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from connectors.tables.email.transport import SmtpTransport
from plugins import Delivery, DeliveryFailed

PASSWORD = "smtp-test-password"


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
    ok = (
        isinstance(data, LoginPassword)
        and data.login == b"opplus"
        and (data.password == PASSWORD.encode())
    )
    return AuthResult(success=ok)


@pytest.fixture
def aiosmtpd_server(pki: Any):
    inbox = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        tls_context=pki.server_context(),
        require_starttls=True,
        auth_require_tls=True,
        authenticator=authenticator,
    )
    controller.start()
    yield controller, inbox
    controller.stop()


async def test_dossier_over_starttls_to_aiosmtpd(
    aiosmtpd_server: Any,
    make_transport: Callable[..., SmtpTransport],
    make_delivery: Callable[..., Delivery],
) -> None:
    controller, inbox = aiosmtpd_server
    transport = make_transport(controller.port)
    receipt = await transport.deliver(make_delivery())
    [(sender, rcpts, raw)] = inbox.messages
    message = message_from_bytes(raw, policy=default_policy)
    assert isinstance(message, EmailMessage)
    assert sender == "signalen@hoorn.example" and len(rcpts) == 2
    assert sorted(p.get_filename() for p in message.iter_attachments()) == [
        "dossier-d-2026-0042.html",
        "dossier-d-2026-0042.json",
    ]
    assert receipt.reference == message["Message-ID"]


async def test_notice_is_plain_text_without_attachments(
    aiosmtpd_server: Any,
    make_transport: Callable[..., SmtpTransport],
    make_delivery: Callable[..., Delivery],
) -> None:
    controller, inbox = aiosmtpd_server
    transport = make_transport(controller.port, to=["m.deboer@hoorn.example"])
    text = "Uw melding is opgepakt en besproken. Dank u wel."
    await transport.deliver(make_delivery(notice=text))
    [(_, rcpts, raw)] = inbox.messages
    message = message_from_bytes(raw, policy=default_policy)
    assert rcpts == ["m.deboer@hoorn.example"]
    assert message["Subject"] == "Terugkoppeling op uw melding"
    assert list(message.iter_attachments()) == []
    assert text in message.get_body(("plain",)).get_content()


async def test_wrong_password_sends_nothing(
    aiosmtpd_server: Any,
    make_transport: Callable[..., SmtpTransport],
    make_delivery: Callable[..., Delivery],
) -> None:
    controller, inbox = aiosmtpd_server
    transport = make_transport(controller.port, env={"OPPLUS_SMTP_PASSWORD": "wrong"})
    with pytest.raises(DeliveryFailed) as info:
        await transport.deliver(make_delivery())
    # aiosmtpd drops the connection after the failed AUTH, so this one reads as transient
    # (the fake server answers 535 and the transport calls that permanent)
    assert "email:" in str(info.value) and inbox.messages == []
