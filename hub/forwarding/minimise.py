"""The payload a table receives: the dossier filtered through the table's allow-list.

What this module returns is exactly what is sent (its canonical JSON bytes and hash),
and what the officer sees in the preview, including what was withheld and why.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from fnmatch import fnmatchcase
from typing import Any

from ..config import TableConfig
from ..dossier import Dossier, DossierFact
from ..findings import findings

__all__ = [
    "CLASS_LABELS",
    "PAYLOAD_SCHEMA",
    "Payload",
    "Tailoring",
    "Withheld",
    "build_payload",
]

#: version 2: an aandachtspunt is one finding with all its subjects and facts
#: (``subjects``, ``fact_ids``) where version 1 repeated it per subject
PAYLOAD_SCHEMA = "opplus-tafel-payload/2"
CLASS_LABELS = {
    "normal": "openbaar/zakelijk",
    "personal": "persoonsgegevens",
    "confidential": "vertrouwelijk (handhaving)",
    "bibob": "Bibob (art. 28 Wet Bibob)",
}


@dataclass(frozen=True)
class Withheld:
    """One fact a table does not get: its class and why not (Dutch)."""

    fact_id: str
    classification: str
    reason: str
    by_officer: bool = False

    @property
    def bibob(self) -> bool:
        return self.classification == "bibob"

    def __str__(self) -> str:
        # the form the API and the CLI show: "bibob: geen wettelijke grondslag … (fact-id)"
        return f"{self.classification}: {self.reason} ({self.fact_id})"


@dataclass(frozen=True)
class Tailoring:
    """What the officer leaves out of one table's payload, and why (the reason is
    required; :mod:`hub.usecases.forwarding` checks it). An item is a subject's key
    (every fact about it), or ``<subject>#<attribute>`` for one fact, e.g. the
    co-residents (``bewoners``) of an address."""

    items: frozenset[str] = frozenset()
    reason: str = ""

    def __bool__(self) -> bool:
        return bool(self.items)

    def leaves_out(self, fact: DossierFact) -> bool:
        return bool({fact.subject, f"{fact.subject}#{fact.attribute}"} & self.items)


@dataclass(frozen=True)
class Payload:
    """A minimised payload for one table, with what was left out."""

    table: str
    data: dict[str, Any]
    body: bytes
    sha256: str
    fields_sent: list[str]
    left_out: list[Withheld] = field(default_factory=list)

    @property
    def withheld(self) -> list[str]:
        return [str(w) for w in self.left_out]

    @property
    def withheld_counts(self) -> Counter[str]:
        return Counter(w.classification for w in self.left_out)

    @property
    def bibob_withheld(self) -> bool:
        """Bibob facts left out (this table has no legal ground for them)."""
        return any(w.bibob for w in self.left_out)


def _refusal(fact: DossierFact, table: TableConfig) -> str | None:
    """Why ``table`` may not get ``fact``, or None when it may."""
    cls = fact.classification
    if cls not in table.allow.classifications:
        return f"klasse {CLASS_LABELS.get(cls, cls)} niet toegestaan"
    if cls == "bibob" and not table.bibob_legal_ground.strip():
        return "geen wettelijke grondslag voor Bibob-ontvanger"
    if not any(fnmatchcase(fact.attribute, pattern) for pattern in table.allow.attributes):
        return f"veld {fact.attribute} staat niet op de lijst"
    return None


def build_payload(
    dossier: Dossier, name: str, table: TableConfig, tailoring: Tailoring | None = None
) -> Payload:
    """Filter ``dossier`` for table ``name`` and leave out what the officer chose to
    (``tailoring``); deterministic for the same inputs."""
    tailoring = tailoring or Tailoring()
    facts: list[DossierFact] = []
    withheld: list[Withheld] = []
    for fact in dossier.facts:
        why: str | None
        if tailoring.leaves_out(fact):
            why = f"weggelaten door de aandachtsfunctionaris: {tailoring.reason}"
            withheld.append(Withheld(fact.id, fact.classification, why, by_officer=True))
            continue
        why = _refusal(fact, table)
        if why is None:
            facts.append(fact)
        else:
            withheld.append(Withheld(fact.id, fact.classification, why))
    sent_ids = {f.id for f in facts}
    subjects_with_facts = {f.subject for f in facts}
    persons_allowed = "personal" in table.allow.classifications
    subjects = [
        {"key": s.key, "kind": s.kind, "identifiers": s.identifiers}
        for s in dossier.subjects
        if s.key in subjects_with_facts and (s.kind != "person" or persons_allowed)
    ]
    keys = {s["key"] for s in subjects}
    facts = [f for f in facts if f.subject in keys]
    sent_ids = {f.id for f in facts}
    signal: dict[str, Any] = {
        "municipality": dossier.signal["municipality"],
        "forms": dossier.signal["forms"],
    }
    if table.allow.description:
        signal["description"] = dossier.signal.get("description", "")
    data: dict[str, Any] = {
        "schema": PAYLOAD_SCHEMA,
        "table": name,
        "dossier_id": dossier.id,
        "signal_id": dossier.signal_id,
        "created_at": dossier.completed_at.isoformat(),
        "purpose": dossier.purpose.model_dump(),
        "officer": {"name": dossier.officer.name, "municipality": dossier.officer.municipality},
        "signal": signal,
        "subjects": subjects,
        "facts": [f.model_dump(mode="json") for f in facts],
        # one finding, one entry, with the subjects it was found at (as on the page)
        "aandachtspunten": [
            asdict(finding)
            for finding in findings([p for p in dossier.aandachtspunten if p.fact_id in sent_ids])
        ],
        "conflicts": [
            c.model_dump(mode="json")
            for c in dossier.conflicts
            if all(i in sent_ids for v in c.values for i in v.fact_ids)
        ],
        "sources": [
            {"connector": o.connector, "subject": o.subject, "status": str(o.status)}
            for o in dossier.outcomes
            if o.subject in keys
        ],
        "withheld": {
            "count": len(withheld),
            "by_class": dict(Counter(w.classification for w in withheld)),
        },
    }
    if tailoring:
        # only on a tailored payload, so an untailored one stays byte-identical
        data["withheld"]["by_officer"] = {
            "count": sum(w.by_officer for w in withheld),
            "reason": tailoring.reason,
        }
    if "bibob" in table.allow.classifications and table.bibob_legal_ground:
        data["bibob_legal_ground"] = table.bibob_legal_ground
    body = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    return Payload(
        table=name,
        data=data,
        body=body,
        sha256=hashlib.sha256(body).hexdigest(),
        fields_sent=sorted({f"{f.subject}#{f.attribute}" for f in facts}),
        left_out=withheld,
    )
