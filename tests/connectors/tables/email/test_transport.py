"""The e-mail transport against a real SMTP server on 127.0.0.1 (the fake, with STARTTLS
on a certificate of a private CA made in the test)."""

from __future__ import annotations

import socket
from collections.abc import Callable
from email.message import EmailMessage
from typing import Any

import pytest

from connectors.tables.email.fake import FakeSmtpServer
from connectors.tables.email.transport import Settings, SmtpTransport, build_message, message_id
from plugins import Delivery, DeliveryFailed, TableTransport

PASSWORD = "smtp-test-password"
TO = ["pct@politie.example", "intake@politie.example"]
PERSONAL = ("999970057", "Katarzyna", "Wiśniewska", "Wisniewska")


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def attachments(message: EmailMessage) -> dict[str, tuple[str, bytes]]:
    found = {}
    for part in message.iter_attachments():
        assert isinstance(part, EmailMessage)
        payload = part.get_payload(decode=True)
        assert isinstance(payload, bytes)
        found[str(part.get_filename())] = (part.get_content_type(), payload)
    return found


async def test_delivers_one_message_with_both_attachments(
    smtp_server: FakeSmtpServer,
    make_transport: Callable[..., SmtpTransport],
    make_delivery: Callable[..., Delivery],
) -> None:
    transport = make_transport(smtp_server.port)
    assert isinstance(transport, TableTransport)
    delivery = make_delivery()
    receipt = await transport.deliver(delivery)

    [received] = smtp_server.messages
    assert (received.tls, received.user) == (True, "opplus")
    assert received.mail_from == "signalen@hoorn.example"
    assert received.rcpt_to == TO
    message = received.parsed()
    assert message["Subject"] == "Opgeplust signaal voor Politie (PCT) — referentie dl-0001"
    assert message["Message-ID"] == message_id(delivery.idempotency_key, "signalen@hoorn.example")
    assert message["X-Opplus-Delivery"] == "dl-0001"
    body = message.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    for value in PERSONAL:
        assert value not in message["Subject"] and value not in text
    assert delivery.payload_sha256 in text
    assert "Anna de Groot, gemeente 0388" in text  # the sender, whom to contact

    files = attachments(message)
    assert files == {
        "dossier-d-2026-0042.html": ("text/html", delivery.rendering_html.encode()),
        "dossier-d-2026-0042.json": ("application/json", delivery.payload_json),
    }
    assert b"999970057" in files["dossier-d-2026-0042.json"][1]  # the data is in there

    assert receipt.reference == message["Message-ID"]
    assert "queued as FAKE000001" in receipt.detail
    assert receipt.acknowledged is False  # accepted by a server is not read by the table
    assert receipt.extra["refused"] == {}
    assert receipt.response_sha256 is not None and len(receipt.response_sha256) == 64


async def test_message_id_is_stable_per_delivery(
    smtp_server: FakeSmtpServer,
    make_transport: Callable[..., SmtpTransport],
    make_delivery: Callable[..., Delivery],
) -> None:
    transport = make_transport(smtp_server.port)
    first = await transport.deliver(make_delivery())
    again = await transport.deliver(make_delivery(attempt=2))
    other = await transport.deliver(make_delivery(id="dl-0002", idempotency_key="k-2"))
    ids = [m.parsed()["Message-ID"] for m in smtp_server.messages]
    assert ids[0] == ids[1] == first.reference == again.reference
    assert ids[2] == other.reference != ids[0]
    assert ids[0].startswith("<opplus.") and ids[0].endswith("@hoorn.example>")


async def test_no_starttls_means_nothing_is_sent(
    make_transport: Callable[..., SmtpTransport], make_delivery: Callable[..., Delivery]
) -> None:
    async with FakeSmtpServer(users={"opplus": PASSWORD}, require_tls=False) as plain:
        with pytest.raises(DeliveryFailed) as failed:
            await make_transport(plain.port).deliver(make_delivery())
    assert failed.value.transient is False
    assert "does not offer STARTTLS" in str(failed.value)
    assert plain.messages == []
    assert [c.split(" ")[0].upper() for c in plain.commands] == ["EHLO", "QUIT"]  # no AUTH, no MAIL


async def test_wrong_password_is_permanent(
    smtp_server: FakeSmtpServer,
    make_transport: Callable[..., SmtpTransport],
    make_delivery: Callable[..., Delivery],
) -> None:
    transport = make_transport(smtp_server.port, env={"OPPLUS_SMTP_PASSWORD": "wrong"})
    with pytest.raises(DeliveryFailed) as failed:
        await transport.deliver(make_delivery())
    assert failed.value.transient is False
    assert "login refused: 535" in str(failed.value)
    assert "wrong" not in str(failed.value)
    assert smtp_server.messages == []


async def test_missing_password_is_permanent_and_connects_nowhere(
    smtp_server: FakeSmtpServer,
    make_transport: Callable[..., SmtpTransport],
    make_delivery: Callable[..., Delivery],
) -> None:
    with pytest.raises(DeliveryFailed) as failed:
        await make_transport(smtp_server.port, env={}).deliver(make_delivery())
    assert failed.value.transient is False
    assert "OPPLUS_SMTP_PASSWORD" in str(failed.value)
    assert smtp_server.commands == []


async def test_server_down_is_transient(
    make_transport: Callable[..., SmtpTransport], make_delivery: Callable[..., Delivery]
) -> None:
    with pytest.raises(DeliveryFailed) as failed:
        await make_transport(closed_port()).deliver(make_delivery())
    assert failed.value.transient is True
    assert "cannot reach 127.0.0.1:" in str(failed.value)


