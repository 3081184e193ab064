"""The table contract: how a dossier reaches a table (steps 4-6 of the reporting route).

A table plugin registers a *transport* (a ZGW case system, secure e-mail, a signed
webhook...). The configuration names the tables (``[tables.NAME]``), each with its
transport, its allow-list and the transport's own settings. The hub builds the
minimised payload, records the delivery in its outbox before the first attempt, and
calls :meth:`TableTransport.deliver` with retries; the transport sends exactly the
payload it is given, with the delivery's idempotency key, so a receiver never gets two
copies.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict

from ._connector import ConnectorContext, Health
from ._query import Officer, Purpose, TraceContext

__all__ = [
    "Delivery",
    "DeliveryFailed",
    "Receipt",
    "TableSettings",
    "TableSpec",
    "TableTransport",
]


class TableSettings(BaseModel):
    """A transport's own keys, the ``[tables.NAME.settings]`` table. Subclass it.

    Secrets never live here: a key ending in ``_env`` names an environment variable.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True, slots=True)
class Delivery:
    """One dossier going to one table, exactly as it will be sent.

    ``payload`` is the dossier filtered through the table's allow-list (a JSON object);
    ``rendering_html`` is the same payload rendered for people (Dutch); both are what
    the officer saw in the preview and confirmed. ``idempotency_key`` is the same on
    every attempt of this delivery.
    """

    id: str
    idempotency_key: str
    table: str
    table_label: str
    dossier_id: str
    signal_id: str
    payload: Mapping[str, Any]
    payload_json: bytes
    payload_sha256: str
    rendering_html: str
    officer: Officer
    purpose: Purpose
    trace: TraceContext
    attempt: int = 1
    #: a short message to a person instead of a dossier (e.g. the reporter's notice that
    #: their signal was handled — never case details); transports that cannot send
    #: messages to persons refuse it with a permanent DeliveryFailed
    notice: str | None = None


@dataclass(frozen=True, slots=True)
class Receipt:
    """What the receiver answered: its reference and, if any, its acknowledgement."""

    reference: str | None
    detail: str
    response_sha256: str | None = None
    acknowledged: bool = False
    extra: Mapping[str, Any] = field(default_factory=dict)


class DeliveryFailed(Exception):
    """A delivery attempt failed; ``transient`` ones are tried again later."""

    def __init__(self, message: str, *, transient: bool, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.transient = transient
        self.retry_after = retry_after

    def __str__(self) -> str:
        return self.message


@runtime_checkable
class TableTransport(Protocol):
    """Sends a delivery to one table."""

    kind: str

    async def deliver(self, delivery: Delivery) -> Receipt:
        """Send ``delivery.payload`` (and its rendering) once; raise DeliveryFailed."""
        ...

    async def check(self) -> Health:
        """A real probe of the receiver with the configured credentials."""
        ...

    async def aclose(self) -> None:
        """Release connections."""
        ...


@dataclass(frozen=True, slots=True)
class TableSpec:
    """How a plugin registers a transport kind (``zgw``, ``email``, ``webhook``...)."""

    kind: str
    description: str
    factory: Callable[[Any, ConnectorContext], TableTransport]
    settings_model: type[TableSettings] = TableSettings

    @property
    def name(self) -> str:
        return self.kind
