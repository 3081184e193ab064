"""Aandachtspunten: indicators derived from facts, each pointing to the facts behind it.

They are points for the officer's attention, never a verdict. Each becomes a derived
fact (connector ``opplus.indicatoren``) whose provenance lists the facts it was
derived from, and whose classification is the strictest of theirs — an indicator
derived from Bibob facts is itself a Bibob fact.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from plugins import TraceContext

from .dossier import Aandachtspunt, DossierFact, FactProvenance
from .dutch import dutch_number

if TYPE_CHECKING:
    from .config import IndicatorConfig

__all__ = ["INDICATOR_CONNECTOR", "INDICATOR_LABELS", "INDICATOR_RULES", "derive_indicators"]

INDICATOR_CONNECTOR = "opplus.indicatoren"
#: the Dutch label of each derived fact (the hub derives them, so the hub labels them)
INDICATOR_LABELS = {
    "indicator.m2_per_bewoner": "Woonruimte per bewoner (m²)",
    "indicator.bedrijven_op_woonadres": "Bedrijven op een woonadres",
    "indicator.minderjarig": "Minderjarig",
    "indicator.minderjarige_bewoners": "Minderjarige bewoners",
    "indicator.recent_ingeschreven": "Recent ingeschreven",
    "indicator.nieuwe_bewoners": "Recent nieuwe bewoners",
    "indicator.open_handhavingszaken": "Lopende handhavingszaken",
    "indicator.bibob_ernstig_gevaar": "Bibob: ernstig gevaar",
}
#: the rule behind each derived fact, in Dutch, for its provenance ("afgeleid", not "opgehaald")
INDICATOR_RULES = {
    "m2_per_bewoner": "oppervlakte gedeeld door het aantal ingeschreven bewoners; "
    "aandachtspunt onder de norm",
    "bedrijven_op_woonadres": "aantal inschrijvingen in het Handelsregister op een adres "
    "met woonfunctie; aandachtspunt vanaf het ingestelde aantal",
    "minderjarig": "leeftijd onder 18 jaar",
    "minderjarige_bewoners": "aantal ingeschreven bewoners jonger dan 18 jaar",
    "recent_ingeschreven": "ingeschreven in de gemeente of op het adres binnen de "
    "ingestelde termijn",
    "nieuwe_bewoners": "aantal bewoners dat binnen de ingestelde termijn is bijgekomen",
    "open_handhavingszaken": "aantal openstaande handhavingszaken groter dan 0",
    "bibob_ernstig_gevaar": "hoogste mate van gevaar in een Bibob-onderzoek is ernstig gevaar",
}
_ORDER = ["normal", "personal", "confidential", "bibob"]


def _strictest(facts: Iterable[DossierFact]) -> str:
    return max((f.classification for f in facts), key=_ORDER.index, default="normal")


def _iso(value: Any) -> date | None:
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


class _Deriver:
    def __init__(self, trace: TraceContext, start: int, now: datetime) -> None:
        self.trace = trace
        self.now = now
        self.next_id = start
        self.facts: list[DossierFact] = []
        self.points: list[Aandachtspunt] = []

    def derive(
        self,
        subject: str,
        code: str,
        value: Any,
        sources: list[DossierFact],
        point: tuple[str, str] | None,
    ) -> None:
        digest = hashlib.sha256(
            json.dumps(
                {"code": code, "value": value, "from": [(f.id, f.value) for f in sources]},
                sort_keys=True,
                default=str,
            ).encode()
        ).hexdigest()
        fact = DossierFact(
            id=f"f{self.next_id}",
            subject=subject,
            attribute=f"indicator.{code}",
            value=value,
            classification=_strictest(sources),
            provenance=FactProvenance(
                connector=INDICATOR_CONNECTOR,
                connector_version="1",
                registry="afgeleid uit andere feiten",
                operation=code,
                request_id=f"derived-{digest[:16]}",
                retrieved_at=self.now,
                response_sha256=digest,
                trace_id=self.trace.trace_id,
                span_id=self.trace.span_id,
                derived_from=[f.id for f in sources],
            ),
        )
        self.next_id += 1
        self.facts.append(fact)
        if point is not None:
            title, explanation = point
            self.points.append(
                Aandachtspunt(
                    code=code,
                    subject=subject,
                    title=title,
                    explanation=explanation,
                    fact_id=fact.id,
                )
            )


def _flag_says_otherwise(flag: DossierFact | None) -> str:
    """The registry's own crowding flag, named when it reads "no" beside a crowding point.

    Side by side an officer reads "nee" as a contradiction; say which source says what.
    """
    if flag is None or flag.value is not False:
        return ""
    return (
        f" Tegenstrijdig: de eigen vlag van {flag.provenance.registry} zegt "
        f"'meer dan 100 bewoners: nee' (feit {flag.id}). Die vlag gaat pas boven 100 "
        "bewoners aan; zij sluit krapte dus niet uit."
    )


def _first_of(attrs: dict[str, list[DossierFact]]) -> Any:
    def first(name: str) -> DossierFact | None:
        return attrs[name][0] if attrs.get(name) else None

    return first


def derive_indicators(
    facts: list[DossierFact],
    trace: TraceContext,
    norms: IndicatorConfig,
    *,
    start: int,
    today: date | None = None,
    now: datetime | None = None,
) -> tuple[list[DossierFact], list[Aandachtspunt]]:
    """Derived facts and the aandachtspunten they raise, for the facts of one dossier.

    ``now`` is the moment of derivation (the derived facts' ``retrieved_at``), ``today``
    the day "recent" counts back from (default: the day of ``now``); both default to
    the clock, so a caller that must not read it passes them.
    """
    now = now or datetime.now(UTC)
    today = today or now.date()
    recent_since = today - timedelta(days=norms.recent_days)
    by_subject: dict[str, dict[str, list[DossierFact]]] = defaultdict(lambda: defaultdict(list))
    for fact in facts:
        by_subject[fact.subject][fact.attribute].append(fact)
    out = _Deriver(trace, start, now)

    for subject, attrs in by_subject.items():
        first = _first_of(attrs)

        area, residents = first("oppervlakte"), first("aantalBewoners")
        if (
            area
            and residents
            and isinstance(area.value, int | float)
            and isinstance(residents.value, int)
            and residents.value > 0
        ):
            per_person = round(area.value / residents.value, 1)
            point = None
            if per_person < norms.m2_per_resident_norm:
                point = (
                    "Weinig woonruimte per bewoner",
                    f"{residents.value} ingeschreven bewoners op {area.value} m² "
                    f"= {dutch_number(per_person)} m² per persoon "
                    f"(norm {dutch_number(norms.m2_per_resident_norm)} m²; "
                    f"{area.provenance.registry}, feit {area.id}; "
                    f"{residents.provenance.registry}, feit {residents.id})."
                    + _flag_says_otherwise(first("indicatieVeelBewoners")),
                )
            out.derive(subject, "m2_per_bewoner", per_person, [area, residents], point)

        count, uses = first("aantalInschrijvingenOpAdres"), first("gebruiksdoelen")
        if count and uses and isinstance(count.value, int) and "woonfunctie" in (uses.value or []):
            point = None
            if count.value >= norms.businesses_at_home:
                point = (
                    "Meerdere bedrijven op een woonadres",
                    f"{count.value} inschrijvingen in het Handelsregister op een adres met "
                    "woonfunctie.",
                )
            out.derive(subject, "bedrijven_op_woonadres", count.value, [count, uses], point)

        age = first("leeftijd")
        if age and isinstance(age.value, int) and age.value < 18:
            out.derive(
                subject,
                "minderjarig",
                True,
                [age],
                ("Minderjarige", f"Deze persoon is {age.value} jaar."),
            )
        residents_list = first("bewoners")
        if residents_list and isinstance(residents_list.value, list):
            minors = [
                b
                for b in residents_list.value
                if isinstance(b, dict) and isinstance(b.get("leeftijd"), int) and b["leeftijd"] < 18
            ]
            if minors:
                out.derive(
                    subject,
                    "minderjarige_bewoners",
                    len(minors),
                    [residents_list],
                    (
                        "Minderjarige bewoner(s)",
                        f"{len(minors)} van de ingeschreven bewoners is jonger dan 18 jaar.",
                    ),
                )

        registered = first("datumInschrijvingInGemeente")
        moved_in = first("verblijfplaats")
        recent_sources = []
        if registered and (d := _iso(registered.value)) and d >= recent_since:
            recent_sources.append(registered)
        if moved_in and isinstance(moved_in.value, dict):
            d = _iso(moved_in.value.get("datumVan"))
            if d and d >= recent_since:
                recent_sources.append(moved_in)
        if recent_sources:
            out.derive(
                subject,
                "recent_ingeschreven",
                True,
                recent_sources,
                (
                    "Recent ingeschreven",
                    f"Ingeschreven op dit adres of in de gemeente in de laatste "
                    f"{norms.recent_days} dagen.",
                ),
            )
        new_residents = first("aantalNieuweBewoners")
        if new_residents and isinstance(new_residents.value, int) and new_residents.value > 0:
            out.derive(
                subject,
                "nieuwe_bewoners",
                new_residents.value,
                [new_residents],
                (
                    "Recent nieuwe bewoners",
                    f"{new_residents.value} bewoner(s) zijn in de laatste {norms.recent_days} "
                    "dagen op dit adres bijgekomen.",
                ),
            )

        open_cases = first("aantalOpenZaken")
        if open_cases and isinstance(open_cases.value, int) and open_cases.value > 0:
            out.derive(
                subject,
                "open_handhavingszaken",
                open_cases.value,
                [open_cases],
                (
                    "Lopende handhavingszaak",
                    f"{open_cases.value} openstaande handhavingszaak/-zaken in het zaaksysteem.",
                ),
            )

        danger = first("hoogsteMateVanGevaar")
        if danger and danger.value == "ernstig_gevaar":
            out.derive(
                subject,
                "bibob_ernstig_gevaar",
                True,
                [danger],
                (
                    "Bibob: ernstig gevaar",
                    "Een Bibob-onderzoek bij een vergunning concludeerde ernstig gevaar "
                    "(vertrouwelijk, art. 28 Wet Bibob).",
                ),
            )
    return out.facts, out.points
