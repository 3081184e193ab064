"""Aandachtspunten as the officer reads them: one finding, one line, with its subjects.

A registry that answers for several subjects (an enforcement case found at the
address, at the company and at its branch) makes the indicator rule fire once per
subject. The dossier keeps every derived fact (each has its own provenance); this
module folds the points that say the same thing into one finding that names all the
subjects it was found at, so the page, the text and a reader do not see it three times.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .dossier import Aandachtspunt

__all__ = ["Finding", "findings"]


@dataclass
class Finding:
    """One aandachtspunt as shown: its text once, the subjects and facts it rests on."""

    code: str
    title: str
    explanation: str
    subjects: list[str] = field(default_factory=list)
    fact_ids: list[str] = field(default_factory=list)


def findings(points: list[Aandachtspunt]) -> list[Finding]:
    """The points grouped by what they say (rule, title, explanation), in first-seen order."""
    grouped: dict[tuple[str, str, str], Finding] = {}
    for point in points:
        key = (point.code, point.title, point.explanation)
        found = grouped.setdefault(key, Finding(point.code, point.title, point.explanation))
        if point.subject not in found.subjects:
            found.subjects.append(point.subject)
        found.fact_ids.append(point.fact_id)
    return list(grouped.values())
