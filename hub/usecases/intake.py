"""Steps 1 and 2 of the reporting route: a colleague reports a signal, the officers of
that municipality are told, and the colleague sees what came of it (step 7).

A colleague has the role ``melder``: they write a report through a short form (what
they saw, where as far as known, the form of exploitation if known, how to reach
them) and see only their own reports with the feedback on them; they reach no
dossier (every dossier use case requires the officer role). An officer of the
report's municipality is notified (:mod:`.notifications`), reads it, and answers it
with feedback, e.g. "opgepakt". Every
report and feedback is encrypted and in the store log (:class:`hub.store.ReportStore`);
every action is an access-log line; another municipality's report is answered
exactly like an unknown one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from functools import partial

from ..accountability import Actor
from ..signal import FORM_LABELS, MAX_DESCRIPTION, Form
from ..store import DecryptionFailed, ReportRow
from ..web.users import Accounts
from .context import Context
from .errors import Damaged, Invalid, NotFound, Problem
from .notifications import Notifications

__all__ = ["FEEDBACK", "FIELDS", "Feedback", "Intake", "Report"]

#: the report's fields in form order: name → (Dutch label, most characters, required)
FIELDS: dict[str, tuple[str, int, bool]] = {
    "wat": ("Wat heeft u gezien of gehoord?", 5_000, True),
    "adres": ("Adres", 300, False),
    "bedrijf": ("Bedrijf", 300, False),
    "persoon": ("Persoon", 300, False),
    "vorm": ("Vorm van uitbuiting", 40, False),
    "contact": ("Hoe kunnen wij u bereiken?", 300, True),
}
#: what an officer's feedback says came of a report → what the colleague reads
FEEDBACK: dict[str, str] = {"opgepakt": "opgepakt", "afgesloten": "afgesloten"}
_REPORT, _FEEDBACK = "melding", "terugkoppeling"


@dataclass(frozen=True, slots=True)
class Feedback:
    """An officer's answer to a report, with who gave it and when."""

    status: str
    text: str
    officer_id: str
    created_at: str
    dossier_id: str = ""

    @property
    def status_label(self) -> str:
        return FEEDBACK[self.status]


@dataclass(frozen=True, slots=True)
class Report:
    """A colleague's report with the feedback on it, oldest first."""

    id: str
    municipality: str
    reporter_id: str
    created_at: str
    fields: dict[str, str]
    feedback: tuple[Feedback, ...] = ()

    @property
    def form_label(self) -> str:
        form = self.fields.get("vorm", "")
        return FORM_LABELS[Form(form)] if form else ""


def _reports(rows: list[ReportRow]) -> list[Report]:
    """Reports from their rows (a report's row comes before the rows about it)."""
    found: dict[str, Report] = {}
    for row in rows:
        if row.kind == _REPORT:
            found[row.id] = Report(
                row.id, row.municipality, row.author_id, row.created_at, dict(row.content)
            )
            continue
        report = found.get(row.report_id)
        if report is None:
            continue
        if row.kind == _FEEDBACK:  # the only kind of row about a report, so far
            c = row.content
            answer = Feedback(
                c["status"], c["text"], row.author_id, row.created_at, c.get("dossier_id", "")
            )
            found[report.id] = replace(report, feedback=(*report.feedback, answer))
    return sorted(found.values(), key=lambda r: r.id, reverse=True)


def _check(values: Mapping[str, str], actor: Actor) -> tuple[dict[str, str], list[Problem]]:
    cleaned: dict[str, str] = {}
    problems: list[Problem] = []
    for name, (label, limit, required) in FIELDS.items():
        text = values.get(name, "").strip()
        if required and not text:
            problems.append(Problem(name, f"{label}: vul dit veld in"))
        elif len(text) > limit:
            problems.append(
                Problem(name, f"{label}: ten hoogste {limit:,} tekens".replace(",", "."))
            )
        elif name == "vorm" and text and text not in {f.value for f in Form}:
            problems.append(Problem(name, f"{label}: kies een vorm uit de lijst of laat leeg"))
        cleaned[name] = text
    municipality = values.get("gemeente", "").strip() or (actor.municipalities or ("",))[0]
    if not actor.may_see(municipality):
        problems.append(Problem("gemeente", "Gemeente: kies een gemeente waarvoor u werkt"))
    cleaned["gemeente"] = municipality
    return cleaned, problems


