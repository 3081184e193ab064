"""The case around a signal: status, assignee, the officer's notes, and the signal list.

All versions of a signal's dossier form one case. Its status is one of
:data:`STATUSES` (afgesloten needs a reason), its assignee an officer of the
signal's municipality, and the officer's notes and assessment are facts with
provenance "aandachtsfunctionaris" (who, when), kept apart from registry facts. Only an
officer of the signal's municipality reads or changes a case; another municipality's
case is answered exactly like an unknown dossier id. Every change and every note is
an access-log line, and every note a store-log entry (:class:`hub.store.CaseStore`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..accountability import Actor
from ..dossier import Dossier, OutcomeStatus
from ..signal import FORM_LABELS, Form
from ..store import CaseNoteRow, DecryptionFailed, DossierSummary
from ..web.users import Accounts, User
from .context import Context
from .dossiers import Dossiers
from .errors import Damaged, Invalid, Problem

__all__ = [
    "NOTE_KINDS",
    "PROVENANCE",
    "SORTS",
    "STATUSES",
    "Case",
    "CaseNote",
    "Cases",
    "SignalLine",
    "SignalPage",
    "SignalQuery",
]

#: stored status → what the officer reads
STATUSES: dict[str, str] = {
    "nieuw": "nieuw",
    "in_behandeling": "in behandeling",
    "doorgestuurd": "doorgestuurd",
    "afgesloten": "afgesloten",
}
#: kinds of note an officer writes (a status change is a note of kind "status")
NOTE_KINDS: dict[str, str] = {"notitie": "notitie", "beoordeling": "beoordeling"}
#: the provenance of everything in a case: the officer, never a registry
PROVENANCE = "aandachtsfunctionaris"
#: the orders of the signal list
SORTS = ("nieuwste", "oudste", "status", "gemeente")
MAX_NOTE = 10_000
MAX_REASON = 1_000
_FAILED = (OutcomeStatus.FAILED, OutcomeStatus.TIMEOUT)


@dataclass(frozen=True, slots=True)
class CaseNote:
    """A note, assessment or status change, with who wrote it and when."""

    kind: str
    text: str
    officer_id: str
    created_at: str
    status: str | None = None
    assignee: str | None = None
    provenance: str = PROVENANCE


@dataclass(frozen=True, slots=True)
class Case:
    """The case of one signal: its current status and assignee, and its notes."""

    signal_id: str
    municipality: str
    status: str = "nieuw"
    assignee: str | None = None
    reason: str | None = None
    notes: tuple[CaseNote, ...] = ()

    @property
    def status_label(self) -> str:
        return STATUSES[self.status]


@dataclass(frozen=True, slots=True)
class SignalQuery:
    """What the officer asks of the signal list (every field optional)."""

    search: str = ""
    status: str | None = None
    municipality: str | None = None
    sort: str = "nieuwste"
    page: int = 1
    per_page: int = 25


@dataclass(frozen=True, slots=True)
class SignalLine:
    """One signal in the list: its newest dossier and its case."""

    dossier_id: str
    signal_id: str
    municipality: str
    names: tuple[str, ...]
    addresses: tuple[str, ...]
    forms: tuple[str, ...]
    created_at: str
    status: str
    forwarded_to: tuple[str, ...]
    failed_sources: tuple[str, ...]

    @property
    def status_label(self) -> str:
        return STATUSES[self.status]

    def matches(self, text: str) -> bool:
        words = (self.dossier_id, self.signal_id, *self.names, *self.addresses, *self.forms)
        return text.casefold() in " ".join(words).casefold()


@dataclass(frozen=True, slots=True)
class SignalPage:
    lines: tuple[SignalLine, ...]
    total: int
    page: int
    pages: int
    query: SignalQuery = field(default_factory=SignalQuery)


def _case(signal_id: str, municipality: str, rows: list[CaseNoteRow]) -> Case:
    notes = tuple(
        CaseNote(r.kind, r.text, r.officer_id, r.created_at, r.status, r.assignee) for r in rows
    )
    last = next((n for n in reversed(notes) if n.kind == "status"), None)
    if last is None or last.status is None:
        return Case(signal_id, municipality, notes=notes)
    reason = last.text if last.status == "afgesloten" else None
    return Case(signal_id, municipality, last.status, last.assignee, reason, notes)


def _text(value: str, name: str, limit: int, *, required: bool) -> list[Problem]:
    text = value.strip()
    if required and not text:
        return [Problem(name, "vul dit veld in")]
    if len(text) > limit:
        return [Problem(name, f"ten hoogste {limit:,} tekens".replace(",", "."))]
    return []


@dataclass(frozen=True)
class Cases:
    ctx: Context

    # -- one case ------------------------------------------------------------------

    def of(self, actor: Actor, dossier: Dossier) -> Case:
        """The case of a dossier the actor has just viewed (that view is the access-log
        line); :class:`Damaged` when a note was changed outside opplus."""
        municipality = str(dossier.signal["municipality"])
        if "officer" not in actor.roles or not actor.may_see(municipality):
            raise self.ctx.not_yours(actor, "case.view", dossier.id, municipality)
        try:
            rows = self.ctx.storage.cases.notes(dossier.signal_id)
        except DecryptionFailed:
            self.ctx.storage.record_access(
                actor, "case.view", result="refused", dossier_id=dossier.id, reason="tampered"
            )
            raise Damaged("zaak", dossier.signal_id, "dossier_id") from None
        return _case(dossier.signal_id, municipality, rows)

    def show(self, actor: Actor, dossier_id: str) -> Case:
        """The case of a dossier's signal, the dossier viewed for it (logged as
        ``case.view``)."""
        return self.of(actor, Dossiers(self.ctx).view(actor, dossier_id, action="case.view"))

    def change_status(
        self,
        actor: Actor,
        dossier_id: str,
        status: str,
        *,
        reason: str = "",
        assignee: str = "",
    ) -> Case:
        """Set the status (and assignee, empty: nobody) of the dossier's case; afgesloten
        needs a reason. Bad input is :class:`Invalid` naming each field, nothing written;
        permission is checked first, so a caller who may not change the case learns
        nothing from the check of its input."""
        dossier = self._dossier(actor, dossier_id, "case.status")
        problems: list[Problem] = []
        if status not in STATUSES:
            problems.append(
                Problem("status", "kies nieuw, in behandeling, doorgestuurd of afgesloten")
            )
        problems += _text(reason, "reason", MAX_REASON, required=status == "afgesloten")
        who = assignee.strip() or None
        municipality = str(dossier.signal["municipality"])
        if who is not None and not self._is_officer_of(actor, who, municipality):
            problems.append(
                Problem("assignee", f"{who} is geen aandachtsfunctionaris van deze gemeente")
            )
        if problems:
            raise Invalid(problems)
        case = self.of(actor, dossier)
        self.ctx.storage.cases.add(
            dossier.signal_id,
            municipality,
            actor.id,
            "status",
            reason.strip(),
            status=status,
            assignee=who,
        )
        self._log(actor, "case.status", dossier, status=status, assignee=who or "")
        return self._reopen(case, dossier)

    def add_note(self, actor: Actor, dossier_id: str, text: str, kind: str = "notitie") -> Case:
        """Add the officer's note or assessment to the dossier's case (permission first,
        as for a status change)."""
        dossier = self._dossier(actor, dossier_id, "case.note")
        problems = _text(text, "text", MAX_NOTE, required=True)
        if kind not in NOTE_KINDS:
            problems.append(Problem("kind", "kies notitie of beoordeling"))
        if problems:
            raise Invalid(problems)
        case = self.of(actor, dossier)
        self.ctx.storage.cases.add(
            dossier.signal_id, case.municipality, actor.id, kind, text.strip()
        )
        self._log(actor, "case.note", dossier, kind=kind)
        return self._reopen(case, dossier)

    # -- the signal list -----------------------------------------------------------

    def signals(self, actor: Actor, query: SignalQuery) -> SignalPage:
        """The signals of the actor's municipalities (the newest dossier of each), with
        their case status, searched, filtered, sorted and paged."""
        self.ctx.require_role(actor, "officer", "list")
        problems = self._check_query(actor, query)
        if problems:
            raise Invalid(problems)
        storage = self.ctx.storage
        municipalities = [query.municipality] if query.municipality else actor.municipalities
        newest: dict[str, DossierSummary] = {}
        for municipality in municipalities:
            for summary in storage.dossiers.list(municipality=municipality, limit=10_000):
                newest.setdefault(summary.signal_id, summary)
        statuses = storage.cases.statuses(list(newest))
        forwarded = self._forwarded(list(newest))
        lines = [
            line
            for summary in newest.values()
            if (
                line := self._line(
                    summary,
                    statuses.get(summary.signal_id, ("nieuw", None))[0],
                    forwarded.get(summary.signal_id, ()),
                )
            )
            is not None
        ]
        if query.status:
            lines = [line for line in lines if line.status == query.status]
        if query.search.strip():
            lines = [line for line in lines if line.matches(query.search.strip())]
        lines = _sorted(lines, query.sort)
        pages = max(1, -(-len(lines) // query.per_page))
        start = (query.page - 1) * query.per_page
        storage.record_access(
            actor,
            "list",
            role="officer",
            detail={"count": str(len(lines)), "page": str(query.page)},
        )
        return SignalPage(
            tuple(lines[start : start + query.per_page]), len(lines), query.page, pages, query
        )

    def resolve(self, actor: Actor, prefix: str) -> str:
        """The dossier id ``prefix`` stands for: the one id of the actor's
        municipalities that starts with it; else ``prefix`` itself, so that viewing it
        answers (and logs) as for any id. :class:`Invalid` naming how many when several
        start with it and none is exactly it."""
        self.ctx.require_role(actor, "officer", "view")
        found = {
            s.id
            for municipality in actor.municipalities
            for s in self.ctx.storage.dossiers.list(municipality=municipality, limit=100_000)
            if s.id.startswith(prefix)
        }
        if len(found) == 1:
            return found.pop()
        if len(found) > 1 and prefix not in found:
            raise Invalid(
                [
                    Problem(
                        "dossier_id", f"{prefix} past bij {len(found)} dossiers; geef meer tekens"
                    )
                ]
            )
        return prefix

    # -- helpers -------------------------------------------------------------------

    def _dossier(self, actor: Actor, dossier_id: str, action: str) -> Dossier:
        # a view's checks and refusals (another municipality: NotFound), no view line of
        # its own: the change is logged once it is written
        return Dossiers(self.ctx).view(actor, dossier_id, action=action, log=False)

    def _reopen(self, case: Case, dossier: Dossier) -> Case:
        rows = self.ctx.storage.cases.notes(dossier.signal_id)
        return _case(case.signal_id, case.municipality, rows)

    def mark_forwarded(self, actor: Actor, dossier: Dossier, to: str) -> None:
        """A forward moves a case that is new or in progress to doorgestuurd (with the
        table as its reason); a closed or already forwarded case keeps its status."""
        case = self.of(actor, dossier)
        if case.status not in ("nieuw", "in_behandeling"):
            return
        self.ctx.storage.cases.add(
            dossier.signal_id,
            case.municipality,
            actor.id,
            "status",
            f"doorgestuurd naar {to}",
            status="doorgestuurd",
            assignee=case.assignee,
        )
        self._log(
            actor, "case.status", dossier, status="doorgestuurd", assignee=case.assignee or ""
        )

    def _log(self, actor: Actor, action: str, dossier: Dossier, **detail: str) -> None:
        self.ctx.storage.record_access(
            actor,
            action,
            role="officer",
            municipality=str(dossier.signal["municipality"]),
            signal_id=dossier.signal_id,
            dossier_id=dossier.id,
            detail=detail,
        )

    def assignable(self, actor: Actor, dossier: Dossier) -> list[tuple[str, str]]:
        """(login, name) of each officer the case of a viewed dossier may be assigned
        to: the active officers of its municipality, and the actor."""
        municipality = str(dossier.signal["municipality"])
        users = Accounts(self.ctx.storage.db, self.ctx.config.municipalities).all()
        found = {u.login: u.name for u in users if _assignable(u, municipality)}
        found.setdefault(actor.id, actor.name)
        return sorted(found.items(), key=lambda item: item[1].casefold())

    def _is_officer_of(self, actor: Actor, login: str, municipality: str) -> bool:
        if login == actor.id:
            return True
        user = Accounts(self.ctx.storage.db, self.ctx.config.municipalities).get(login)
        return user is not None and _assignable(user, municipality)

    def _check_query(self, actor: Actor, query: SignalQuery) -> list[Problem]:
        problems: list[Problem] = []
        if len(query.search) > 200:
            problems.append(Problem("search", "ten hoogste 200 tekens"))
        if query.status is not None and query.status not in STATUSES:
            problems.append(
                Problem("status", "kies nieuw, in behandeling, doorgestuurd of afgesloten")
            )
        if query.municipality is not None and not actor.may_see(query.municipality):
            problems.append(Problem("municipality", "kies een gemeente waarvoor u werkt"))
        if query.sort not in SORTS:
            problems.append(Problem("sort", "kies " + ", ".join(SORTS)))
        if query.page < 1:
            problems.append(Problem("page", "een paginanummer is 1 of hoger"))
        return problems

    def _forwarded(self, signal_ids: list[str]) -> dict[str, tuple[str, ...]]:
        if not signal_ids:
            return {}
        marks = ", ".join("?" * len(signal_ids))
        rows = self.ctx.storage.db.query(
            f"SELECT signal_id, table_name FROM deliveries WHERE signal_id IN ({marks})"  # noqa: S608
            " ORDER BY created_at",
            tuple(signal_ids),
        )
        found: dict[str, tuple[str, ...]] = {}
        for signal_id, table in rows:
            if table not in found.get(signal_id, ()):
                found[signal_id] = (*found.get(signal_id, ()), str(table))
        return found

    def _line(
        self, summary: DossierSummary, status: str, forwarded: tuple[str, ...]
    ) -> SignalLine | None:
        try:
            _, dossier = self.ctx.storage.open_dossier(summary.id)
        except (DecryptionFailed, ValueError):
            return None  # a damaged dossier is not listed (its view says why)
        signal = dossier.signal
        names = tuple(
            str(f.value)
            for f in dossier.facts
            if f.attribute == "naam.volledigeNaam" and f.subject.startswith("person:")
        )
        addresses = tuple(
            f"{a['postcode']} {a['huisnummer']}{a.get('huisletter') or ''}"
            for a in signal.get("addresses", [])
        )
        forms = tuple(FORM_LABELS.get(Form(f), f) for f in signal.get("forms", []))
        failed = tuple(sorted({o.connector for o in dossier.outcomes if o.status in _FAILED}))
        return SignalLine(
            summary.id,
            summary.signal_id,
            summary.municipality,
            tuple(dict.fromkeys(names)),
            addresses,
            forms,
            summary.created_at,
            status,
            forwarded,
            failed,
        )


def _assignable(user: User, municipality: str) -> bool:
    # a person who works the municipality's cases: no system account (an API client)
    return (
        not user.disabled
        and user.source != "system"
        and "officer" in user.roles
        and municipality in user.municipalities
    )


def _sorted(lines: list[SignalLine], sort: str) -> list[SignalLine]:
    newest = sorted(lines, key=lambda line: line.created_at, reverse=True)
    if sort == "oudste":
        return newest[::-1]
    if sort == "status":
        order = list(STATUSES)
        return sorted(newest, key=lambda line: order.index(line.status))
    if sort == "gemeente":
        return sorted(newest, key=lambda line: line.municipality)
    return newest
