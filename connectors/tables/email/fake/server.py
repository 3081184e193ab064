"""A small SMTP submission server for tests: ESMTP with STARTTLS and AUTH, on asyncio.

Not a :class:`plugins.FakeSpec` (those are HTTP apps): tests and local runs start it
themselves::

    async with FakeSmtpServer(tls=server_context, users={"opplus": "secret"}) as smtp:
        ...  # deliver to 127.0.0.1:smtp.port, then look at smtp.messages

What it does, as a submission server (RFC 6409) would: greets 220; EHLO lists
``STARTTLS`` (when it has a TLS context and the session is not encrypted yet) and
``AUTH PLAIN LOGIN`` (only once encrypted); STARTTLS upgrades the connection and
forgets the session; MAIL is refused 530 before STARTTLS (``require_tls``) and before
AUTH (when it has ``users``); a wrong login is 535; RCPT of an address in ``reject``
is 550; DATA reads up to the lone ``.`` and answers ``250 2.0.0 Ok: queued as <id>``.
Failure injection: ``fail_times`` (the first N MAIL commands answer 451).
``messages`` keeps what was accepted, ``commands`` every command line (AUTH lines
without their credentials).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import ssl
from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from types import TracebackType

__all__ = ["FakeSmtpServer", "ReceivedMessage"]

_MAX_LINE = 64 * 1024
_Reply = Callable[..., Awaitable[None]]
_Read = Callable[[], Awaitable["str | None"]]


@dataclass
class ReceivedMessage:
    """One accepted message, with how it came in."""

    mail_from: str
    rcpt_to: list[str]
    data: bytes
    tls: bool
    user: str | None

    def parsed(self) -> EmailMessage:
        message = message_from_bytes(self.data, policy=default_policy)
        assert isinstance(message, EmailMessage)
        return message


@dataclass
class _Session:
    tls: bool = False
    greeted: bool = False
    user: str | None = None
    mail_from: str | None = None
    rcpt_to: list[str] = field(default_factory=list)


def _address(argument: str, keyword: str) -> str | None:
    """The address of ``FROM:<a>`` / ``TO:<a>`` (parameters after it ignored)."""
    head, sep, rest = argument.partition(":")
    if head.strip().upper() != keyword or not sep:
        return None
    rest = rest.strip()
    if rest.startswith("<") and ">" in rest:
        return rest[1 : rest.index(">")]
    return rest.split(" ")[0] or None


class FakeSmtpServer:
    """See the module docstring."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        tls: ssl.SSLContext | None = None,
        users: Mapping[str, str] | None = None,
        require_tls: bool = True,
        reject: Collection[str] = (),
        fail_times: int = 0,
        hostname: str = "smtp.fake.opplus.test",
    ) -> None:
        self.host = host
        self.port = port
        self.tls = tls
        self.users = dict(users or {})
        self.require_tls = require_tls
        self.reject = set(reject)
        self.fail_times = fail_times
        self.hostname = hostname
        self.messages: list[ReceivedMessage] = []
        self.commands: list[str] = []
        self._server: asyncio.Server | None = None
        self._count = 0

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 1.0)
            self._server = None

    async def __aenter__(self) -> FakeSmtpServer:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await self._session(reader, writer)
        except (ConnectionError, ssl.SSLError, asyncio.IncompleteReadError, ValueError):
            pass  # the client went away, or the TLS handshake failed on its side
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _session(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        session = _Session()

        async def reply(*lines: str) -> None:
            for line in lines:
                writer.write(f"{line}\r\n".encode())
            await writer.drain()

        async def read() -> str | None:
            line = await reader.readline()
            if not line or len(line) > _MAX_LINE:
                return None
            return line.decode("utf-8", "replace").rstrip("\r\n")

        await reply(f"220 {self.hostname} ESMTP opplus fake")
        while (line := await read()) is not None:
            verb, _, argument = line.partition(" ")
            verb = verb.upper()
            self.commands.append(verb if verb == "AUTH" else line)
            if verb in ("EHLO", "HELO"):
                session.greeted = True
                session.mail_from, session.rcpt_to = None, []
                if verb == "HELO":
                    await reply(f"250 {self.hostname}")
                    continue
                features = ["8BITMIME", "SIZE 10485760"]
                if self.tls is not None and not session.tls:
                    features.append("STARTTLS")
                if self.users and (session.tls or not self.require_tls):
                    features.append("AUTH PLAIN LOGIN")
                lines = [f"250-{self.hostname}"] + [f"250-{f}" for f in features[:-1]]
                await reply(*lines, f"250 {features[-1]}")
            elif verb == "STARTTLS":
                if self.tls is None or session.tls:
                    await reply("502 5.5.1 STARTTLS not available")
                    continue
                await reply("220 2.0.0 Ready to start TLS")
                await writer.start_tls(self.tls)
                session = _Session(tls=True)
            elif verb == "AUTH":
                await self._auth(session, argument, reply, read)
            elif verb == "MAIL":
                await reply(self._mail(session, argument))
            elif verb == "RCPT":
                await reply(self._rcpt(session, argument))
            elif verb == "DATA":
                if session.mail_from is None or not session.rcpt_to:
                    await reply("503 5.5.1 Need MAIL and RCPT first")
                    continue
                await reply("354 End data with <CR><LF>.<CR><LF>")
                data = await self._data(reader)
                self._count += 1
                self.messages.append(
                    ReceivedMessage(
                        session.mail_from, session.rcpt_to, data, session.tls, session.user
                    )
                )
                session.mail_from, session.rcpt_to = None, []
                await reply(f"250 2.0.0 Ok: queued as FAKE{self._count:06d}")
            elif verb == "RSET":
                session.mail_from, session.rcpt_to = None, []
                await reply("250 2.0.0 Ok")
            elif verb == "NOOP":
                await reply("250 2.0.0 Ok")
            elif verb == "QUIT":
                await reply("221 2.0.0 Bye")
                return
            else:
                await reply("502 5.5.2 Command not recognised")

    async def _auth(self, session: _Session, argument: str, reply: _Reply, read: _Read) -> None:
        if not self.users or (self.require_tls and not session.tls):
            await reply("503 5.5.1 AUTH not available")
            return
        mechanism, _, initial = argument.partition(" ")
        try:
            if mechanism.upper() == "PLAIN":
                if not initial:
                    await reply("334 ")
                    initial = await read() or ""
                _, user, password = base64.b64decode(initial).decode().split("\0")
            elif mechanism.upper() == "LOGIN":
                await reply("334 VXNlcm5hbWU6")
                user = base64.b64decode(await read() or "").decode()
                await reply("334 UGFzc3dvcmQ6")
                password = base64.b64decode(await read() or "").decode()
            else:
                await reply("504 5.5.4 Unrecognised authentication type")
                return
        except (binascii.Error, UnicodeDecodeError, ValueError):
            await reply("501 5.5.2 Cannot decode the response")
            return
        if self.users.get(user) != password:
            await reply("535 5.7.8 Authentication credentials invalid")
            return
        session.user = user
        await reply("235 2.7.0 Authentication successful")

    def _mail(self, session: _Session, argument: str) -> str:
        if not session.greeted:
            return "503 5.5.1 Say EHLO first"
        if self.require_tls and not session.tls:
            return "530 5.7.0 Must issue a STARTTLS command first"
        if self.users and session.user is None:
            return "530 5.7.0 Authentication required"
        if self.fail_times > 0:
            self.fail_times -= 1
            return "451 4.3.0 Temporary failure, try again later"
        address = _address(argument, "FROM")
        if address is None:
            return "501 5.5.4 Syntax: MAIL FROM:<address>"
        session.mail_from, session.rcpt_to = address, []
        return "250 2.1.0 Ok"

    def _rcpt(self, session: _Session, argument: str) -> str:
        if session.mail_from is None:
            return "503 5.5.1 Need MAIL first"
        address = _address(argument, "TO")
        if address is None:
            return "501 5.5.4 Syntax: RCPT TO:<address>"
        if address in self.reject:
            return "550 5.1.1 Recipient address rejected: unknown user"
        session.rcpt_to.append(address)
        return "250 2.1.5 Ok"

    @staticmethod
    async def _data(reader: asyncio.StreamReader) -> bytes:
        lines: list[bytes] = []
        while True:
            line = await reader.readline()
            if not line:
                raise ConnectionError("connection closed during DATA")
            if line in (b".\r\n", b".\n"):
                return b"".join(lines)
            lines.append(line[1:] if line.startswith(b"..") else line)
