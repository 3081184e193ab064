"""The "opgeplust" dossier: every value with its provenance, conflicts side by side,
and an explicit outcome per connector call.

The JSON Schema of this model is committed as ``hub/schema/dossier-v1.schema.json``;
a test keeps the two equal.
"""

from __future__ import annotations

import json
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "SCHEMA_PATH",
    "SCHEMA_VERSION",
    "Aandachtspunt",
    "Conflict",
    "ConflictValue",
    "Dossier",
    "DossierFact",
    "FactProvenance",
    "Outcome",
    "OutcomeStatus",
    "SubjectEntry",
]

SCHEMA_VERSION: Final = "1.0"
SCHEMA_PATH = Path(__file__).parent / "schema" / "dossier-v1.schema.json"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OutcomeStatus(StrEnum):
    OK = "ok"  # the registry answered with facts
    EMPTY = "empty"  # the registry answered: nothing known
    FAILED = "failed"  # the registry could not be asked or answered wrongly
    TIMEOUT = "timeout"  # no answer in time
    SKIPPED = "skipped"  # not asked: the subject lacks what the connector needs, or depth
    REFUSED = "refused"  # not asked: the purpose does not allow it


class FactProvenance(_Model):
    connector: str
    connector_version: str
    registry: str
    operation: str
    request_id: str
    retrieved_at: datetime
    response_sha256: str
    trace_id: str
    span_id: str
    derived_from: list[str] = []


class DossierFact(_Model):
    id: str
    subject: str
    attribute: str
    value: Any
    classification: str
    provenance: FactProvenance


class ConflictValue(_Model):
    value: Any
    fact_ids: list[str]
    connectors: list[str]


class Conflict(_Model):
    """Two or more sources disagree on one attribute of one subject; all values kept."""

    subject: str
    attribute: str
    values: list[ConflictValue] = Field(min_length=2)


class Outcome(_Model):
    """One connector call (or a call not made), with its explicit status."""

    connector: str
    subject: str
    round: int
    status: OutcomeStatus
    error: str | None = None
    duration_ms: float = 0.0
    attempts: int = 0
    fields_requested: list[str] = []
    span_id: str | None = None
    started_at: datetime | None = None


class SubjectEntry(_Model):
    key: str
    kind: Literal["person", "address", "business"]
    identifiers: dict[str, Any]
    origin: Literal["signal", "discovered"]
    round: int
    discovered_by: list[str] = []
    enriched: bool = True
    note: str | None = None


class Aandachtspunt(_Model):
    """A point for the officer's attention, derived from facts; never a verdict."""

    code: str
    subject: str
    title: str
    explanation: str
    fact_id: str


class PurposeRecord(_Model):
    id: str
    name: str
    legal_ground: str


class OfficerRecord(_Model):
    id: str
    name: str
    municipality: str


class Dossier(_Model):
    schema_version: Literal["1.0"] = SCHEMA_VERSION
    id: str
    signal_id: str
    trace_id: str
    created_at: datetime
    completed_at: datetime
    duration_ms: float
    signal: dict[str, Any]
    purpose: PurposeRecord
    officer: OfficerRecord
    subjects: list[SubjectEntry]
    facts: list[DossierFact]
    conflicts: list[Conflict]
    outcomes: list[Outcome]
    aandachtspunten: list[Aandachtspunt] = []

    def facts_for(self, subject: str) -> list[DossierFact]:
        return [f for f in self.facts if f.subject == subject]

    def outcomes_for(self, subject: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.subject == subject]

    @property
    def complete(self) -> bool:
        """True when no connector call failed or timed out."""
        return not any(
            o.status in (OutcomeStatus.FAILED, OutcomeStatus.TIMEOUT) for o in self.outcomes
        )

    def to_json(self) -> str:
        return self.model_dump_json(indent=2)


def dossier_json_schema() -> dict[str, Any]:
    schema = Dossier.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://opplus.example/schema/dossier-v1.schema.json"
    return schema


def write_schema(path: Path = SCHEMA_PATH) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(dossier_json_schema(), indent=2, ensure_ascii=False) + "\n")
