"""Facts that repeat what an earlier subject already showed, so a reader sees them once.

A branch (vestiging) gets the company's Bibob and enforcement answers again, and a case
list found at an address comes back under the company registered there. The dossier
keeps every fact with its own provenance; the page and the text show a repeat as a
reference to where it was shown first.
"""

from __future__ import annotations

import json

from .dossier import Dossier, DossierFact

__all__ = ["repeats", "split_repeats"]


def _company(key: str) -> str:
    return key.partition("/")[0]


def _same_thing(first: str, later: str, value: object) -> bool:
    """Fold within one company (company and its branches) any fact; across other
    subjects only lists and structured values (case lists, permits): a repeated count
    is short and may be a coincidence."""
    if first.startswith("business:") and _company(first) == _company(later):
        return True
    return isinstance(value, dict | list) and bool(value)


def repeats(dossier: Dossier) -> dict[str, str]:
    """fact id → the subject key where the same fact (source, field, value) came first."""
    seen: dict[tuple[str, str, str], list[str]] = {}
    out: dict[str, str] = {}
    for entry in dossier.subjects:
        for fact in dossier.facts_for(entry.key):
            earlier = seen.setdefault(_identity(fact), [])
            first = next((k for k in earlier if _same_thing(k, entry.key, fact.value)), None)
            if first is not None:
                out[fact.id] = first
            if entry.key not in earlier:
                earlier.append(entry.key)
    return out


def _identity(fact: DossierFact) -> tuple[str, str, str]:
    value = json.dumps(fact.value, sort_keys=True, default=str)
    return (fact.provenance.connector, fact.attribute, value)


def split_repeats(
    facts: list[DossierFact], repeated: dict[str, str]
) -> tuple[list[DossierFact], dict[str, list[DossierFact]]]:
    """A subject's facts: those shown here, and the repeats grouped by where they came first."""
    own: list[DossierFact] = []
    elsewhere: dict[str, list[DossierFact]] = {}
    for fact in facts:
        if fact.id in repeated:
            elsewhere.setdefault(repeated[fact.id], []).append(fact)
        else:
            own.append(fact)
    return own, elsewhere
