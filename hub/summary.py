"""The summary an officer reads first: per subject the few facts that matter, made Dutch.

The page and the text of ``opplus enrich`` both start with it, so they are built here
once. Which facts count as "the few that matter" is chosen per kind of subject; the
full dossier stays below it, unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .dossier import Dossier, OutcomeStatus
from .labels import Labels

__all__ = ["SUMMARY_ATTRIBUTES", "SUMMARY_PARTS", "SubjectSummary", "Summary", "summarise"]

#: per kind of subject, the attributes the summary shows (in this order, when present)
SUMMARY_ATTRIBUTES = {
    "person": ("naam.volledigeNaam", "leeftijd", "nationaliteiten", "verblijfplaats"),
    "address": (
        "oppervlakte",
        "aantalBewoners",
        "aantalInschrijvingenOpAdres",
        "aantalOpenZaken",
        "hoogsteMateVanGevaar",
    ),
    "business": ("naam", "rechtsvorm", "aantalOpenZaken", "hoogsteMateVanGevaar"),
}
#: of a structured value, the parts a summary needs (an address and since when, not the
#: BAG identifiers); the full value stays in the dossier below
SUMMARY_PARTS = {
    "verblijfplaats": (
        "straat",
        "huisnummer",
        "huisletter",
        "huisnummertoevoeging",
        "postcode",
        "woonplaats",
        "land",
        "adresregel1",
        "adresregel2",
        "datumVan",
    ),
}
_BAD = (OutcomeStatus.FAILED, OutcomeStatus.TIMEOUT)


def _brief(attribute: str, value: Any) -> Any:
    keep = SUMMARY_PARTS.get(attribute)
    if keep is None or not isinstance(value, dict):
        return value
    return {k: value[k] for k in keep if value.get(k) is not None}


@dataclass
class SubjectSummary:
    key: str
    kind: str
    #: (Dutch label, value made Dutch, fact id)
    lines: list[tuple[str, Any, str]] = field(default_factory=list)


@dataclass
class Summary:
    subjects: list[SubjectSummary]
    #: the sources that failed or timed out, each with the subjects they failed for
    failed: dict[str, list[str]]


def summarise(dossier: Dossier, labels: Labels) -> Summary:
    """The key facts per subject and what failed; the first fact of an attribute wins."""
    subjects = []
    for entry in dossier.subjects:
        found = SubjectSummary(entry.key, entry.kind)
        facts = dossier.facts_for(entry.key)
        for attribute in SUMMARY_ATTRIBUTES.get(entry.kind, ()):
            fact = next((f for f in facts if f.attribute == attribute), None)
            if fact is None:
                continue
            source = fact.provenance.connector
            found.lines.append(
                (
                    labels.field(source, attribute),
                    labels.present(source, attribute, _brief(attribute, fact.value)),
                    fact.id,
                )
            )
        subjects.append(found)
    failed: dict[str, list[str]] = {}
    for outcome in dossier.outcomes:
        if outcome.status in _BAD:
            keys = failed.setdefault(outcome.connector, [])
            if outcome.subject not in keys:
                keys.append(outcome.subject)
    return Summary(subjects, failed)
