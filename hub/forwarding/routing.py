"""Which tables to suggest for a dossier, each with the reasons why (in Dutch).

Only a suggestion: nothing is sent without an explicit confirmation by a named officer.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..config import Config, FactCondition, RoutingRule
from ..dossier import Dossier
from ..signal import FORM_LABELS, Form

__all__ = ["Suggestion", "suggest_tables"]


@dataclass(frozen=True)
class Suggestion:
    table: str
    label: str
    reasons: list[str]

    @property
    def explanation(self) -> str:
        return f"{self.label}, omdat: {' en '.join(self.reasons)}"


def _fact_holds(dossier: Dossier, cond: FactCondition) -> bool:
    for fact in dossier.facts:
        if fact.attribute != cond.attribute:
            continue
        if cond.contains is None or cond.contains.casefold() in str(fact.value).casefold():
            return True
    return False


def _reasons(rule: RoutingRule, dossier: Dossier) -> list[str] | None:
    if rule.always:
        return ["standaard voor elk signaal"]
    checks: list[tuple[bool, str]] = []
    forms = set(dossier.signal.get("forms", []))
    for form in rule.forms:
        label = FORM_LABELS.get(Form(form), form) if form in Form._value2member_map_ else form
        checks.append((form in forms, f"vorm = {label}"))
    for cond in rule.facts:
        checks.append((_fact_holds(dossier, cond), cond.label))
    codes = {p.code for p in dossier.aandachtspunten}
    for code in rule.aandachtspunten:
        title = next((p.title for p in dossier.aandachtspunten if p.code == code), code)
        checks.append((code in codes, f"aandachtspunt {title.lower()}"))
    if rule.min_aandachtspunten:
        n = len(dossier.aandachtspunten)
        checks.append((n >= rule.min_aandachtspunten, f"{n} aandachtspunten"))
    if not checks:
        return None
    held = [label for ok, label in checks if ok]
    if rule.match == "all" and len(held) == len(checks):
        return held
    if rule.match == "any" and held:
        return held
    return None


def suggest_tables(config: Config, dossier: Dossier) -> list[Suggestion]:
    """Tables the rules suggest, in rule order, each once, with all reasons that held."""
    found: dict[str, list[str]] = {}
    municipality = dossier.signal.get("municipality")
    for rule in config.routing:
        table = config.tables[rule.table]
        if table.municipalities and municipality not in table.municipalities:
            continue
        reasons = _reasons(rule, dossier)
        if reasons:
            found.setdefault(rule.table, []).extend(
                r for r in reasons if r not in found.get(rule.table, [])
            )
    return [Suggestion(name, config.tables[name].label, reasons) for name, reasons in found.items()]
