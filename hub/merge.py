"""Merging connector answers into dossier facts: ids, and conflicts kept side by side."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from plugins import Fact

from .dossier import Conflict, ConflictValue, DossierFact, FactProvenance

__all__ = ["find_conflicts", "to_dossier_facts"]


def to_dossier_facts(facts: Iterable[Fact], start: int = 1) -> list[DossierFact]:
    """Number the facts (``f1``, ``f2`` ...) in the order given."""
    out = []
    for n, fact in enumerate(facts, start=start):
        prov = fact.provenance
        out.append(
            DossierFact(
                id=f"f{n}",
                subject=fact.subject,
                attribute=fact.attribute,
                value=fact.value,
                classification=str(fact.classification),
                provenance=FactProvenance(
                    connector=prov.connector,
                    connector_version=prov.connector_version,
                    registry=prov.registry,
                    operation=prov.operation,
                    request_id=prov.request_id,
                    retrieved_at=prov.retrieved_at,
                    response_sha256=prov.response_sha256,
                    trace_id=prov.trace_id,
                    span_id=prov.span_id,
                    derived_from=list(prov.derived_from),
                ),
            )
        )
    return out


def _comparable(value: Any) -> str:
    """Values that differ only in case or spacing are the same value."""
    if isinstance(value, str):
        return json.dumps(" ".join(value.split()).casefold())
    return json.dumps(value, sort_keys=True, default=str)


def find_conflicts(facts: Iterable[DossierFact]) -> list[Conflict]:
    """Attributes of one subject on which two different connectors disagree."""
    groups: dict[tuple[str, str], list[DossierFact]] = defaultdict(list)
    for fact in facts:
        groups[(fact.subject, fact.attribute)].append(fact)
    conflicts = []
    for (subject, attribute), group in groups.items():
        if len({f.provenance.connector for f in group}) < 2:
            continue
        by_value: dict[str, list[DossierFact]] = defaultdict(list)
        for fact in group:
            by_value[_comparable(fact.value)].append(fact)
        if len(by_value) < 2:
            continue
        values = [
            ConflictValue(
                value=same[0].value,
                fact_ids=[f.id for f in same],
                connectors=sorted({f.provenance.connector for f in same}),
            )
            for same in by_value.values()
        ]
        conflicts.append(Conflict(subject=subject, attribute=attribute, values=values))
    return conflicts