@pytest.mark.parametrize("ca", ["none", "other"])
async def test_an_untrusted_certificate_is_permanent(
    ca: str,
    other_pki: Any,
    make_transport: Callable[..., SmtpTransport],
    make_delivery: Callable[..., Delivery],
) -> None:
    """The server's certificate is for another host name, from a CA we do not trust —
    or from our CA but for another name: either way nothing is sent."""
    async with FakeSmtpServer(tls=other_pki.server_context(), users={"opplus": PASSWORD}) as s:
        ca_file = None if ca == "none" else str(other_pki.ca_file)
        with pytest.raises(DeliveryFailed) as failed:
            await make_transport(s.port, ca_file=ca_file).deliver(make_delivery())
    assert failed.value.transient is False
    assert "is not trusted" in str(failed.value)
    assert s.messages == []
    assert "AUTH" not in s.commands


async def test_temporary_refusal_is_transient(
    pki: Any, make_transport: Callable[..., SmtpTransport], make_delivery: Callable[..., Delivery]
) -> None:
    users = {"opplus": PASSWORD}
    async with FakeSmtpServer(tls=pki.server_context(), users=users, fail_times=1) as s:
        transport = make_transport(s.port)
        with pytest.raises(DeliveryFailed) as failed:
            await transport.deliver(make_delivery())
        assert failed.value.transient is True and "451" in str(failed.value)
        await transport.deliver(make_delivery(attempt=2))
    assert len(s.messages) == 1


async def test_refused_recipients(
    pki: Any, make_transport: Callable[..., SmtpTransport], make_delivery: Callable[..., Delivery]
) -> None:
    users = {"opplus": PASSWORD}
    async with FakeSmtpServer(tls=pki.server_context(), users=users, reject={TO[1]}) as s:
        receipt = await make_transport(s.port).deliver(make_delivery())
        assert s.messages[0].rcpt_to == [TO[0]]
        refused = "550 5.1.1 Recipient address rejected: unknown user"
        assert receipt.extra["refused"] == {TO[1]: refused}
        assert "for 1 of 2 recipients" in receipt.detail
        with pytest.raises(DeliveryFailed) as failed:
            await make_transport(s.port, to=[TO[1]]).deliver(make_delivery())
    assert failed.value.transient is False and "all recipients refused" in str(failed.value)
    assert len(s.messages) == 1


async def test_without_login(
    pki: Any, make_transport: Callable[..., SmtpTransport], make_delivery: Callable[..., Delivery]
) -> None:
    async with FakeSmtpServer(tls=pki.server_context()) as s:
        await make_transport(s.port, username=None, env={}).deliver(make_delivery())
    assert (s.messages[0].tls, s.messages[0].user) == (True, None)


async def test_login_required_but_not_offered_is_permanent(
    pki: Any, make_transport: Callable[..., SmtpTransport], make_delivery: Callable[..., Delivery]
) -> None:
    async with FakeSmtpServer(tls=pki.server_context()) as s:
        with pytest.raises(DeliveryFailed) as failed:
            await make_transport(s.port).deliver(make_delivery())
    assert failed.value.transient is False and "AUTH" in str(failed.value)
    assert s.messages == []


async def test_check(
    smtp_server: FakeSmtpServer, pki: Any, make_transport: Callable[..., SmtpTransport]
) -> None:
    health = await make_transport(smtp_server.port).check()
    assert health.ok, health.detail
    assert health.detail == "STARTTLS verified, logged in"
    bad = await make_transport(smtp_server.port, env={"OPPLUS_SMTP_PASSWORD": "x"}).check()
    assert not bad.ok and "535" in bad.detail
    assert not (await make_transport(closed_port()).check()).ok
    async with FakeSmtpServer(require_tls=False) as plain:
        no_tls = await make_transport(plain.port).check()
    assert not no_tls.ok and "STARTTLS" in no_tls.detail
    assert smtp_server.messages == []


def test_build_message_keeps_personal_data_in_the_attachments(
    make_delivery: Callable[..., Delivery],
) -> None:
    settings = Settings(host="h", from_address="a@b.example", to=["c@d.example"], contact="ZVH")
    delivery = make_delivery(dossier_id="d/../1 2")
    message = build_message(delivery, settings)
    headers = "\n".join(f"{k}: {v}" for k, v in message.items())
    body = message.get_body(("plain",))
    assert body is not None
    for value in PERSONAL:
        assert value not in headers and value not in body.get_content()
    assert "Contact:           ZVH" in body.get_content()
    assert set(attachments(message)) == {"dossier-d_.._1_2.html", "dossier-d_.._1_2.json"}
    assert message.as_bytes().isascii()  # 7-bit clean: no 8BITMIME needed


def test_settings_validation() -> None:
    good = Settings(host="smtp.example", from_address="a@b.example", to=["c@d.example"])
    assert (good.port, good.password_env, good.username) == (587, "OPPLUS_SMTP_PASSWORD", None)
    bad: dict[str, Any]
    for bad in (
        {"to": []},
        {"to": ["not-an-address"]},
        {"to": ["a@b.example\r\nBcc: x@y.example"]},
        {"from_address": "nobody"},
        {"port": 0},
        {"starttls": False},
    ):
        values: dict[str, Any] = {"host": "h", "from_address": "a@b.example", "to": ["c@d.ex"]}
        with pytest.raises(ValueError):
            Settings(**{**values, **bad})
