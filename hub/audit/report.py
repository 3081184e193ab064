"""The subject report: what a person may ask to see (art. 15 AVG, art. 3.22 Wet BRP).

For one BSN: every processing of their data by the hub (processing log), every supply
from the BRP (BRP protocol) and every disclosure to a table (a verstrekking, also in the
processing log) — when, by which organisation, from which source or to which
recipient, for which purpose and legal ground, which kinds of data. Processing marked
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
    recipient: str | None = None


@dataclass(frozen=True, slots=True)
class SubjectReport:
    """The overview for one person."""

    generated_at: str
    processing: tuple[ReportLine, ...]
    brp_supplies: tuple[ReportLine, ...]
    disclosures: tuple[ReportLine, ...]
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
            "disclosures": [asdict(line) for line in self.disclosures],
            "omitted_confidential": bool(self.omitted_confidential),
            "notice": self.notice,
        }


#: the record kinds the person may see, and the source each names for itself
_SOURCES: dict[str, str | None] = {
    "processing": None,  # the registry asked, named in the record
    "brp_protocol": "BRP",
    "disclosure": "dossier",  # passed on from the dossier to a recipient
}


def _line(p: dict[str, Any]) -> ReportLine:
    """The line of a processing, BRP-protocol or disclosure record (each its own shape)."""
    return ReportLine(
        time=p["start_time"] if p["kind"] == "processing" else p["time"],
        organisation=p["municipality"],
        source=_SOURCES[p["kind"]] or p["registry"],
        purpose=p["processing_activity_name"],
        purpose_id=p["processing_activity_id"],
        legal_ground=p["legal_ground"],
        fields=tuple(p["fields"]),
        status=p.get("status"),
        recipient=p.get("recipient_label"),
    )


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
    lines: dict[str, list[ReportLine]] = {kind: [] for kind in _SOURCES}
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
        # Each kind of record has its own shape: dispatch on the kind the record names,
        # never on the log it sits in (a log holds more than one kind).
        if p.get("kind") in lines:
            lines[p["kind"]].append(_line(p))
    return SubjectReport(
        generated_at=format_ts(utc_now()),
        processing=tuple(lines["processing"]),
        brp_supplies=tuple(lines["brp_protocol"]),
        disclosures=tuple(lines["disclosure"]),
        omitted_confidential=omitted,
        integrity_warnings=warnings,
    )
