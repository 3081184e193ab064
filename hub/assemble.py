"""Dossier assembly: from a signal and what its enrichment found, to a :class:`Dossier`.

A pure function: no I/O, no connectors, no event loop, and no clock except the moments
passed in, so the same inputs give the same dossier (its hashes and provenance follow).
The engine (:mod:`hub.engine`) decides what to ask and asks; this module only numbers
the facts, derives the indicators, finds the conflicts and puts the record together.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from plugins import Classification, Fact, Officer, Provenance, TraceContext

from .config import IndicatorConfig, PurposeConfig
from .dossier import (
    Dossier,
    DossierFact,
    OfficerRecord,
    Outcome,
    OutcomeStatus,
    PurposeRecord,
    SubjectEntry,
)
from .indicators import INDICATOR_CONNECTOR, derive_indicators
from .merge import find_conflicts, to_dossier_facts
from .signal import Signal

__all__ = ["Kept", "Timing", "assemble_dossier", "kept_from"]

#: outcomes a re-query takes over: the registry answered, or the purpose rules it out
_KEPT_STATUSES = frozenset({OutcomeStatus.OK, OutcomeStatus.EMPTY, OutcomeStatus.REFUSED})


@dataclass(frozen=True, slots=True)
class Timing:
    """When an enrichment ran, measured by the caller (the assembly reads no clock)."""

    created_at: datetime
    completed_at: datetime
    duration_ms: float


def assemble_dossier(
    *,
    dossier_id: str,
    signal: Signal,
    signal_id: str,
    trace: TraceContext,
    purpose: PurposeConfig,
    officer: Officer,
    subjects: Iterable[SubjectEntry],
    outcomes: Sequence[Outcome],
    facts: Iterable[Fact],
    indicators: IndicatorConfig,
    timing: Timing,
) -> Dossier:
    """The dossier of one enrichment.

    Facts are numbered ``f1``, ``f2`` ... in the order given; the indicators derived
    from them follow, dated ``timing.completed_at`` (the moment of derivation), and
    "recent" counts back from that day.
    """
    dossier_facts = to_dossier_facts(facts)
    derived, points = derive_indicators(
        dossier_facts,
        trace,
        indicators,
        start=len(dossier_facts) + 1,
        now=timing.completed_at,
    )
    dossier_facts.extend(derived)
    return Dossier(
        id=dossier_id,
        signal_id=signal_id,
        trace_id=trace.trace_id,
        created_at=timing.created_at,
        completed_at=timing.completed_at,
        duration_ms=round(timing.duration_ms, 1),
        signal=signal.model_dump(mode="json"),
        purpose=PurposeRecord(id=purpose.id, name=purpose.name, legal_ground=purpose.legal_ground),
        officer=OfficerRecord(id=officer.id, name=officer.name, municipality=officer.municipality),
        subjects=list(subjects),
        facts=dossier_facts,
        conflicts=find_conflicts(dossier_facts),
        outcomes=list(outcomes),
        aandachtspunten=points,
    )


@dataclass(frozen=True, slots=True)
class Kept:
    """What a re-query takes over from the previous version of a dossier.

    The registry facts keep their original provenance and retrieval time (they were
    not asked again); the derived indicators are left behind, because they are derived
    anew from the facts of the new version. ``to_ask`` holds the (connector, subject)
    pairs that failed or timed out: only those are asked again.
    """

    subjects: list[SubjectEntry]
    outcomes: list[Outcome]
    facts: list[Fact]
    to_ask: frozenset[tuple[str, str]]


def _as_fact(fact: DossierFact) -> Fact:
    """A stored fact back as a connector gave it (the same fields, one by one)."""
    provenance = fact.provenance.model_dump()
    provenance["derived_from"] = tuple(provenance["derived_from"])
    return Fact(
        subject=fact.subject,
        attribute=fact.attribute,
        value=fact.value,
        classification=Classification(fact.classification),
        provenance=Provenance(**provenance),
    )


def kept_from(previous: Dossier) -> Kept:
    """What a re-query of ``previous`` keeps, and which calls it makes again.

    Skipped outcomes are not kept: the engine finds again which connector could not
    take a subject (a registry that answers now may add the identifier it lacked).
    """
    return Kept(
        subjects=[entry.model_copy(deep=True) for entry in previous.subjects],
        outcomes=[o.model_copy() for o in previous.outcomes if o.status in _KEPT_STATUSES],
        facts=[
            _as_fact(f) for f in previous.facts if f.provenance.connector != INDICATOR_CONNECTOR
        ],
        to_ask=frozenset(
            (o.connector, o.subject)
            for o in previous.outcomes
            if o.status in (OutcomeStatus.FAILED, OutcomeStatus.TIMEOUT)
        ),
    )
