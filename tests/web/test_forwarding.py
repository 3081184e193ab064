"""Forwarding through the web service: suggestions and previews, the explicit
confirmation (API and page), municipality scoping, deliveries and requeue, feedback by
an officer and by the table itself (signed), and the delivery worker inside the app."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import pytest

from hub.usecases.forwarding import SIGNATURE_HEADER, feedback_secret_env, sign

from .conftest import ENKHUIZEN, HOORN, Hub, example, start_hub, web_config
from .test_pages import assert_accessible

SECRET = "riec-terugkoppelgeheim-test"


async def deliver(hub: Hub) -> list:
    return await hub.web.forwarding.deliver_due("test-worker", limit=50)


async def forward(hub: Hub, login: str, dossier_id: str, table: str) -> dict:
    async with hub.as_user(login) as client:
        response = await client.post(
            f"/api/v1/dossiers/{dossier_id}/forward", json={"table": table, "confirm": True}
        )
    assert response.status_code == 201, response.text
    return response.json()


def fail_delivery(hub: Hub, delivery_id: str) -> None:
    outbox = hub.web.forwarding.outbox
    outbox.claim("test-worker", limit=50)
    outbox.attempt_failed(
        delivery_id,
        "HTTP 500 van de ontvanger",
        transient=False,
        retry_after=None,
        worker="test-worker",
    )


async def test_suggestions_and_previews_explain_themselves(hub: Hub):
    dossier_id = await hub.enrich("af-enkhuizen", example(ENKHUIZEN))
    async with hub.as_user("af-enkhuizen") as client:
        overview = (await client.get(f"/api/v1/dossiers/{dossier_id}/forwarding")).json()
        pct = next(s for s in overview["suggestions"] if s["table"] == "pct")
        assert pct["explanation"].endswith(
            "omdat: vorm = seksuele uitbuiting en vergunning seksinrichting gevonden"
        )
        tables = {t["table"]: t for t in overview["tables"]}
        assert set(tables) == {"lokaal", "pct", "riec"}  # every configured table
        lokaal = tables["lokaal"]
        assert lokaal["withheld"]["by_class"]["bibob"] > 0
        assert lokaal["withheld"]["bibob_without_legal_ground"] is True
        assert tables["riec"]["withheld"]["bibob_without_legal_ground"] is False
        exact = (await client.get(lokaal["preview_url"])).json()
        assert exact["payload_sha256"] == lokaal["payload_sha256"]
        assert all(f["classification"] != "bibob" for f in exact["payload"]["facts"])
        assert any(w.startswith("bibob: ") for w in exact["withheld"])

        page = await client.get(f"/dossiers/{dossier_id}/doorsturen")
        assert page.status_code == 200
        assert_accessible(page.text)
        assert "vorm = seksuele uitbuiting en vergunning seksinrichting gevonden" in page.text
        preview = await client.get(f"/dossiers/{dossier_id}/doorsturen/lokaal")
        assert_accessible(preview.text)
        assert "Achtergehouden" in preview.text
        assert "Bibob-gegevens worden niet verstrekt" in preview.text
        assert "Ik bevestig dat ik dit als Test af-enkhuizen doorstuur" in preview.text
        assert lokaal["payload_sha256"] in preview.text


async def test_forward_needs_literal_confirmation(hub: Hub):
    dossier_id = await hub.enrich("af-hoorn", example(HOORN))
    url = f"/api/v1/dossiers/{dossier_id}/forward"
    async with hub.as_user("af-hoorn") as client:
        for body in (
            {"table": "lokaal"},
            {"table": "lokaal", "confirm": False},
            {"table": "lokaal", "confirm": "true"},
            {"table": "lokaal", "confirm": 1},
        ):
            response = await client.post(url, json=body)
            assert response.status_code == 422, body
            assert [d["field"] for d in response.json()["detail"]] == ["confirm"]
        unknown = await client.post(url, json={"table": "nergens", "confirm": True})
        assert unknown.status_code == 422
        assert unknown.json()["detail"][0]["field"] == "table"
        assert "bekend: lokaal, pct, riec" in unknown.json()["detail"][0]["message"]
        assert (await client.get("/api/v1/deliveries")).json() == []  # nothing was queued

        first = await client.post(url, json={"table": "lokaal", "confirm": True})
        assert first.status_code == 201 and first.json()["state_label"] == "in wachtrij"
        again = await client.post(url, json={"table": "lokaal", "confirm": True})
        assert again.status_code == 409 and again.json()["detail"][0]["field"] == "table"
        assert "al doorgestuurd" in again.json()["detail"][0]["message"]
        stale = await client.post(
            url, json={"table": "riec", "confirm": True, "payload_sha256": "0" * 64}
        )
        assert stale.status_code == 409
        assert stale.json()["detail"][0]["field"] == "payload_sha256"


async def test_an_officer_of_enkhuizen_cannot_forward_a_hoorn_dossier(hub: Hub):
    dossier_id = await hub.enrich("af-hoorn", example(HOORN))
    async with hub.as_user("af-enkhuizen") as client:
        api = await client.post(
            f"/api/v1/dossiers/{dossier_id}/forward", json={"table": "lokaal", "confirm": True}
        )
        page = await client.post(
            f"/dossiers/{dossier_id}/doorsturen/lokaal",
            data={"csrf_token": client.csrf, "bevestiging": "ja"},
        )
        preview = await client.get(f"/api/v1/dossiers/{dossier_id}/forwarding/riec")
    # answered as for an unknown dossier: the municipality only in the access log
    assert api.status_code == 404 and page.status_code == 404 and preview.status_code == 404
    assert "0405" not in api.json()["detail"][0]["message"]
    refused = [
        a
        for a in hub.access_log()
        if a.get("result") == "refused" and a.get("user_id") == "af-enkhuizen"
    ]
    assert len(refused) == 3 and all(a["dossier_id"] == dossier_id for a in refused)
    assert all(a["municipality"] == "0405" for a in refused)
    assert hub.web.forwarding.outbox.list() == []


async def test_page_confirmation_is_required_and_forwarding_is_delivered(hub: Hub):
    dossier_id = await hub.enrich("af-hoorn", example(HOORN))
    async with hub.as_user("af-hoorn") as client:
        bare = await client.post(
            f"/dossiers/{dossier_id}/doorsturen/riec", data={"csrf_token": client.csrf}
        )
        assert bare.status_code == 422
        assert "Bevestiging: Vink aan dat u dit als Test af-hoorn doorstuurt" in bare.text
        assert 'aria-invalid="true"' in bare.text
        no_csrf = await client.post(
            f"/dossiers/{dossier_id}/doorsturen/riec", data={"bevestiging": "ja"}
        )
        assert no_csrf.status_code == 403
        assert hub.web.forwarding.outbox.list() == []

        done = await client.post(
            f"/dossiers/{dossier_id}/doorsturen/riec",
            data={"csrf_token": client.csrf, "bevestiging": "ja"},
        )
        assert done.status_code == 303
        assert done.headers["location"].startswith(f"/dossiers/{dossier_id}/doorsturen?levering=")
        listing = await client.get(done.headers["location"])
        assert "Doorgestuurd naar" in listing.text and "staat in de wachtrij" in listing.text
        assert "in wachtrij" in listing.text
        twice = await client.post(
            f"/dossiers/{dossier_id}/doorsturen/riec",
            data={"csrf_token": client.csrf, "bevestiging": "ja"},
        )
        assert twice.status_code == 409 and "al doorgestuurd" in twice.text

        [row] = await deliver(hub)
        assert row.state in ("delivered", "acknowledged")
        page = (await client.get(f"/dossiers/{dossier_id}/doorsturen")).text
        assert "afgeleverd" in page or "bevestigd" in page
        assert_accessible(page)
        assert f'name="csrf_token" value="{client.csrf}"' in page  # the forms in the table
        mine = (await client.get("/leveringen")).text
        assert_accessible(mine)
        assert row.id in mine
        assert (await client.get("/leveringen?status=failed")).text.count("data-levering=") == 0


async def test_requeue_a_failed_delivery(hub: Hub):
    dossier_id = await hub.enrich("af-hoorn", example(HOORN))
    delivery = await forward(hub, "af-hoorn", dossier_id, "lokaal")
    fail_delivery(hub, delivery["id"])
    async with hub.as_user("af-enkhuizen") as other:
        assert (await other.post(f"/api/v1/deliveries/{delivery['id']}/requeue")).status_code == 404
        assert (await other.get("/api/v1/deliveries")).json() == []
    async with hub.as_user("af-hoorn") as client:
        failed = (await client.get("/api/v1/deliveries?state=failed")).json()
        assert [d["id"] for d in failed] == [delivery["id"]]
        assert failed[0]["state_label"] == "mislukt"
        assert failed[0]["last_error"] == "HTTP 500 van de ontvanger"
        page = (await client.get("/leveringen?status=failed")).text
        assert "Opnieuw proberen" in page and "HTTP 500 van de ontvanger" in page
        again = await client.post(
            f"/leveringen/{delivery['id']}/opnieuw",
            data={"csrf_token": client.csrf, "terug": "/leveringen"},
        )
        assert again.status_code == 303
        row = hub.web.forwarding.outbox.get(delivery["id"])
        assert row.state == "queued" and row.attempts == 0
        not_failed = await client.post(f"/api/v1/deliveries/{delivery['id']}/requeue")
        assert not_failed.status_code == 409
        assert (await client.post("/api/v1/deliveries/nope/requeue")).status_code == 404
    assert any(a.get("action") == "deliveries.requeue" for a in hub.access_log())


async def test_feedback_by_the_table_itself(hub: Hub, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(feedback_secret_env("riec"), SECRET)
    dossier_id = await hub.enrich("af-hoorn", example(HOORN))
    delivery = await forward(hub, "af-hoorn", dossier_id, "riec")
    url = f"/api/v1/deliveries/{delivery['id']}/feedback"
    body = json.dumps({"text": "Besproken in het RIEC-overleg; casus opgepakt."}).encode()
    stamps = iter(range(int(time.time()) - 200, int(time.time()) + 200))

    def headers(secret: str = SECRET, at: float | None = None) -> dict[str, str]:
        # a fresh t each time: each signature is accepted only once
        stamp = int(at) if at is not None else next(stamps)
        return {
            SIGNATURE_HEADER: sign(secret, stamp, delivery["id"], body),
            "Content-Type": "application/json",
        }

    async with hub.anonymous() as table:
        early = await table.post(url, content=body, headers=headers())
        assert early.status_code == 409  # not delivered yet
        await deliver(hub)
        wrong = await table.post(url, content=body, headers=headers("geraden"))
        assert wrong.status_code == 401 and wrong.json()["detail"][0]["field"] == SIGNATURE_HEADER
        old = await table.post(url, content=body, headers=headers(at=time.time() - 3600))
        assert old.status_code == 401
        unsigned = await table.post(url, content=body, headers={"Content-Type": "application/json"})
        assert unsigned.status_code == 401
        ok = await table.post(url, content=body, headers=headers())
        assert ok.status_code == 201, ok.text
        assert ok.json()["source"] == "RIEC Noord-Holland — informatieplein"
    # a signature vouches only for its own table's deliveries
    lokaal = await forward(hub, "af-hoorn", dossier_id, "lokaal")
    await deliver(hub)
    async with hub.anonymous() as table:
        other = await table.post(
            f"/api/v1/deliveries/{lokaal['id']}/feedback", content=body, headers=headers()
        )
        assert other.status_code == 401
        assert "OPPLUS_FEEDBACK_SECRET_LOKAAL" in other.json()["detail"][0]["message"]
    refusals = [a for a in hub.access_log() if a.get("action") == "feedback"]
    assert sum(1 for a in refusals if a.get("result") == "refused") == 3  # + unsigned: 401
    assert any(a.get("user_id") == "table:riec" and a.get("result") == "allowed" for a in refusals)
    async with hub.as_user("af-hoorn") as client:
        overview = (await client.get(f"/api/v1/dossiers/{dossier_id}/forwarding")).json()
        assert [f["text"] for f in overview["feedback"]] == [
            "Besproken in het RIEC-overleg; casus opgepakt."
        ]
        states = {d["table"]: d["state"] for d in overview["deliveries"]}
        assert states["riec"] == "acknowledged"
        page = (await client.get(f"/dossiers/{dossier_id}/doorsturen")).text
        assert "Besproken in het RIEC-overleg" in page and "bevestigd" in page


async def test_feedback_recorded_by_an_officer(hub: Hub):
    dossier_id = await hub.enrich("af-hoorn", example(HOORN))
    delivery = await forward(hub, "af-hoorn", dossier_id, "pct")
    hub.web.forwarding.outbox.claim("w", limit=5)
    from plugins import Receipt

    hub.web.forwarding.outbox.delivered(delivery["id"], Receipt("mail-1", "250 OK"), worker="w")
    url = f"/api/v1/deliveries/{delivery['id']}/feedback"
    async with hub.as_user("af-enkhuizen") as other:
        assert (await other.post(url, json={"text": "x"})).status_code == 404
    async with hub.as_user("auditor") as auditor:
        assert (await auditor.post(url, json={"text": "x"})).status_code == 403
    async with hub.as_user("af-hoorn") as client:
        empty = await client.post(url, json={"text": ""})
        assert empty.status_code == 422 and empty.json()["detail"][0]["field"] == "text"
        page = await client.post(
            f"/leveringen/{delivery['id']}/terugkoppeling",
            data={"csrf_token": client.csrf, "tekst": "PCT gaat controleren.", "van": "J. Agent"},
        )
        assert page.status_code == 303
        shown = (await client.get(f"/dossiers/{dossier_id}/doorsturen")).text
        assert "PCT gaat controleren." in shown and "J. Agent" in shown
        api = await client.post(url, json={"text": "Controle uitgevoerd.", "source": "PCT"})
        assert api.status_code == 201


async def test_the_worker_in_the_app_delivers(home: Path):
    found, lifespan = await start_hub(web_config(), delivery_interval_s=0.2)
    try:
        found.add_user("af-hoorn", ("officer",), ("0405",))
        worker = found.web.delivery_worker
        assert worker is not None and worker.running
        dossier_id = await found.enrich("af-hoorn", example(HOORN))
        delivery = await forward(found, "af-hoorn", dossier_id, "lokaal")
        deadline = time.monotonic() + 20
        while found.web.forwarding.outbox.get(delivery["id"]).state in ("queued", "sending"):
            assert time.monotonic() < deadline, "the worker did not deliver"
            await asyncio.sleep(0.1)
        assert found.web.forwarding.outbox.get(delivery["id"]).state in (
            "delivered",
            "acknowledged",
        )
    finally:
        await lifespan.__aexit__(None, None, None)
    assert not worker.running  # stopped with the app


async def test_the_worker_can_be_switched_off(hub: Hub):
    assert hub.web.delivery_worker is None


async def test_subject_report_after_a_forward_lists_the_co_residents_disclosure(hub: Hub):
    """A co-resident of the signal's address (found through BRP Bewoning) whose data went
    to RIEC sees that disclosure, through the API and on the page."""
    dossier_id = await hub.enrich("af-enkhuizen", example(ENKHUIZEN))
    await forward(hub, "af-enkhuizen", dossier_id, "riec")
    [row] = await deliver(hub)
    assert row.state in ("delivered", "acknowledged")
    async with hub.as_user("auditor") as client:
        api = await client.post("/api/v1/audit/subject-report", json={"bsn": "999970124"})
        assert api.status_code == 200, api.text
        [line] = api.json()["disclosures"]
        assert line["recipient"] == "RIEC Noord-Holland — informatieplein"
        assert line["fields"] == ["bewoners"]
        page = await client.post(
            "/audit/betrokkene", data={"csrf_token": client.csrf, "bsn": "999970124"}
        )
        assert page.status_code == 200, page.text
        assert_accessible(page.text)
        assert "Verstrekkingen aan tafels (1)" in page.text
        assert "RIEC Noord-Holland — informatieplein" in page.text
