"""The local mail server of the fakes: STARTTLS on a private CA kept in the data
directory, accepting mail for any address and writing each message to an inbox folder,
so a demo can forward to an e-mail table and read what arrived.

Layout under ``<data_dir>/fake-smtp/``: ``ca.pem`` (trust this: the tables' ``ca_file``),
``server.pem``/``server.key``, and ``inbox/NNNNNN.eml``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from .pki import Pki, make_pki
from .server import FakeSmtpServer, ReceivedMessage

__all__ = ["DEMO_PORT", "demo_pki", "serve_demo_mail"]

DEMO_PORT = 8925


def demo_pki(data_dir: Path) -> Pki:
    """The demo CA and server certificate, made on first use."""
    directory = data_dir / "fake-smtp"
    pki = Pki(directory / "ca.pem", directory / "server.pem", directory / "server.key")
    if not (pki.ca_file.exists() and pki.cert_file.exists() and pki.key_file.exists()):
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        made = make_pki(directory, "server", hosts=("127.0.0.1", "localhost"), validity_days=3650)
        made.ca_file.replace(pki.ca_file)
    return pki


class _Inbox(list[ReceivedMessage]):
    """The accepted messages, each also written to ``directory`` as an .eml file."""

    def __init__(self, directory: Path) -> None:
        super().__init__()
        self.directory = directory

    def append(self, message: ReceivedMessage) -> None:
        super().append(message)
        number = len(list(self.directory.glob("*.eml"))) + 1
        (self.directory / f"{number:06d}.eml").write_bytes(message.data)


@asynccontextmanager
async def serve_demo_mail(data_dir: Path, port: int = DEMO_PORT) -> AsyncIterator[int]:
    """Serve on 127.0.0.1:``port`` (0: a free one) while entered, yielding the port it
    listens on; messages land in the inbox folder. A taken port raises OSError."""
    pki = demo_pki(data_dir)
    inbox = data_dir / "fake-smtp" / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    server = FakeSmtpServer(host="127.0.0.1", port=port, tls=pki.server_context())
    server.messages = _Inbox(inbox)
    async with server:
        yield server.port
