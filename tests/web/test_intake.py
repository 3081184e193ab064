"""Issue 12, steps 1 and 2 in the web: a colleague (melder) reports through a Dutch
form and sees only their own reports and the feedback on them; the officers of that
municipality see a badge with the count of unread reports, read and answer them; the
pages speak Dutch."""

from __future__ import annotations

from pathlib import Path

import click

from hub.web.users import ROLES
from tests.dutch_text import problems, visible

from .conftest import Hub
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
        assert "ongelezen melding" not in (await other.get("/signalen")).text
        assert SEEN not in (await other.get("/meldingen")).text
    async with hub.as_user("af-hoorn") as officer:
        page = (await officer.get("/signalen")).text
        assert '<a class="badge" href="/meldingen">2 ongelezen meldingen</a>' in page
        first = hub.web.context.storage.reports.by_author("melder-1")[0].id
        report = await officer.get(f"/meldingen/{first}")
        assert SEEN in report.text and problems(visible(report.text)) == []
        page = (await officer.get("/signalen")).text
        assert '<a class="badge" href="/meldingen">1 ongelezen melding</a>' in page
    assert hub.access_log()[-2]["action"] == "report.view"


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