@dataclass(frozen=True)
class Intake:
    ctx: Context

    # -- the colleague -------------------------------------------------------------

    def submit(self, actor: Actor, values: Mapping[str, str]) -> Report:
        """Store a colleague's report for the officers of their municipality. Bad input
        is :class:`Invalid` naming each field in form order, nothing written."""
        self.ctx.require_role(actor, "melder", "report.add")
        cleaned, problems = _check(values, actor)
        if problems:
            raise Invalid(problems)
        municipality = cleaned.pop("gemeente")
        row = self.ctx.storage.reports.add(municipality, actor.id, _REPORT, cleaned)
        self.ctx.storage.notifications.add(municipality, _REPORT, row.id)
        self._log(actor, "report.add", municipality, row.id, "melder")
        return _reports([row])[0]

    def mine(self, actor: Actor) -> list[Report]:
        """The actor's own reports with the feedback on them, newest first."""
        self.ctx.require_role(actor, "melder", "report.list")
        reports = self._open(lambda: self.ctx.storage.reports.by_author(actor.id), actor)
        self.ctx.storage.record_access(
            actor, "report.list", role="melder", detail={"count": str(len(reports))}
        )
        return reports

    # -- the officer ---------------------------------------------------------------

    def inbox(self, actor: Actor) -> list[Report]:
        """The reports of the officer's municipalities, newest first."""
        self.ctx.require_role(actor, "officer", "report.list")
        reports = [
            report
            for municipality in actor.municipalities
            for report in self._open(
                partial(self.ctx.storage.reports.by_municipality, municipality), actor
            )
        ]
        reports.sort(key=lambda r: r.id, reverse=True)
        self.ctx.storage.record_access(
            actor, "report.list", role="officer", detail={"count": str(len(reports))}
        )
        return reports

    def read(self, actor: Actor, report_id: str) -> Report:
        """One report for an officer of its municipality; its notification is read."""
        report = self._report(actor, report_id, "report.view")
        Notifications(self.ctx).seen(actor, _REPORT, report.id)
        self._log(actor, "report.view", report.municipality, report.id, "officer")
        return report

    def answer(
        self, actor: Actor, report_id: str, status: str, text: str = "", dossier_id: str = ""
    ) -> Report:
        """The officer's feedback to the colleague (step 7): opgepakt or afgesloten,
        with a short text and the dossier it became, if any."""
        report = self._report(actor, report_id, "report.feedback")
        problems: list[Problem] = []
        if status not in FEEDBACK:
            problems.append(Problem("status", "Terugkoppeling: kies opgepakt of afgesloten"))
        if len(text.strip()) > 1_000:
            problems.append(Problem("text", "Toelichting: ten hoogste 1.000 tekens"))
        if problems:
            raise Invalid(problems)
        content = {"status": status, "text": text.strip(), "dossier_id": dossier_id.strip()}
        self.ctx.storage.reports.add(
            report.municipality, actor.id, _FEEDBACK, content, report_id=report.id
        )
        self._log(actor, "report.feedback", report.municipality, report.id, "officer")
        return self._reopen(report.id, actor)

    def as_signal(self, actor: Actor, report_id: str) -> dict[str, str]:
        """Step 3 starts from the report: what the signal form is prefilled with
        (municipality, form of exploitation, a description, the colleague as reporter);
        the officer checks and completes it. Reading it is a ``report.view``."""
        report = self.read(actor, report_id)
        fields = report.fields
        where = [
            f"{FIELDS[k][0]}: {fields[k]}" for k in ("adres", "bedrijf", "persoon") if fields[k]
        ]
        user = Accounts(self.ctx.storage.db, self.ctx.config.municipalities).get(report.reporter_id)
        contact = fields["contact"]
        values = {
            "municipality": report.municipality,
            "forms": fields["vorm"],
            "description": " ".join([f"Melding van een collega: {fields['wat']}", *where])[
                :MAX_DESCRIPTION
            ],
            "reporter.name": user.name if user is not None else report.reporter_id,
            "reporter.email": contact if "@" in contact else "",
        }
        return values

    # -- helpers -------------------------------------------------------------------

    def _report(self, actor: Actor, report_id: str, action: str) -> Report:
        self.ctx.require_role(actor, "officer", action)
        found = self._reopen(report_id, actor)
        if not actor.may_see(found.municipality):
            self.ctx.storage.record_access(
                actor,
                action,
                result="refused",
                reason=f"melding hoort bij gemeente {found.municipality}",
                detail={"report_id": report_id},
            )
            raise NotFound("melding", report_id, "report_id")
        return found

    def _reopen(self, report_id: str, actor: Actor) -> Report:
        reports = self._open(lambda: self.ctx.storage.reports.about(report_id), actor)
        if not reports:
            raise NotFound("melding", report_id, "report_id")
        return reports[0]

    def _open(self, rows: Callable[[], list[ReportRow]], actor: Actor) -> list[Report]:
        try:
            return _reports(rows())
        except DecryptionFailed:
            self.ctx.storage.record_access(
                actor, "report.view", result="refused", reason="tampered"
            )
            raise Damaged("melding", "", None) from None

    def _log(self, actor: Actor, action: str, municipality: str, report_id: str, role: str) -> None:
        self.ctx.storage.record_access(
            actor, action, role=role, municipality=municipality, detail={"report_id": report_id}
        )
