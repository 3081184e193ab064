"""Issue 12, steps 1 and 2, at the use-case level on both backends: a colleague (role
melder) reports a signal, sees only their own reports and the feedback on them; the
officers of that municipality read it (the badge counts what they have not read) and
answer it; another municipality's report is answered like an unknown one; reports are
encrypted, in the store log and access-logged."""

from __future__ import annotations

import pytest

from hub.accountability import Actor
from hub.audit.store_check import check_store
from hub.usecases import Damaged, Invalid, NotFound, Refused
from hub.usecases.context import Context
from hub.usecases.dossiers import Dossiers
from hub.usecases.intake import Intake
from hub.usecases.notifications import Notifications

from .conftest import ENKHUIZEN_OFFICER, HOORN_OFFICER, access_log, refusals

MELDER = Actor("m-enk", "M. Wijkagent", ("melder",), ("0388",))
OTHER_MELDER = Actor("m-enk-2", "M. Handhaver", ("melder",), ("0388",))
SEEN = "veel matrassen achter het pand, busje haalt om 5 uur mensen op"
REPORT = {"wat": SEEN, "adres": "Westerstraat 12", "vorm": "arbeidsuitbuiting", "contact": "06-1"}


def test_a_report_is_stored_encrypted_in_the_store_log_and_access_logged(
    context: Context,
) -> None:
    report = Intake(context).submit(MELDER, REPORT)
    assert report.municipality == "0388" and report.fields["wat"] == SEEN
    assert report.form_label == "arbeidsuitbuiting"
    raw = context.storage.db.query("SELECT envelope FROM reports")
    assert SEEN.encode() not in bytes(raw[0][0])
    assert check_store(context.storage.trail.store).ok
    line = access_log(context)[-1]
    assert line["action"] == "report.add" and line["detail"]["report_id"] == report.id
    assert line["role"] == "melder" and line["municipality"] == "0388"


def test_bad_input_names_each_field_in_form_order_and_writes_nothing(context: Context) -> None:
    with pytest.raises(Invalid) as bad:
        Intake(context).submit(MELDER, {"vorm": "iets", "wat": " ", "gemeente": "0405"})
    assert [p.field for p in bad.value.problems] == ["wat", "vorm", "contact", "gemeente"]
    assert bad.value.problems[0].message == "Wat heeft u gezien of gehoord?: vul dit veld in"
    assert context.storage.db.query("SELECT COUNT(*) FROM reports")[0][0] == 0


def test_a_colleague_sees_only_their_own_reports_and_no_dossier(context: Context) -> None:
    intake = Intake(context)
    mine = intake.submit(MELDER, REPORT)
    intake.submit(OTHER_MELDER, {**REPORT, "wat": "iets anders"})
    assert [r.id for r in intake.mine(MELDER)] == [mine.id]
    with pytest.raises(Refused):
        intake.inbox(MELDER)
    with pytest.raises(Refused):
        intake.read(MELDER, mine.id)
    with pytest.raises(Refused):
        Dossiers(context).view(MELDER, "d-enk")
    assert {r["action"] for r in refusals(context)} >= {"report.list", "report.view"}


def test_officers_are_notified_and_the_feedback_reaches_the_colleague(context: Context) -> None:
    intake, notifications = Intake(context), Notifications(context)
    report = intake.submit(MELDER, REPORT)
    assert notifications.unread(ENKHUIZEN_OFFICER) == 1
    assert notifications.unread(HOORN_OFFICER) == 0
    assert notifications.unread(MELDER) == 0
    assert [r.id for r in intake.inbox(ENKHUIZEN_OFFICER)] == [report.id]
    intake.read(ENKHUIZEN_OFFICER, report.id)
    intake.read(ENKHUIZEN_OFFICER, report.id)  # read twice: one mark
    assert notifications.unread(ENKHUIZEN_OFFICER) == 0
    answered = intake.answer(ENKHUIZEN_OFFICER, report.id, "opgepakt", "dank", "d-enk")
    assert [f.status_label for f in answered.feedback] == ["opgepakt"]
    (seen,) = intake.mine(MELDER)
    assert seen.feedback[0].dossier_id == "d-enk" and seen.feedback[0].text == "dank"
    assert check_store(context.storage.trail.store).ok


def test_notifications_are_per_officer_hold_no_case_details_and_are_read_once_shown(
    context: Context,
) -> None:
    notes = context.storage.notifications
    notes.add("0388", "verrijking", "d-enk", login="af-enkhuizen")
    notes.add("0388", "verrijking", "d-ander", login="af-ander")  # another officer's
    notes.add("0388", "levering_mislukt", "lev-1")
    notifications = Notifications(context)
    assert notifications.unread(ENKHUIZEN_OFFICER) == 2
    shown = notifications.recent(ENKHUIZEN_OFFICER)
    assert [(n.label, n.href, n.read) for n in shown] == [
        ("Doorsturen mislukt", "/leveringen", False),
        ("Verrijking klaar", "/dossiers/d-enk", False),
    ]
    assert notifications.unread(ENKHUIZEN_OFFICER) == 0
    assert all(n.read for n in notifications.recent(ENKHUIZEN_OFFICER))
    assert access_log(context)[-1]["action"] == "notifications.list"
    with pytest.raises(Refused):
        notifications.recent(MELDER)


def test_another_municipalitys_report_is_answered_like_an_unknown_one(context: Context) -> None:
    intake = Intake(context)
    report = intake.submit(MELDER, REPORT)
    with pytest.raises(NotFound) as theirs:
        intake.read(HOORN_OFFICER, report.id)
    with pytest.raises(NotFound) as unknown:
        intake.read(HOORN_OFFICER, "m-bestaat-niet")
    assert theirs.value.field == unknown.value.field == "report_id"
    assert intake.inbox(HOORN_OFFICER) == []
    with pytest.raises(Invalid) as bad:
        intake.answer(ENKHUIZEN_OFFICER, report.id, "misschien")
    assert bad.value.field == "status"


def test_a_report_moved_in_the_database_does_not_open(context: Context) -> None:
    intake = Intake(context)
    intake.submit(MELDER, REPORT)
    context.storage.db.execute("UPDATE reports SET author_id = 'm-enk-2'")
    with pytest.raises(Damaged):
        intake.mine(OTHER_MELDER)
