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

from plugins import Fact, Officer, TraceContext

from .config import IndicatorConfig, PurposeConfig
from .dossier import Dossier, OfficerRecord, Outcome, PurposeRecord, SubjectEntry
from .indicators import derive_indicators
from .merge import find_conflicts, to_dossier_facts
from .signal import Signal

__all__ = ["Timing", "assemble_dossier"]


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
