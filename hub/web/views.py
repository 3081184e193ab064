"""What the pages show of a dossier, a provenance document and the logs: the data
arranged for the templates (the templates only lay it out)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..dossier import Dossier, DossierFact, Outcome, OutcomeStatus, SubjectEntry
from ..dutch import dutch_dates_in
from ..failures import failure_sentence
from ..findings import findings
from ..indicators import INDICATOR_CONNECTOR, INDICATOR_RULES
from ..labels import CLASSIFICATION_LABELS, Labels
from ..render import STATUS_LABELS, subject_label
from ..repeats import repeats, split_repeats
from ..signal import FORM_LABELS, Form
from ..summary import summarise

__all__ = [
    "ACTION_LABELS",
    "BAD_STATUSES",
    "KIND_NAMES",
    "RESULT_LABELS",
    "DossierView",
    "display_time",
    "dossier_view",
    "entry_summary",
    "prov_view",
    "subject_key_label",
]

BAD_STATUSES = (OutcomeStatus.FAILED, OutcomeStatus.TIMEOUT)
_KIND_LABELS = {"person": "Persoon", "address": "Adres", "business": "Bedrijf"}
#: which status a connector's summary shows when its calls ended differently: worst first
_ORDER = [
    OutcomeStatus.FAILED,
    OutcomeStatus.TIMEOUT,
    OutcomeStatus.OK,
    OutcomeStatus.EMPTY,
    OutcomeStatus.REFUSED,
    OutcomeStatus.SKIPPED,
]

try:
    _ZONE: Any = ZoneInfo("Europe/Amsterdam")
except ZoneInfoNotFoundError:  # no tz database: show UTC and say so
    _ZONE = None


def display_time(value: Any) -> str:
    """A stored time as the officer reads it: Dutch order, Amsterdam time."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    elif isinstance(value, datetime):
        moment = value
    else:
        return str(value)
    if moment.tzinfo is None:
        return moment.strftime("%d-%m-%Y %H:%M:%S")
    if _ZONE is None:
        return moment.strftime("%d-%m-%Y %H:%M:%S UTC")
    return moment.astimezone(_ZONE).strftime("%d-%m-%Y %H:%M:%S")


def subject_key_label(key: str) -> str:
    """``person:999970057`` → ``BSN 999970057`` (for progress, before entries exist)."""
    kind, _, rest = key.partition(":")
    if kind == "person":
        return f"BSN {rest}"
    if kind == "address":
        postcode, _, number = rest.partition("-")
        return f"{postcode[:4]} {postcode[4:]} {number}".strip()
    if kind == "business":
        kvk, _, branch = rest.partition("/")
        return f"KvK {kvk}" + (f", vestiging {branch}" if branch else "")
    return key


@dataclass(frozen=True, order=True)
class FailureLine:
    """A failed call for the officer (``text``, Dutch) with the engine's own
    ``technical`` message for the administrator and the auditor."""

    text: str
    technical: str


@dataclass
class ConnectorSummary:
    connector: str
    status: OutcomeStatus
    label: str
    counts: str
    bad: bool
    errors: list[FailureLine]


@dataclass
class FactRow:
    """A fact as the page shows it: its Dutch label and its value made Dutch."""

    fact: DossierFact
    label: str
    shown: Any
    source: str
    classification: str
    operation: str
    #: for a derived fact: the rule it follows and its inputs (label, fact id)
    rule: str = ""
    inputs: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class SubjectView:
    entry: SubjectEntry
    label: str
    kind_label: str
    origin: str
    anchor: str
    outcomes: list[Outcome]
    facts: list[FactRow]
    bad: bool
    #: facts shown already at an earlier subject: (its label, its anchor, [(field label,
    #: fact id)]), so a link to such a fact still lands on this subject
    repeated: list[tuple[str, str, list[tuple[str, str]]]] = field(default_factory=list)


@dataclass
class SummaryView:
    """One subject in the summary at the top of the page."""

    label: str
    kind_label: str
    anchor: str
    lines: list[tuple[str, Any, str]]
    bad: bool


@dataclass
class DossierView:
    dossier: Dossier
    municipality: str
    forms: list[str]
    connectors: list[ConnectorSummary]
    subjects: list[SubjectView]
    points: list[dict[str, Any]]
    conflicts: list[dict[str, Any]]
    facts_by_id: dict[str, DossierFact] = field(default_factory=dict)
    bad_connectors: list[str] = field(default_factory=list)
    summary: list[SummaryView] = field(default_factory=list)


def _anchor(key: str) -> str:
    return "onderwerp-" + "".join(c if c.isalnum() else "-" for c in key)


