"""What a connector answers: facts with provenance, and the raw responses behind them."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from ._query import Query
from ._subjects import Subject

__all__ = [
    "Classification",
    "ConnectorInfo",
    "EnrichResult",
    "Evidence",
    "Fact",
    "FieldSpec",
    "Provenance",
]


class Classification(StrEnum):
    """How sensitive a field is; tables and logs treat each class differently."""

    NORMAL = "normal"  # public or business data (KvK, BAG)
    PERSONAL = "personal"  # personal data (AVG art. 4)
    CONFIDENTIAL = "confidential"  # enforcement files and other confidential municipal data
    BIBOB = "bibob"  # art. 28 Wet Bibob: only to recipients the law names


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """A field a connector can provide, and how an officer reads it.

    ``label`` is the field's Dutch name on officer pages ("Volledige naam"). A value
    that is an object (or a list of objects) names its keys in ``parts`` (key -> Dutch
    label, at any depth). Where a value, or a key inside it, holds a code of a code
    list, ``codes`` maps the field's own name (for the value itself) or that key to the
    list's labels (code -> Dutch label). The hub renders with these; the stored dossier
    keeps the registry's names and codes.
    """

    classification: Classification
    description: str
    label: str = ""
    parts: Mapping[str, str] = field(default_factory=dict)
    codes: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ConnectorInfo:
    """What a connector is and what it can provide."""

    name: str
    version: str
    registry: str
    subject_kinds: frozenset[str]
    fields: Mapping[str, FieldSpec]
    #: answers are supplies from the BRP: each person returned is protocolled (Wet BRP)
    brp_supply: bool = False


@dataclass(frozen=True, slots=True)
class Evidence:
    """One registry response, kept as it came: facts point to it by ``request_id``."""

    operation: str
    request_id: str
    retrieved_at: datetime
    status_code: int
    media_type: str
    body: bytes
    url: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.body).hexdigest()

    @classmethod
    def from_response(cls, response: Any, operation: str) -> Evidence:
        """Build from an ``httpx.Response`` (typed loosely so plugins need not import httpx)."""
        request_id = (
            response.headers.get("x-request-id")
            or response.headers.get("x-correlation-id")
            or str(uuid.uuid4())
        )
        url = response.request.url
        return cls(
            operation=operation,
            request_id=request_id,
            retrieved_at=datetime.now(UTC),
            status_code=response.status_code,
            media_type=response.headers.get("content-type", "").split(";")[0],
            body=response.content,
            url=_without_query(str(url)),
        )


def _without_query(url: str) -> str:
    """``url`` without its query string (which may carry identifiers), by string: a
    query starts at the first ``?`` and ends at ``#``; httpx's ``copy_with`` would parse
    the URL again for every response, at a cost the hub feels."""
    head, mark, rest = url.partition("?")
    if not mark:
        return url
    _, hash_, fragment = rest.partition("#")
    return head + hash_ + fragment


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a value came from: enough to find and verify the response behind it."""

    connector: str
    connector_version: str
    registry: str
    operation: str
    request_id: str
    retrieved_at: datetime
    response_sha256: str
    trace_id: str
    span_id: str
    derived_from: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Fact:
    """One value about one subject, with its provenance."""

    subject: str
    attribute: str
    value: Any
    classification: Classification
    provenance: Provenance


@dataclass(slots=True)
class EnrichResult:
    """A connector's answer for one query, built with :meth:`add`.

    ``discovered`` holds subjects found in the answers (an address in a verblijfplaats,
    a vestiging of a KvK number); the engine feeds them to the next round. ``refined``
    is the query's own subject with identifiers the registry added (e.g. the BAG
    ``adresseerbaarObjectIdentificatie`` of an address).
    """

    info: ConnectorInfo
    query: Query
    facts: list[Fact] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    discovered: list[Subject] = field(default_factory=list)
    refined: Subject | None = None

    def add(
        self,
        attribute: str,
        value: Any,
        evidence: Evidence,
        *,
        subject: Subject | None = None,
    ) -> Fact:
        """Record ``attribute = value`` for the query's subject (or ``subject``).

        Refuses an attribute the connector did not declare, or one the query did not
        ask for: a connector returns only what the purpose allows.
        """
        spec = self.info.fields.get(attribute)
        if spec is None:
            raise ValueError(f"{self.info.name}: field {attribute!r} is not declared")
        if attribute not in self.query.fields:
            raise ValueError(f"{self.info.name}: field {attribute!r} was not requested")
        if evidence not in self.evidence:
            self.evidence.append(evidence)
        fact = Fact(
            subject=(subject or self.query.subject).key,
            attribute=attribute,
            value=value,
            classification=spec.classification,
            provenance=Provenance(
                connector=self.info.name,
                connector_version=self.info.version,
                registry=self.info.registry,
                operation=evidence.operation,
                request_id=evidence.request_id,
                retrieved_at=evidence.retrieved_at,
                response_sha256=evidence.sha256,
                trace_id=self.query.trace.trace_id,
                span_id=self.query.trace.span_id,
            ),
        )
        self.facts.append(fact)
        return fact

    def discover(self, subject: Subject) -> None:
        """Report a subject found in an answer, for the engine's next round."""
        if subject.key != self.query.subject.key and subject not in self.discovered:
            self.discovered.append(subject)
