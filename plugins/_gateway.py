"""What a municipality's API gateway wants besides the query: purpose headers and TLS.

A Haal Centraal gateway (RvIG's, or the municipality's own in front of it) admits a
call only with the processing activity it was registered for, the officer, and the
municipality's OIN in headers. The names of those headers and the registered codes
differ per gateway and per purpose, so they are configuration
(:class:`PurposeHeaders`), and one function, :func:`purpose_headers`, turns a
:class:`~plugins.Query` into them for every connector.

:func:`tls_context` builds the one :class:`ssl.SSLContext` for a private CA bundle
and a PKIoverheid client certificate, for connectors and table transports alike.
"""

from __future__ import annotations

import functools
import re
import ssl
from collections.abc import Iterable, Mapping
from urllib.parse import quote

import certifi
from pydantic import BaseModel, ConfigDict, Field

from ._errors import QueryRejected
from ._query import Query

__all__ = [
    "PurposeCode",
    "PurposeHeaders",
    "header_value",
    "missing_headers",
    "tls_context",
]

_HEADER_NAME = r"^[A-Za-z0-9][A-Za-z0-9-]{0,63}$"
_UNSAFE = re.compile(r"[\x00-\x1f\x7f]")


def header_value(value: str) -> str:
    """A header-safe value: control characters dropped, non-ASCII percent-encoded."""
    value = _UNSAFE.sub("", value)
    return value if value.isascii() else quote(value, safe=" !#$&'()*+,/:;=?@[]~")


class PurposeCode(BaseModel):
    """What one internal purpose is called at the gateway."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    doelbinding: str = Field(
        min_length=1, max_length=200, description="the doelbinding code registered with the gateway"
    )
    verwerking: str | None = Field(
        default=None, max_length=200, description="the registered verwerking(sactiviteit) code"
    )


class PurposeHeaders(BaseModel):
    """``[connectors.NAME.purpose_headers]``: the gateway's purpose headers.

    ``purposes`` maps the hub's own purpose id (``[[purposes]] id``) to the codes
    registered with the gateway; a query for a purpose without a code is refused
    before anything is sent, so the gateway never sees an internal id.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    doelbinding_header: str = Field(default="x-doelbinding", pattern=_HEADER_NAME)
    verwerking_header: str = Field(default="x-verwerking", pattern=_HEADER_NAME)
    gebruiker_header: str = Field(default="x-gebruiker", pattern=_HEADER_NAME)
    origin_oin_header: str = Field(default="x-origin-oin", pattern=_HEADER_NAME)
    origin_oin: str | None = Field(
        default=None, pattern=r"^[0-9]{20}$", description="the municipality's OIN"
    )
    probe_user: str = Field(
        default="opplus", min_length=1, description="x-gebruiker of the health probe"
    )
    purposes: dict[str, PurposeCode] = Field(
        default_factory=dict, description="internal purpose id -> registered codes"
    )

    @property
    def names(self) -> tuple[str, ...]:
        """The header names sent (the origin OIN only when one is configured)."""
        names = [self.doelbinding_header, self.verwerking_header, self.gebruiker_header]
        if self.origin_oin:
            names.append(self.origin_oin_header)
        return tuple(names)

    def for_query(self, query: Query) -> dict[str, str]:
        """The headers for ``query``; :class:`QueryRejected` when its purpose has no code."""
        code = self.purposes.get(query.purpose.id)
        if code is None:
            raise QueryRejected(
                f"no doelbinding registered for purpose {query.purpose.id} "
                "(purpose_headers.purposes)"
            )
        return self._headers(code, query.officer.id)

    def for_probe(self) -> dict[str, str]:
        """The headers of a health probe: the first configured purpose, as ``probe_user``."""
        code = next(iter(self.purposes.values()), None)
        return {} if code is None else self._headers(code, self.probe_user)

    def _headers(self, code: PurposeCode, user: str) -> dict[str, str]:
        headers = {self.doelbinding_header: code.doelbinding, self.gebruiker_header: user}
        if code.verwerking:
            headers[self.verwerking_header] = code.verwerking
        if self.origin_oin:
            headers[self.origin_oin_header] = self.origin_oin
        return {name: header_value(value) for name, value in headers.items()}


def missing_headers(present: Mapping[str, str], required: Iterable[str]) -> list[str]:
    """Which of ``required`` a request lacks (or sends empty); for fakes that insist.

    ``present`` is a case-insensitive mapping such as Starlette's ``request.headers``.
    """
    return [name for name in required if not (present.get(name) or "").strip()]


def tls_context(
    ca_file: str | None = None,
    client_cert_file: str | None = None,
    client_key_file: str | None = None,
) -> ssl.SSLContext:
    """The context that verifies the peer against ``ca_file`` (else certifi's bundle,
    as httpx does) and presents the client certificate, if one is given.

    Without either, one context serves the whole process (as httpx's own default does):
    do not change it. Raises :class:`OSError` or :class:`ssl.SSLError` for a file that
    is missing or no PEM.
    """
    if not ca_file and not client_cert_file:
        return _certifi_context()
    context = ssl.create_default_context(cafile=ca_file or certifi.where())
    if client_cert_file:
        context.load_cert_chain(client_cert_file, client_key_file)
    return context


@functools.cache
def _certifi_context() -> ssl.SSLContext:
    # loading certifi's bundle takes tens of milliseconds, and each connector's settings
    # and client ask for a context: a dozen loads at every start of the command line
    return ssl.create_default_context(cafile=certifi.where())
