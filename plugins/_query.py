"""What the hub asks a connector: one subject, for one purpose, by one officer."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field

from ._subjects import Subject

__all__ = ["Officer", "Purpose", "Query", "TraceContext"]

_HEX32 = re.compile(r"^[0-9a-f]{32}$")
_HEX16 = re.compile(r"^[0-9a-f]{16}$")


@dataclass(frozen=True, slots=True)
class TraceContext:
    """W3C trace context of one connector call (one span)."""

    trace_id: str
    span_id: str
    parent_span_id: str | None = None

    def __post_init__(self) -> None:
        if not _HEX32.match(self.trace_id) or not _HEX16.match(self.span_id):
            raise ValueError("trace_id is 32 and span_id 16 lowercase hex digits")

    @classmethod
    def new_trace(cls) -> TraceContext:
        return cls(trace_id=secrets.token_hex(16), span_id=secrets.token_hex(8))

    def child(self) -> TraceContext:
        """A new span in the same trace, with this span as its parent."""
        return TraceContext(self.trace_id, secrets.token_hex(8), self.span_id)

    @property
    def traceparent(self) -> str:
        """The value of the W3C ``traceparent`` header for an outgoing call."""
        return f"00-{self.trace_id}-{self.span_id}-01"


@dataclass(frozen=True, slots=True)
class Purpose:
    """A processing activity (verwerkingsactiviteit) from the municipality's register."""

    id: str
    name: str
    legal_ground: str


@dataclass(frozen=True, slots=True)
class Officer:
    """The person on whose behalf a query is made."""

    id: str
    name: str
    municipality: str


@dataclass(frozen=True, slots=True)
class Query:
    """One connector call: a subject, the fields the purpose allows, and who asks why.

    ``fields`` is already the intersection of the purpose's allow-list and the
    connector's declared fields: a connector asks its registry for these and no more.
    """

    subject: Subject
    fields: frozenset[str]
    purpose: Purpose
    officer: Officer
    signal_id: str
    trace: TraceContext
    municipality: str
    extra: dict[str, str] = field(default_factory=dict)