def _row(fact: DossierFact, labels: Labels, by_id: dict[str, DossierFact]) -> FactRow:
    source = fact.provenance.connector
    row = FactRow(
        fact=fact,
        label=labels.field(source, fact.attribute),
        shown=labels.present(source, fact.attribute, fact.value),
        source=labels.source(source),
        classification=CLASSIFICATION_LABELS.get(fact.classification, fact.classification),
        operation=dutch_dates_in(fact.provenance.operation),
    )
    if source == INDICATOR_CONNECTOR:
        # derived by the hub: no registry answered, so show the rule and what it used
        row.rule = INDICATOR_RULES.get(fact.provenance.operation, row.operation)
        row.inputs = [
            (labels.field(by_id[i].provenance.connector, by_id[i].attribute), i)
            if i in by_id
            else (i, i)
            for i in fact.provenance.derived_from
        ]
    return row


def dossier_view(dossier: Dossier, municipalities: dict[str, str], labels: Labels) -> DossierView:
    code = dossier.signal["municipality"]
    entries = {e.key: e for e in dossier.subjects}
    by_id = {f.id: f for f in dossier.facts}

    def where(key: str) -> str:
        return subject_label(entries[key]) if key in entries else subject_key_label(key)

    by_connector: dict[str, list[Outcome]] = {}
    for outcome in dossier.outcomes:
        by_connector.setdefault(outcome.connector, []).append(outcome)
    connectors = []
    for name in sorted(by_connector):
        outcomes = by_connector[name]
        counts = Counter(o.status for o in outcomes)
        worst = min(counts, key=_ORDER.index)
        connectors.append(
            ConnectorSummary(
                connector=name,
                status=worst,
                label=STATUS_LABELS[worst],
                counts=", ".join(
                    f"{n}× {STATUS_LABELS[s]}"
                    for s, n in sorted(counts.items(), key=lambda i: _ORDER.index(i[0]))
                ),
                bad=worst in BAD_STATUSES,
                errors=sorted(
                    {
                        FailureLine(
                            f"{where(o.subject)}: {failure_sentence(name, o.error)}", o.error
                        )
                        for o in outcomes
                        if o.status in BAD_STATUSES and o.error
                    }
                ),
            )
        )
    subjects = []
    repeated = repeats(dossier)
    for entry in dossier.subjects:
        outcomes = dossier.outcomes_for(entry.key)
        own, elsewhere = split_repeats(dossier.facts_for(entry.key), repeated)
        origin = (
            "uit het signaal"
            if entry.origin == "signal"
            else f"gevonden via {', '.join(entry.discovered_by)} (ronde {entry.round})"
        )
        subjects.append(
            SubjectView(
                entry=entry,
                label=subject_label(entry),
                kind_label=_KIND_LABELS[entry.kind],
                origin=origin,
                anchor=_anchor(entry.key),
                outcomes=outcomes,
                facts=[_row(fact, labels, by_id) for fact in own],
                bad=any(o.status in BAD_STATUSES for o in outcomes),
                repeated=[
                    (
                        where(key),
                        _anchor(key),
                        [(labels.field(f.provenance.connector, f.attribute), f.id) for f in facts],
                    )
                    for key, facts in elsewhere.items()
                ],
            )
        )
    overview = summarise(dossier, labels)
    bad_keys = {key for keys in overview.failed.values() for key in keys}
    points = [
        {
            "title": f.title,
            "explanation": f.explanation,
            "where": [(where(key), _anchor(key)) for key in f.subjects],
            "fact_ids": f.fact_ids,
        }
        for f in findings(dossier.aandachtspunten)
    ]
    conflicts = [
        {
            "where": where(c.subject),
            "attribute": labels.field(c.values[0].connectors[0], c.attribute),
            "values": [
                {
                    "value": labels.present(v.connectors[0], c.attribute, v.value),
                    "connectors": v.connectors,
                    "fact_ids": v.fact_ids,
                }
                for v in c.values
            ],
        }
        for c in dossier.conflicts
    ]
    return DossierView(
        dossier=dossier,
        municipality=f"{municipalities.get(code, '')} ({code})".strip(),
        forms=[FORM_LABELS.get(Form(f), f) for f in dossier.signal.get("forms", [])],
        connectors=connectors,
        subjects=subjects,
        points=points,
        conflicts=conflicts,
        facts_by_id=by_id,
        bad_connectors=[c.connector for c in connectors if c.bad],
        summary=[
            SummaryView(
                label=where(part.key),
                kind_label=_KIND_LABELS[part.kind],
                anchor=_anchor(part.key),
                lines=part.lines,
                bad=part.key in bad_keys,
            )
            for part in overview.subjects
        ],
    )


