"""Issue 12, steps 1 and 2 in the web: a colleague (melder) reports through a Dutch
form and sees only their own reports and the feedback on them; the officers of that
municipality see a badge with the count of unread reports, read and answer them; the
pages speak Dutch."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from hub.usecases.forwarding import Forwarding
from hub.web.users import ROLES
from plugins import Receipt
from tests.dutch_text import problems, visible

from .conftest import HOORN, Hub, example
from .test_serve import run

SEEN = "Zes mannen slapen in de loods achter de garage"


async def _report(hub: Hub, login: str, seen: str) -> None:
    async with hub.as_user(login) as client:
        sent = await client.post(
            "/melden", data={"csrf_token": client.csrf, "wat": seen, "contact": "06-12345678"}
        )
    assert sent.status_code == 303, sent.text


async def test_a_colleague_sees_only_their_own_reports_and_their_feedback(hub: Hub):
    hub.add_user("melder-1", ("melder",), ("0405",))
    hub.add_user("melder-2", ("melder",), ("0405",))
    await _report(hub, "melder-1", SEEN)
    await _report(hub, "melder-2", "Iets heel anders")
    async with hub.as_user("af-hoorn") as officer:
        inbox = (await officer.get("/meldingen")).text
        assert SEEN in inbox and "Iets heel anders" in inbox
        report_id = next(r.id for r in hub.web.context.storage.reports.by_author("melder-1"))
        answered = await officer.post(
            f"/meldingen/{report_id}/terugkoppeling",
            data={"csrf_token": officer.csrf, "status": "opgepakt", "text": "Wij gaan erheen."},
        )
        assert answered.status_code == 303
    async with hub.as_user("melder-1") as colleague:
        home = await colleague.get("/")
        assert home.headers["location"] == "/melden"
        page = (await colleague.get("/melden")).text
    assert SEEN in page and "Iets heel anders" not in page
    assert "opgepakt — Wij gaan erheen." in page
    assert problems(visible(page)) == []


async def test_the_form_names_each_missing_field_in_dutch_and_writes_nothing(hub: Hub):
    hub.add_user("melder-1", ("melder",), ("0405",))
    async with hub.as_user("melder-1") as colleague:
        page = await colleague.post("/melden", data={"csrf_token": colleague.csrf, "wat": ""})
    assert page.status_code == 422
    assert "Wat heeft u gezien of gehoord?: vul dit veld in" in page.text
    assert "Hoe kunnen wij u bereiken?: vul dit veld in" in page.text
    assert hub.web.context.storage.reports.by_author("melder-1") == []


async def test_the_officers_badge_counts_unread_reports_of_their_municipality(hub: Hub):
    hub.add_user("melder-1", ("melder",), ("0405",))
    await _report(hub, "melder-1", SEEN)
    await _report(hub, "melder-1", "Tweede melding")
    async with hub.as_user("af-enkhuizen") as other:
        assert 'class="badge"' not in (await other.get("/signalen")).text
        assert SEEN not in (await other.get("/meldingen")).text
    async with hub.as_user("af-hoorn") as officer:
        page = (await officer.get("/signalen")).text
        assert '<a class="badge" href="/notificaties">2 nieuwe notificaties</a>' in page
        first = hub.web.context.storage.reports.by_author("melder-1")[0].id
        report = await officer.get(f"/meldingen/{first}")
        assert SEEN in report.text and problems(visible(report.text)) == []
        page = (await officer.get("/signalen")).text
        assert '<a class="badge" href="/notificaties">1 nieuwe notificatie</a>' in page
        listed = (await officer.get("/notificaties")).text
        assert listed.count("Nieuwe melding van een collega") == 2
        assert f'href="/meldingen/{first}"' in listed and problems(visible(listed)) == []
        assert 'class="badge"' not in (await officer.get("/signalen")).text


async def test_the_officer_is_told_when_an_enrichment_finished_and_of_table_feedback(hub: Hub):
    dossier_id = await hub.enrich("af-hoorn", example(HOORN))
    officer = hub.users["af-hoorn"].actor("test")
    forwarding = hub.web.forwarding
    delivery = Forwarding(forwarding).forward(officer, dossier_id, "pct")
    forwarding.outbox.claim("test", limit=10)
    forwarding.outbox.delivered(delivery.id, Receipt("mail-1", "250 OK"), worker="test")
    Forwarding(forwarding).record_feedback(officer, delivery.id, "Besproken.", "PCT")
    async with hub.as_user("af-hoorn") as client:
        listed = (await client.get("/notificaties")).text
    assert "Verrijking klaar" in listed and "Terugkoppeling van een tafel" in listed
    assert listed.count(f'href="/dossiers/{dossier_id}"') == 2


def test_the_command_line_offers_every_role_and_adds_a_melder(tmp_path: Path):
    from hub.cli.web import users_add

    choice = next(p for p in users_add.params if p.name == "roles").type
    assert isinstance(choice, click.Choice) and tuple(choice.choices) == ROLES
    added = run(
        tmp_path / "home",
        "users",
        "add",
        "wijkagent",
        "--name",
        "W. Agent",
        "--role",
        "melder",
        "--municipality",
        "0405",
    )
    assert added.returncode == 0, added.stderr
    assert "gebruiker wijkagent aangemaakt (melder)" in added.stderr


async def test_the_officers_of_the_municipality_are_told_when_a_delivery_failed(
    hub: Hub, monkeypatch: pytest.MonkeyPatch
):
    dossier_id = await hub.enrich("af-hoorn", example(HOORN))
    officer = hub.users["af-hoorn"].actor("test")
    Forwarding(hub.web.forwarding).forward(officer, dossier_id, "pct")

    def unusable(*args: object, **kwargs: object) -> None:
        raise RuntimeError("tafel weg")

    monkeypatch.setattr(hub.web.forwarding.runtime, "table_transport", unusable)
    (failed,) = await hub.web.forwarding.deliver_due("test-worker")
    assert failed.state == "failed"
    async with hub.as_user("af-hoorn") as client:
        assert "Doorsturen mislukt" in (await client.get("/notificaties")).text
    async with hub.as_user("af-enkhuizen") as client:
        assert "Doorsturen mislukt" not in (await client.get("/notificaties")).text


async def test_the_officer_turns_a_report_into_a_prefilled_signal_form(hub: Hub):
    hub.add_user("melder-1", ("melder",), ("0405",))
    async with hub.as_user("melder-1") as colleague:
        data = {
            "csrf_token": colleague.csrf,
            "wat": SEEN,
            "adres": "Grote Oost 3",
            "vorm": "arbeidsuitbuiting",
            "contact": "wijk@hoorn.example.nl",
        }
        assert (await colleague.post("/melden", data=data)).status_code == 303
    report_id = hub.web.context.storage.reports.by_author("melder-1")[0].id
    async with hub.as_user("af-hoorn") as officer:
        report = (await officer.get(f"/meldingen/{report_id}")).text
        assert f'href="/signalen/nieuw?melding={report_id}"' in report
        form = (await officer.get(f"/signalen/nieuw?melding={report_id}")).text
    assert f"Melding van een collega: {SEEN} Adres: Grote Oost 3" in form
    assert 'value="arbeidsuitbuiting" checked' in form
    assert 'value="wijk@hoorn.example.nl"' in form and 'value="Test melder-1"' in form
    async with hub.as_user("af-enkhuizen") as other:
        assert (await other.get(f"/signalen/nieuw?melding={report_id}")).status_code == 404
