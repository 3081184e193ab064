"""A dossier as readable Dutch text, grouped by subject, with the status of every source."""

from __future__ import annotations

from collections import Counter
from typing import Any

from .dossier import Dossier, OutcomeStatus, SubjectEntry
from .dutch import dutch_moment
from .findings import findings
from .labels import Labels
from .repeats import repeats, split_repeats
from .signal import FORM_LABELS, Form
from .summary import summarise

__all__ = ["STATUS_LABELS", "render_text", "subject_label"]

STATUS_LABELS = {
    OutcomeStatus.OK: "ok",
    OutcomeStatus.EMPTY: "niets gevonden",
    OutcomeStatus.FAILED: "MISLUKT",
    OutcomeStatus.TIMEOUT: "TIME-OUT",
    OutcomeStatus.SKIPPED: "overgeslagen",
    OutcomeStatus.REFUSED: "niet toegestaan (doelbinding)",
}
KIND_LABELS = {"person": "PERSOON", "address": "ADRES", "business": "BEDRIJF"}


def subject_label(entry: SubjectEntry) -> str:
    ids = entry.identifiers
    if entry.kind == "person":
        return f"BSN {ids['burgerservicenummer']}"
    if entry.kind == "address":
        pc = str(ids["postcode"])
        number = f"{ids['huisnummer']}{ids.get('huisletter') or ''}"
        if ids.get("huisnummertoevoeging"):
            number += f"-{ids['huisnummertoevoeging']}"
        return f"{pc[:4]} {pc[4:]} {number}"
    label = f"KvK {ids['kvkNummer']}"
    if ids.get("vestigingsnummer"):
        label += f", vestiging {ids['vestigingsnummer']}"
    return label


def _value(value: Any, indent: str) -> str:
    """A value :meth:`Labels.present` made Dutch, laid out as text."""
    if value is None:
        return "(leeg)"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_value(v, indent)}" for k, v in value.items() if v is not None)
    if isinstance(value, list):
        if not value:
            return "(geen)"
        if all(not isinstance(v, dict | list) for v in value):
            return ", ".join(_value(v, indent) for v in value)
        return "".join(f"\n{indent}  - {_value(v, indent + '  ')}" for v in value)
    return str(value)


def render_text(
    dossier: Dossier, labels: Labels, municipalities: dict[str, str] | None = None
) -> str:
    signal = dossier.signal
    code = signal["municipality"]
    name = (municipalities or {}).get(code, "")
    forms = ", ".join(FORM_LABELS.get(Form(f), f) for f in signal["forms"])
    lines = [
        f"Opgeplust dossier {dossier.id}",
        f"  Gemeente:       {name} ({code})" if name else f"  Gemeente:       {code}",
        f"  Vorm(en):       {forms}",
        f"  Doelbinding:    {dossier.purpose.id} — {dossier.purpose.name}",
        f"  Opgevraagd door {dossier.officer.name} ({dossier.officer.id})",
        f"  Opgesteld:      {dutch_moment(dossier.completed_at)} "
        f"in {dossier.duration_ms:.0f} ms (trace {dossier.trace_id})",
    ]
    counts = Counter(o.status for o in dossier.outcomes)
    summary = ", ".join(f"{n} {STATUS_LABELS[s]}" for s, n in sorted(counts.items()))
    lines.append(f"  Bevragingen:    {len(dossier.outcomes)} ({summary})")
    if not dossier.complete:
        lines += [
            "",
            "  LET OP: niet alle bronnen konden worden bevraagd. Waar een bron MISLUKT of",
            "  TIME-OUT meldt, is NIET vastgesteld dat er niets is.",
        ]
    entries = {e.key: e for e in dossier.subjects}

    def where(key: str) -> str:
        return subject_label(entries[key]) if key in entries else key

    overview = summarise(dossier, labels)
    for connector, keys in overview.failed.items():
        lines.append(f"  Mislukt: {connector} ({'; '.join(where(k) for k in keys)})")
    lines += ["", "SAMENVATTING"]
    for part in overview.subjects:
        shown = " · ".join(f"{label}: {_value(value, '    ')}" for label, value, _ in part.lines)
        lines.append(f"  {KIND_LABELS[part.kind]} {where(part.key)}: {shown or '(geen gegevens)'}")
    if dossier.aandachtspunten:
        lines += ["", "AANDACHTSPUNTEN (signalen om te wegen, geen oordeel)"]
        for finding in findings(dossier.aandachtspunten):
            subjects = "; ".join(where(key) for key in finding.subjects)
            sources = ", ".join(finding.fact_ids)
            lines.append(f"  * {finding.title} — {subjects}: {finding.explanation} [{sources}]")
    repeated = repeats(dossier)
    for entry in dossier.subjects:
        origin = (
            "uit het signaal"
            if entry.origin == "signal"
            else f"gevonden via {', '.join(entry.discovered_by)} (ronde {entry.round})"
        )
        lines += ["", f"{KIND_LABELS[entry.kind]} {subject_label(entry)} — {origin}"]
        if entry.note:
            lines.append(f"  {entry.note}")
        outcomes = dossier.outcomes_for(entry.key)
        if outcomes:
            lines.append("  Bronnen:")
            for o in outcomes:
                detail = f" — {o.error}" if o.error and o.status != OutcomeStatus.OK else ""
                timing = f" ({o.duration_ms:.0f} ms, {o.attempts}x)" if o.attempts else ""
                lines.append(f"    {o.connector:<11} {STATUS_LABELS[o.status]}{timing}{detail}")
        facts, elsewhere = split_repeats(dossier.facts_for(entry.key), repeated)
        for key, same in elsewhere.items():
            names = ", ".join(labels.field(f.provenance.connector, f.attribute) for f in same)
            ids = ", ".join(f.id for f in same)
            lines.append(f"  Zelfde als bij {where(key)}: {names} ({ids})")
        if facts:
            lines.append("  Gegevens:")
            for fact in facts:
                source = fact.provenance.connector
                mark = " [BIBOB-vertrouwelijk]" if fact.classification == "bibob" else ""
                shown = _value(labels.present(source, fact.attribute, fact.value), "    ")
                name = labels.field(source, fact.attribute)
                origin = labels.source(source)
                lines.append(f"    {name}: {shown}  ({origin}, {fact.id}){mark}")
    if dossier.conflicts:
        lines += ["", "TEGENSTRIJDIGHEDEN (bronnen spreken elkaar tegen; beide waarden bewaard)"]
        for conflict in dossier.conflicts:
            place = where(conflict.subject)
            owner = conflict.values[0].connectors[0] if conflict.values else ""
            values = "  <->  ".join(
                f"{_value(labels.present(v.connectors[0], conflict.attribute, v.value), '')!s} "
                f"({', '.join(v.connectors)})"
                for v in conflict.values
            )
            lines.append(f"  {place} · {labels.field(owner, conflict.attribute)}: {values}")
    return "\n".join(lines) + "\n"
