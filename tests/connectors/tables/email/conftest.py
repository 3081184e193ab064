"""Fixtures for the e-mail transport: a private CA and a server certificate for
127.0.0.1/localhost made with ``cryptography``, the fake SMTP server, transports."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from connectors.tables.email.fake import FakeSmtpServer
from connectors.tables.email.transport import Settings, SmtpTransport
from plugins import ConnectorContext

PASSWORD = "smtp-test-password"
ENV = {"OPPLUS_SMTP_PASSWORD": PASSWORD}
TO = ["pct@politie.example", "intake@politie.example"]


@dataclass(frozen=True)
class Pki:
    ca_file: Path
    cert_file: Path
    key_file: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert_file, self.key_file)
        return context


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def make_pki(directory: Path, label: str, *, hosts: tuple[str, ...]) -> Pki:
    """A CA and a server certificate it signed for ``hosts`` (names and IP addresses)."""
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name(f"opplus test CA {label}"))
        .issuer_name(_name(f"opplus test CA {label}"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, key_cert_sign=True, crl_sign=True,
                content_commitment=False, key_encipherment=False, data_encipherment=False,
                key_agreement=False, encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )  # fmt: skip
    key = ec.generate_private_key(ec.SECP256R1())
    names: list[x509.GeneralName] = []
    for host in hosts:
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(hosts[0]))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.OID_SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    pki = Pki(directory / f"{label}-ca.pem", directory / f"{label}.pem", directory / f"{label}.key")
    pki.ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    pki.cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    pki.key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return pki


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
