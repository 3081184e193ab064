"""The ``email`` transport: one message per attempt, over SMTP with STARTTLS required.

The connection: EHLO; the server MUST offer STARTTLS, or nothing is sent (a permanent
failure — never a fallback to plaintext); STARTTLS with certificate verification
(hostname and CA: the system's trust store, or ``ca_file`` for a private CA); EHLO
again; AUTH with ``username`` and the password from ``password_env`` when a username
is configured; then MAIL, RCPT per recipient, DATA.

The message carries no personal data in its subject or body: the subject names the
table and the delivery (``Opgeplust signaal voor <table> — referentie <delivery id>``),
the body says a signal is attached, who sent it and whom to contact, and gives the
SHA-256 of the payload. The dossier is in two attachments: ``dossier-<id>.html``
(the rendering) and ``dossier-<id>.json`` (the payload, byte for byte). The
``Message-ID`` is derived from the delivery's idempotency key, so it is the same on
every attempt: when an attempt fails after the server took the message (a timeout
after DATA), the retry is recognisably the same message and a receiver de-duplicates
it by Message-ID. SMTP offers nothing stronger.

Failures: connect errors, timeouts, a dropped connection and SMTP 4xx replies are
transient; 5xx replies (a refused login among them), no STARTTLS, no AUTH, an
untrusted certificate or another TLS failure are permanent. smtplib blocks, so each
attempt runs in a worker thread.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import smtplib
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import format_datetime
from typing import Any

import structlog
from pydantic import Field, field_validator

from plugins import (
    ConnectorContext,
    Delivery,
    DeliveryFailed,
    Health,
    Probe,
    Receipt,
    TableSettings,
    tls_context,
)

__all__ = ["Settings", "SmtpTransport", "build_message", "message_id"]

log = structlog.get_logger(__name__)

_ADDRESS = re.compile(r"^[^@\s<>,;\"]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$|^[^@\s<>,;\"]+@localhost$")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class Settings(TableSettings):
    """``[tables.NAME.settings]`` of an ``email`` table."""

    host: str = Field(min_length=1, description="the SMTP submission server")
    port: int = Field(default=587, ge=1, le=65535)
    from_address: str = Field(description="the sender, e.g. signalen@gemeente.example")
    to: list[str] = Field(min_length=1, description="the table's addresses")
    username: str | None = Field(default=None, description="SMTP AUTH user; none: no AUTH")
    password_env: str = Field(
        default="OPPLUS_SMTP_PASSWORD", description="environment variable with the password"
    )
    ca_file: str | None = Field(
        default=None, description="PEM file of a private CA to trust for the server"
    )
    timeout_s: float = Field(default=30.0, gt=0, le=300, description="per network operation")
    contact: str | None = Field(
        default=None,
        max_length=300,
        description="whom the table contacts about a signal, e.g. a team mailbox or phone",
    )

    @field_validator("from_address")
    @classmethod
    def _from(cls, value: str) -> str:
        if not _ADDRESS.match(value):
            raise ValueError(f"not an e-mail address: {value!r}")
        return value

    @field_validator("to")
    @classmethod
    def _to(cls, value: list[str]) -> list[str]:
        bad = [a for a in value if not _ADDRESS.match(a)]
        if bad:
            raise ValueError(f"not e-mail addresses: {bad}")
        return value


def message_id(idempotency_key: str, from_address: str) -> str:
    """The Message-ID of every attempt of one delivery."""
    domain = from_address.rsplit("@", 1)[1]
    return f"<opplus.{hashlib.sha256(idempotency_key.encode()).hexdigest()[:40]}@{domain}>"


def _safe(name: str) -> str:
    return _UNSAFE.sub("_", name)[:80] or "dossier"


def _body(delivery: Delivery, settings: Settings, stem: str) -> str:
    contact = settings.contact or (
        f"{delivery.officer.name}, gemeente {delivery.officer.municipality}"
    )
    return (
        f"Bijgevoegd is een opgeplust (verrijkt) signaal voor {delivery.table_label}, "
        "doorgestuurd met opplus.\n"
        "\n"
        f"Referentie:        {delivery.id}\n"
        f"Dossier:           {delivery.dossier_id}\n"
        f"Doel:              {delivery.purpose.name} ({delivery.purpose.id})\n"
        f"Verzonden door:    {delivery.officer.name}, gemeente {delivery.officer.municipality}\n"
        f"Contact:           {contact}\n"
        "\n"
        "Bijlagen:\n"
        f"- {stem}.html: het signaal zoals de aandachtsfunctionaris het bevestigde\n"
        f"- {stem}.json: dezelfde gegevens, machineleesbaar\n"
        f"SHA-256 van {stem}.json: {delivery.payload_sha256}\n"
        "\n"
        "De bijlagen bevatten vertrouwelijke informatie, uitsluitend bestemd voor de "
        "geadresseerde tafel. Bent u niet de geadresseerde, verwijder dit bericht dan "
        "en laat het de afzender weten.\n"
        "Een bericht met dezelfde Message-ID is hetzelfde signaal, nogmaals verstuurd.\n"
    )


def _notice_message(delivery: Delivery, settings: Settings) -> EmailMessage:
    """A short message to a person (``delivery.notice``): plain text, no attachments."""
    message = EmailMessage(policy=SMTP_POLICY)
    message["From"] = settings.from_address
    message["To"] = ", ".join(settings.to)
    message["Subject"] = "Terugkoppeling op uw melding"
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = message_id(delivery.idempotency_key, settings.from_address)
    message["X-Opplus-Delivery"] = delivery.id
    message.set_content(delivery.notice or "", cte="quoted-printable")
    return message


def build_message(delivery: Delivery, settings: Settings) -> EmailMessage:
    """The message of a delivery; its subject and body hold no personal data."""
    if delivery.notice is not None:
        return _notice_message(delivery, settings)
    stem = f"dossier-{_safe(delivery.dossier_id)}"
    message = EmailMessage(policy=SMTP_POLICY)
    message["From"] = settings.from_address
    message["To"] = ", ".join(settings.to)
    message["Subject"] = f"Opgeplust signaal voor {delivery.table_label} — referentie {delivery.id}"
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = message_id(delivery.idempotency_key, settings.from_address)
    message["X-Opplus-Delivery"] = delivery.id
    message["X-Opplus-Payload-SHA256"] = delivery.payload_sha256
    message.set_content(_body(delivery, settings, stem), cte="quoted-printable")
    # both as bytes, so the attachments are exactly what was confirmed (a text part
    # would have its line endings rewritten)
    message.add_attachment(
        delivery.rendering_html.encode("utf-8"),
        maintype="text",
        subtype="html",
        filename=f"{stem}.html",
        params={"charset": "utf-8"},
    )
    message.add_attachment(
        delivery.payload_json, maintype="application", subtype="json", filename=f"{stem}.json"
    )
    return message


@dataclass(frozen=True)
class _Sent:
    reply: str
    refused: dict[str, str]


def _text(reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    return " ".join(text.split())[:300]


def _classify(exc: BaseException, where: str) -> DeliveryFailed:
    """The DeliveryFailed for what smtplib, ssl or the socket raised."""
    if isinstance(exc, DeliveryFailed):
        return exc
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = {code for code, _ in exc.recipients.values()}
        refused = "; ".join(f"{a}: {c} {_text(m)}" for a, (c, m) in exc.recipients.items())
        transient = any(400 <= c < 500 for c in codes)
        return DeliveryFailed(f"email: all recipients refused ({refused})", transient=transient)
    if isinstance(exc, smtplib.SMTPResponseException):
        what = "login refused" if isinstance(exc, smtplib.SMTPAuthenticationError) else "refused"
        return DeliveryFailed(
            f"email: {where} {what}: {exc.smtp_code} {_text(exc.smtp_error)}",
            transient=400 <= exc.smtp_code < 500,
        )
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return DeliveryFailed(f"email: {where}: {exc}", transient=False)
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return DeliveryFailed(f"email: {where} closed the connection", transient=True)
    if isinstance(exc, ssl.SSLCertVerificationError):
        return DeliveryFailed(
            f"email: the certificate of {where} is not trusted ({exc.verify_message})",
            transient=False,
        )
    if isinstance(exc, ssl.SSLError):
        return DeliveryFailed(f"email: TLS with {where} failed ({exc.reason})", transient=False)
    if isinstance(exc, TimeoutError):
        return DeliveryFailed(f"email: no answer in time from {where}", transient=True)
    if isinstance(exc, OSError):
        return DeliveryFailed(f"email: cannot reach {where}: {type(exc).__name__}", transient=True)
    if isinstance(exc, smtplib.SMTPException):
        return DeliveryFailed(f"email: {where}: {type(exc).__name__}", transient=False)
    log.error("table.email.unexpected", error=type(exc).__name__)
    return DeliveryFailed(f"email: unexpected {type(exc).__name__}", transient=False)


class SmtpTransport:
    """Delivers by secure e-mail; see the module docstring."""

    kind = "email"

    def __init__(self, settings: Settings, context: ConnectorContext) -> None:
        self.settings = settings
        self._password = context.secret(settings.password_env)
        self._where = f"{settings.host}:{settings.port}"

    async def deliver(self, delivery: Delivery) -> Receipt:
        try:
            if hashlib.sha256(delivery.payload_json).hexdigest() != delivery.payload_sha256.lower():
                raise DeliveryFailed(
                    "email: payload_json does not match payload_sha256", transient=False
                )
            self._require_password()
            message = build_message(delivery, self.settings)
            sent = await asyncio.to_thread(self._send, message)
        except DeliveryFailed:
            raise
        except Exception as exc:  # the hub must only ever see DeliveryFailed
            raise _classify(exc, self._where) from exc
        accepted = len(self.settings.to) - len(sent.refused)
        detail = f"accepted by {self._where} for {accepted} of {len(self.settings.to)} recipients"
        if sent.refused:
            detail += "; refused: " + "; ".join(f"{a} ({r})" for a, r in sent.refused.items())
        return Receipt(
            reference=str(message["Message-ID"]),
            detail=f"{detail}: {sent.reply}",
            response_sha256=hashlib.sha256(sent.reply.encode()).hexdigest(),
            acknowledged=False,
            extra={"smtp_reply": sent.reply, "refused": sent.refused},
        )

    async def check(self) -> Health:
        """Connect, require STARTTLS, verify the certificate, log in, NOOP."""
        probe = Probe()
        try:
            self._require_password()
            await asyncio.to_thread(self._probe)
        except Exception as exc:  # a probe reports, it never raises
            return probe.failed(_classify(exc, self._where).message)
        login = "logged in" if self.settings.username else "no login configured"
        return probe.ok(f"STARTTLS verified, {login}")

    async def aclose(self) -> None:
        """Nothing to release: each attempt opens and closes its own connection."""

    # -- blocking parts, run in a worker thread ---------------------------------------

    def _require_password(self) -> None:
        if self.settings.username and not self._password:
            raise DeliveryFailed(
                f"email: no password in {self.settings.password_env}", transient=False
            )

    def _open(self) -> smtplib.SMTP:
        """A connection that is encrypted, verified and, if configured, logged in."""
        smtp = smtplib.SMTP(self.settings.host, self.settings.port, timeout=self.settings.timeout_s)
        try:
            smtp.ehlo()
            if not smtp.has_extn("starttls"):
                raise DeliveryFailed(
                    f"email: {self._where} does not offer STARTTLS; refusing to send without "
                    "encryption",
                    transient=False,
                )
            smtp.starttls(context=tls_context(self.settings.ca_file))
            smtp.ehlo()
            if self.settings.username:
                assert self._password is not None
                smtp.login(self.settings.username, self._password)
        except BaseException:
            _close(smtp)
            raise
        return smtp

    def _send(self, message: EmailMessage) -> _Sent:
        data = message.as_bytes()
        smtp = self._open()
        try:
            code, reply = smtp.mail(self.settings.from_address)
            if code != 250:
                raise smtplib.SMTPSenderRefused(code, reply, self.settings.from_address)
            refused: dict[str, Any] = {}
            for address in self.settings.to:
                code, reply = smtp.rcpt(address)
                if code not in (250, 251):
                    refused[address] = (code, reply)
            if len(refused) == len(self.settings.to):
                raise smtplib.SMTPRecipientsRefused(refused)
            code, reply = smtp.data(data)
            if code != 250:
                raise smtplib.SMTPDataError(code, reply)
        finally:
            _close(smtp)
        return _Sent(
            reply=f"{code} {_text(reply)}",
            refused={a: f"{c} {_text(m)}" for a, (c, m) in refused.items()},
        )

    def _probe(self) -> None:
        smtp = self._open()
        try:
            code, reply = smtp.noop()
            if code != 250:
                raise smtplib.SMTPResponseException(code, reply)
        finally:
            _close(smtp)


def _close(smtp: smtplib.SMTP) -> None:
    """QUIT, politely; once DATA was accepted, nothing here may fail the delivery."""
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        pass
    finally:
        smtp.close()