def prov_view(prov: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """A PROV-JSON document as three tables: facts, connector calls, responses."""
    entities = prov.get("entity", {})
    activities = prov.get("activity", {})
    generated: dict[str, str] = {}
    for rel in prov.get("wasGeneratedBy", {}).values():
        generated.setdefault(rel.get("prov:entity", ""), rel.get("prov:activity", ""))
    derived: dict[str, list[str]] = {}
    for rel in prov.get("wasDerivedFrom", {}).values():
        derived.setdefault(rel.get("prov:generatedEntity", ""), []).append(
            rel.get("prov:usedEntity", "")
        )
    associated: dict[str, str] = {}
    for rel in prov.get("wasAssociatedWith", {}).values():
        agent = str(rel.get("prov:agent", ""))
        associated.setdefault(rel.get("prov:activity", ""), agent.removeprefix("opplus:connector/"))
    facts, responses = [], []
    for ref, attrs in entities.items():
        kind = attrs.get("prov:type")
        if kind == "opplus:Fact":
            facts.append(
                {
                    "ref": ref,
                    "attribute": attrs.get("opplus:attribute"),
                    "subject": attrs.get("opplus:subject"),
                    "classification": attrs.get("opplus:classification"),
                    "activity": generated.get(ref, ""),
                    "derived_from": derived.get(ref, []),
                }
            )
        elif kind == "opplus:RegistryResponse":
            responses.append(
                {
                    "ref": ref,
                    "registry": attrs.get("opplus:registry"),
                    "operation": attrs.get("opplus:operation"),
                    "sha256": attrs.get("opplus:sha256"),
                    "time": attrs.get("prov:generatedAtTime"),
                }
            )
    calls = [
        {
            "ref": ref,
            "type": attrs.get("prov:type"),
            "registry": attrs.get("opplus:registry"),
            "operation": attrs.get("opplus:operation"),
            "connector": associated.get(ref, ""),
            "status": attrs.get("opplus:status"),
            "start": attrs.get("prov:startTime"),
            "trace_id": attrs.get("opplus:trace_id"),
            "span_id": attrs.get("opplus:span_id"),
        }
        for ref, attrs in activities.items()
    ]
    return {"facts": facts, "calls": calls, "responses": responses}


#: what the auditor reads for an access-log action (the code stays beside it)
ACTION_LABELS = {
    "login": "inloggen",
    "logout": "uitloggen",
    "enrich": "verrijken",
    "view": "dossier inzien",
    "export": "dossier exporteren",
    "rerun": "opnieuw verrijken",
    "list": "lijst van dossiers",
    "job.view": "verrijking volgen",
    "audit.search": "logboeken doorzocht",
    "audit.verify": "logboeken geverifieerd",
    "audit.checkpoint": "checkpoint gezet",
    "audit.subject-report": "overzicht voor betrokkene",
    "audit.export": "herkomst van dossier",
    "users.add": "gebruiker aangemaakt",
    "users.disable": "gebruiker uitgeschakeld",
    "users.reset": "nieuw wachtwoord",
    "tokens.create": "API-token gemaakt",
    "tokens.revoke": "API-token ingetrokken",
}
RESULT_LABELS = {"allowed": "toegestaan", "refused": "GEWEIGERD", "failed": "mislukt"}
KIND_NAMES = {"person": "persoon", "address": "adres", "business": "bedrijf"}


def entry_summary(log: str, payload: dict[str, Any] | None) -> dict[str, str]:
    """The columns the auditor's search page shows of one log entry."""
    if payload is None:
        return {"wat": "(inhoud verwijderd na bewaartermijn)", "wie": "", "uitkomst": ""}
    if log == "access":
        action = str(payload.get("action", ""))
        what = f"{ACTION_LABELS[action]} · {action}" if action in ACTION_LABELS else action
        if payload.get("dossier_id"):
            what += f" · dossier {str(payload['dossier_id'])[:8]}"
        result = str(payload.get("result", ""))
        return {
            "wat": what,
            "wie": f"{payload.get('user_id', '')} ({payload.get('role', '')}, "
            f"{payload.get('client', '')})",
            "uitkomst": RESULT_LABELS.get(result, result)
            + (f": {payload['reason']}" if payload.get("reason") else ""),
        }
    if log == "processing":
        return {
            "wat": f"{payload.get('registry', '')} · {payload.get('operation', '')} · "
            f"{payload.get('processing_activity_id', '')}",
            "wie": f"{payload.get('data_subject_id_type', '')} "
            f"{str(payload.get('data_subject_id', ''))[:12]}…",
            "uitkomst": str(payload.get("status", "")),
        }
    return {
        "wat": f"BRP-verstrekking · {payload.get('processing_activity_id', '')} · "
        + ", ".join(payload.get("fields", [])[:6]),
        "wie": f"{payload.get('officer_id', '')} → {str(payload.get('data_subject_id', ''))[:12]}…",
        "uitkomst": "",
    }
