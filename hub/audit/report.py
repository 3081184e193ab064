"""The subject report: what a person may ask to see (art. 15 AVG, art. 3.22 Wet BRP).

For one BSN: every processing of their data by the hub (processing log) and every
supply from the BRP (BRP protocol) — when, by which organisation, from which source,
for which purpose and legal ground, which kinds of data. Processing marked
confidential (e.g. where telling would harm an investigation) is left out, and the
report says that it left something out (``omitted_confidential``, ``notice``).
Officer names are not in it: the citizen learns which organisation, not which person.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from hub.store.timestamps import format_ts, utc_now

from .records import BRP_LOG, PROCESSING_LOG
from .search import search
from .trail import AuditTrail

__all__ = ["ReportLine", "SubjectReport", "subject_report"]

_NOTICE = (
    "Niet alle verwerkingen staan in dit overzicht: verwerkingen die als vertrouwelijk "
    "zijn aangemerkt, zijn weggelaten (beperking op grond van artikel 23 AVG)."
)


@dataclass(frozen=True, slots=True)
class ReportLine:
    """One processing or supply, as the person reads it."""

    time: str
    organisation: str
    source: str
    purpose: str
    purpose_id: str
    legal_ground: str
    fields: tuple[str, ...]
    status: str | None = None


@dataclass(frozen=True, slots=True)
class SubjectReport:
    """The overview for one person."""

    generated_at: str
    processing: tuple[ReportLine, ...]
    brp_supplies: tuple[ReportLine, ...]
    omitted_confidential: int
    integrity_warnings: int

    @property
    def notice(self) -> str | None:
        """The sentence that says something was left out (Dutch), or None."""
        return _NOTICE if self.omitted_confidential else None

    def to_json(self) -> dict[str, Any]:
        return {
            "generated_at": self.generated_at,
            "processing": [asdict(line) for line in self.processing],
            "brp_supplies": [asdict(line) for line in self.brp_supplies],
            "omitted_confidential": bool(self.omitted_confidential),
            "notice": self.notice,
        }


def subject_report(
    trail: AuditTrail,
    bsn: str,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
) -> SubjectReport:
    """The report for ``bsn`` (pseudonymised on the fly; never stored or logged).

    ``integrity_warnings`` counts lines whose log entry failed its quick integrity
    check: run a full verification before handing the report out when it is not 0.
    """
    entries = search(
        trail, bsn=bsn, since=since, until=until, logs=(PROCESSING_LOG, BRP_LOG), limit=1_000_000
    )
    processing: list[ReportLine] = []
    supplies: list[ReportLine] = []
    omitted = warnings = 0
    for entry in entries:
        p = entry.payload
        if p is None:
            continue
        if not entry.intact:
            warnings += 1
        if p.get("confidential"):
            omitted += 1
            continue
        if entry.log == PROCESSING_LOG:
            processing.append(
                ReportLine(
                    time=p["start_time"],
                    organisation=p["municipality"],
                    source=p["registry"],
                    purpose=p["processing_activity_name"],
                    purpose_id=p["processing_activity_id"],
                    legal_ground=p["legal_ground"],
                    fields=tuple(p["fields"]),
                    status=p["status"],
                )
            )
        else:
            supplies.append(
                ReportLine(
                    time=p["time"],
                    organisation=p["municipality"],
                    source="BRP",
                    purpose=p["processing_activity_name"],
                    purpose_id=p["processing_activity_id"],
                    legal_ground=p["legal_ground"],
                    fields=tuple(p["fields"]),
                )
            )
    return SubjectReport(
        generated_at=format_ts(utc_now()),
        processing=tuple(processing),
        brp_supplies=tuple(supplies),
        omitted_confidential=omitted,
        integrity_warnings=warnings,
    )
