"""Issue 12, the case around the dossier, at the use-case level on both backends:
status (afgesloten only with a reason), assignee (an officer of the municipality),
notes with provenance "aandachtsfunctionaris", encrypted and in the store log; another
municipality's case is answered like an unknown id; the signal list searches,
filters, sorts and pages; a dossier id prefix resolves only when unique."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from hub.accountability import Actor
from hub.audit.store_check import check_store
from hub.dossier import Dossier, OfficerRecord, Outcome, PurposeRecord
from hub.usecases import Damaged, Invalid, NotFound, Refused
from hub.usecases.cases import Case, Cases, SignalQuery
from hub.usecases.context import Context

from ..test_forwarding_minimise import fact
from .conftest import AUDITOR, ENKHUIZEN_OFFICER, HOORN_OFFICER, access_log, refusals

START = datetime(2026, 11, 28, 9, tzinfo=UTC)
SECRET_NOTE = "moeder zegt dat zij 's nachts wordt opgehaald"


def _dossier(n: int, municipality: str, *, name: str, failed: bool = False) -> Dossier:
    person = f"person:99999{n:04d}"
    when = START + timedelta(hours=n)
    return Dossier(
        id=f"d{n:02d}-{municipality}",
        signal_id=f"sig-{n}",
        trace_id="0" * 32,
        created_at=when,
        completed_at=when,
        duration_ms=1,
        purpose=PurposeRecord(id="VA", name="n", legal_ground="g"),
        officer=OfficerRecord(id="o", name="O", municipality=municipality),
        signal={
            "municipality": municipality,
            "forms": ["arbeidsuitbuiting"],
            "purpose": "VA",
            "addresses": [{"postcode": "1621AB", "huisnummer": n}],
        },
        subjects=[],
        facts=[fact(1, person, "naam.volledigeNaam", name, "personal")],
        conflicts=[],
        outcomes=[
            Outcome(connector="kvk", subject=person, round=1, status="timeout" if failed else "ok")
        ],
    )


def _store(context: Context, dossier: Dossier) -> None:
    context.storage.dossiers.save(
        dossier.id,
        dossier.signal_id,
        dossier.signal["municipality"],
        "o",
        dossier.model_dump(mode="json"),
    )


@pytest.fixture
def cases(context: Context) -> Cases:
    """Enkhuizen: d01 (Jan Visser, kvk timed out) and d02 (Piet Bakker); Hoorn: d03."""
    _store(context, _dossier(1, "0388", name="Jan Visser", failed=True))
    _store(context, _dossier(2, "0388", name="Piet Bakker"))
    _store(context, _dossier(3, "0405", name="Kees Hoorn"))
    return Cases(context)


def _case(cases: Cases, actor: Actor, dossier_id: str) -> Case:
    return cases.of(actor, cases.ctx.storage.load_dossier(dossier_id))


def test_a_new_case_is_nieuw_and_a_note_has_the_officer_as_provenance(
    context: Context, cases: Cases
) -> None:
    assert _case(cases, ENKHUIZEN_OFFICER, "d01-0388").status == "nieuw"
    case = cases.add_note(ENKHUIZEN_OFFICER, "d01-0388", f"  {SECRET_NOTE} ", "beoordeling")
    [note] = case.notes
    assert (note.kind, note.text, note.officer_id) == ("beoordeling", SECRET_NOTE, "af-enkhuizen")
    assert note.provenance == "aandachtsfunctionaris" and note.created_at.startswith("20")
    # kept apart from the registry facts: the dossier itself is unchanged
    assert len(context.storage.load_dossier("d01-0388").facts) == 1
    # encrypted at rest, and proven by the store log
    raw = context.storage.db.query("SELECT envelope FROM case_notes")
    assert SECRET_NOTE.encode() not in bytes(raw[0][0])
    assert context.storage.trail.store.entry(context.storage.trail.store.size() - 1).payload[
        "record"
    ] == ("case_note")
    line = access_log(context)[-1]
    assert (line["action"], line["signal_id"], line["dossier_id"]) == (
        "case.note",
        "sig-1",
        "d01-0388",
    )
    assert SECRET_NOTE not in str(access_log(context))


def test_status_and_assignee_change_and_afgesloten_needs_a_reason(
    context: Context, cases: Cases
) -> None:
    with pytest.raises(Invalid) as missing:
        cases.change_status(ENKHUIZEN_OFFICER, "d01-0388", "afgesloten", reason="  ")
    assert [(p.field, p.message) for p in missing.value.problems] == [("reason", "vul dit veld in")]
    with pytest.raises(Invalid) as unknown:
        cases.change_status(ENKHUIZEN_OFFICER, "d01-0388", "klaar")
    assert unknown.value.field == "status"
    with pytest.raises(Invalid) as stranger:
        cases.change_status(ENKHUIZEN_OFFICER, "d01-0388", "in_behandeling", assignee="af-hoorn")
    assert stranger.value.field == "assignee" and "af-hoorn" in stranger.value.message
    assert context.storage.db.query("SELECT COUNT(*) FROM case_notes")[0][0] == 0

    case = cases.change_status(
        ENKHUIZEN_OFFICER, "d01-0388", "in_behandeling", assignee="af-enkhuizen"
    )
    assert (case.status, case.assignee, case.status_label) == (
        "in_behandeling",
        "af-enkhuizen",
        "in behandeling",
    )
    case = cases.change_status(ENKHUIZEN_OFFICER, "d01-0388", "afgesloten", reason="geen signaal")
    assert (case.status, case.reason, case.assignee) == ("afgesloten", "geen signaal", None)
    assert [n.status for n in case.notes] == ["in_behandeling", "afgesloten"]
    line = access_log(context)[-1]
    assert line["action"] == "case.status" and line["detail"]["status"] == "afgesloten"
    assert check_store(context.storage.trail.store).ok


def test_another_municipalitys_case_is_answered_like_an_unknown_id(
    context: Context, cases: Cases
) -> None:
    with pytest.raises(NotFound) as theirs:
        cases.add_note(HOORN_OFFICER, "d01-0388", "x")
    with pytest.raises(NotFound) as unknown:
        cases.change_status(HOORN_OFFICER, "d99-0388", "nieuw")
    assert theirs.value.field == unknown.value.field == "dossier_id"
    assert theirs.value.message == "dossier d01-0388 bestaat niet"
    with pytest.raises(NotFound):
        _case(cases, HOORN_OFFICER, "d01-0388")
    with pytest.raises(NotFound):  # permission before input: nothing learnt from a check
        cases.change_status(HOORN_OFFICER, "d01-0388", "afgesloten", reason="")
    with pytest.raises(Refused):
        cases.add_note(AUDITOR, "d01-0388", "x")
    assert {r["action"] for r in refusals(context)} == {"case.note", "case.status", "case.view"}
    assert context.storage.db.query("SELECT COUNT(*) FROM case_notes")[0][0] == 0


def test_a_note_changed_in_the_database_is_damaged(context: Context, cases: Cases) -> None:
    cases.change_status(ENKHUIZEN_OFFICER, "d01-0388", "in_behandeling")
    context.storage.db.execute("UPDATE case_notes SET status = 'afgesloten'")
    with pytest.raises(Damaged):
        _case(cases, ENKHUIZEN_OFFICER, "d01-0388")


def test_the_signal_list_searches_filters_sorts_and_pages(context: Context, cases: Cases) -> None:
    officer = Actor("af-beide", "B", ("officer",), ("0388", "0405"))
    cases.change_status(officer, "d02-0388", "in_behandeling")
    page = cases.signals(officer, SignalQuery())
    assert [line.dossier_id for line in page.lines] == ["d03-0405", "d02-0388", "d01-0388"]
    first = page.lines[-1]
    assert first.names == ("Jan Visser",) and first.addresses == ("1621AB 1",)
    assert first.forms == ("arbeidsuitbuiting",) and first.failed_sources == ("kvk",)
    assert first.status_label == "nieuw" and first.forwarded_to == ()
    assert [
        line.dossier_id for line in cases.signals(officer, SignalQuery(search="bakker")).lines
    ] == ["d02-0388"]
    by_status = cases.signals(officer, SignalQuery(status="in_behandeling"))
    assert [line.dossier_id for line in by_status.lines] == ["d02-0388"]
    hoorn = cases.signals(officer, SignalQuery(municipality="0405"))
    assert [line.dossier_id for line in hoorn.lines] == ["d03-0405"]
    oldest = cases.signals(officer, SignalQuery(sort="oudste", per_page=2, page=2))
    assert [line.dossier_id for line in oldest.lines] == ["d03-0405"]
    assert (oldest.total, oldest.pages) == (3, 2)
    # an officer sees only their own municipalities
    assert [line.dossier_id for line in cases.signals(HOORN_OFFICER, SignalQuery()).lines] == [
        "d03-0405"
    ]
    with pytest.raises(Invalid) as bad:
        cases.signals(HOORN_OFFICER, SignalQuery(municipality="0388", sort="x", page=0))
    assert [p.field for p in bad.value.problems] == ["municipality", "sort", "page"]


def test_a_newer_dossier_of_the_same_signal_is_one_line(context: Context, cases: Cases) -> None:
    newer = _dossier(1, "0388", name="Jan Visser").model_copy(update={"id": "d01-0388-b"})
    _store(context, newer)
    lines = cases.signals(ENKHUIZEN_OFFICER, SignalQuery()).lines
    assert [line.dossier_id for line in lines] == ["d01-0388-b", "d02-0388"]
    assert lines[0].failed_sources == ()


def test_a_dossier_id_prefix_resolves_only_when_unique(cases: Cases) -> None:
    assert cases.resolve(ENKHUIZEN_OFFICER, "d01") == "d01-0388"
    with pytest.raises(Invalid, match="d0 past bij 2 dossiers"):
        cases.resolve(ENKHUIZEN_OFFICER, "d0")
    # Hoorn's, or unknown: the id as given, for the view to answer NotFound and log it
    assert cases.resolve(ENKHUIZEN_OFFICER, "d03") == "d03"
    assert cases.resolve(ENKHUIZEN_OFFICER, "zz") == "zz"
