"""Forwarding tailored by the officer: subjects left out of one table's payload with a
reason (required), shown in the preview, sent exactly as previewed, and logged; the
table card says when the dossier already went there; the confirmation error sits next
to the button; no banner that contradicts itself."""

from __future__ import annotations

import json
import re

import pytest

from hub.usecases import Invalid
from hub.usecases.forwarding import Forwarding

from .conftest import HOORN, Hub, example
from .test_forwarding import deliver
from .test_pages import assert_accessible

REASON = "medebewoner is niet betrokken bij het signaal"


def sha_of(page: str) -> str:
    match = re.search(r'name="payload_sha256" value="([0-9a-f]{64})"', page)
    assert match, "no previewed hash on the page"
    return match.group(1)


async def co_resident(hub: Hub, dossier_id: str) -> str:
    """The co-residents (``bewoners``) of the signal's address, which go to the RIEC."""
    _, dossier = hub.web.context.storage.open_dossier(dossier_id)
    payload = hub.web.forwarding.preview(dossier, "riec").payload
    return next(
        f"{f['subject']}#bewoners" for f in payload.data["facts"] if f["attribute"] == "bewoners"
    )


async def test_co_residents_left_out_with_a_reason_are_previewed_sent_and_logged(hub: Hub):
    dossier_id = await hub.enrich("af-hoorn", example(HOORN))
    bewoners = await co_resident(hub, dossier_id)
    url = f"/dossiers/{dossier_id}/doorsturen/riec"
    async with hub.as_user("af-hoorn") as client:
        plain = (await client.get(url)).text
        page = await client.get(url, params={"weglaten": bewoners, "reden": REASON})
        assert page.status_code == 200
        assert_accessible(page.text)
        assert "U laat weg" in page.text and REASON in page.text
        assert "weggelaten door de aandachtsfunctionaris" in page.text
        shown = sha_of(page.text)
        assert shown != sha_of(plain)
        done = await client.post(
            url,
            data={
                "csrf_token": client.csrf,
                "bevestiging": "ja",
                "payload_sha256": shown,
                "weglaten": bewoners,
                "reden": REASON,
            },
        )
        assert done.status_code == 303, done.text
    [row] = hub.web.forwarding.outbox.list(dossier_id=dossier_id)
    assert row.payload_sha256 == shown  # exactly the previewed payload
    payload = hub.web.forwarding.outbox.delivery(row).payload
    assert all(f["attribute"] != "bewoners" for f in payload["facts"])
    assert any(f["attribute"] == "aantalBewoners" for f in payload["facts"])  # only that
    assert payload["withheld"]["by_officer"] == {"count": 1, "reason": REASON}
    [line] = [a for a in hub.access_log() if a.get("action") == "forward"]
    assert line["detail"]["left_out"] == bewoners
    assert line["detail"]["left_out_reason"] == REASON


async def test_a_person_left_out_is_logged_by_pseudonym_never_by_bsn(hub: Hub):
    dossier_id = await hub.enrich("af-hoorn", example(HOORN))
    person = "person:999970057"
    async with hub.as_user("af-hoorn") as client:
        page = await client.get(
            f"/dossiers/{dossier_id}/doorsturen/riec",
            params={"weglaten": person, "reden": "melder vraagt 999970057 niet te noemen"},
        )
        assert page.status_code == 200
        done = await client.post(
            f"/dossiers/{dossier_id}/doorsturen/riec",
            data={
                "csrf_token": client.csrf,
                "bevestiging": "ja",
                "payload_sha256": sha_of(page.text),
                "weglaten": person,
                "reden": "melder vraagt 999970057 niet te noemen",
            },
        )
        assert done.status_code == 303, done.text
    [row] = hub.web.forwarding.outbox.list(dossier_id=dossier_id)
    payload = hub.web.forwarding.outbox.delivery(row).payload
    assert person not in {s["key"] for s in payload["subjects"]}
    [line] = [a for a in hub.access_log() if a.get("action") == "forward"]
    assert line["detail"]["left_out"].startswith("person:")
    assert "999970057" not in json.dumps(line)


async def test_leaving_out_without_a_reason_names_the_field_and_sends_nothing(hub: Hub):
    dossier_id = await hub.enrich("af-hoorn", example(HOORN))
    bewoners = await co_resident(hub, dossier_id)
    url = f"/dossiers/{dossier_id}/doorsturen/riec"
    async with hub.as_user("af-hoorn") as client:
        page = await client.get(url, params={"weglaten": bewoners, "reden": "  "})
        assert page.status_code == 422
        assert 'id="reden-fout"' in page.text and "Reden: vul in waarom" in page.text
        assert_accessible(page.text)
        unknown = await client.get(url, params={"weglaten": "person:000000000", "reden": "x"})
        assert unknown.status_code == 422 and "onbekend onderwerp of gegeven" in unknown.text
        sent = await client.post(
            url,
            data={
                "csrf_token": client.csrf,
                "bevestiging": "ja",
                "payload_sha256": sha_of(page.text),
                "weglaten": bewoners,
            },
        )
        assert sent.status_code == 422 and "vul in waarom" in sent.text
    assert hub.web.forwarding.outbox.list(dossier_id=dossier_id) == []


async def test_the_card_says_already_forwarded_and_the_error_sits_by_the_button(hub: Hub):
    dossier_id = await hub.enrich("af-hoorn", example(HOORN))
    url = f"/dossiers/{dossier_id}/doorsturen/riec"
    confirm = {"bevestiging": "ja"}
    async with hub.as_user("af-hoorn") as client:
        first = await client.post(url, data={"csrf_token": client.csrf, **confirm})
        assert first.status_code == 303
        await deliver(hub)
        banner = (await client.get(first.headers["location"])).text
        status = banner.split('class="melding goed" role="status">')[1].split("</div>")[0]
        assert "Doorgestuurd naar" in status and "wachtrij" not in status
        card = (await client.get(f"/dossiers/{dossier_id}/doorsturen")).text
        riec = card.split('data-tafel="riec"')[1].split("</li>")[0]
        assert "Al doorgestuurd op" in riec
        twice = await client.post(url, data={"csrf_token": client.csrf, **confirm})
    assert twice.status_code == 409
    form = twice.text.split('id="bevestigen"')[1]
    error = form.split('id="bevestig-fout"')[1].split("</div>")[0]
    assert "al doorgestuurd" in error
    assert form.index('id="bevestig-fout"') < form.index('type="submit" class="knop"')
    assert re.search(r'<div[^>]*id="bevestig-fout"[^>]*autofocus', form)  # focus moves there
    # no fragment in the form's address: a fragment would stop the browser's autofocus
    assert 'action="' + url + '"' in twice.text


async def test_the_api_previews_and_forwards_a_tailored_payload(hub: Hub):
    dossier_id = await hub.enrich("af-hoorn", example(HOORN))
    bewoners = await co_resident(hub, dossier_id)
    tailoring = {"leave_out": [bewoners], "reason": REASON}
    async with hub.as_user("af-hoorn") as client:
        bare = await client.post(
            f"/api/v1/dossiers/{dossier_id}/forward",
            json={"table": "riec", "confirm": True, "leave_out": [bewoners]},
        )
        assert bare.status_code == 422 and "reason" in bare.text
        preview = await client.get(
            f"/api/v1/dossiers/{dossier_id}/forwarding/riec", params=tailoring
        )
        assert preview.status_code == 200, preview.text
        shown = preview.json()
        assert any("weggelaten door de aandachtsfunctionaris" in w for w in shown["withheld"])
        sent = await client.post(
            f"/api/v1/dossiers/{dossier_id}/forward",
            json={
                "table": "riec",
                "confirm": True,
                "payload_sha256": shown["payload_sha256"],
                **tailoring,
            },
        )
        assert sent.status_code == 201, sent.text
    [row] = hub.web.forwarding.outbox.list(dossier_id=dossier_id)
    assert row.payload_sha256 == shown["payload_sha256"]


async def test_the_use_case_refuses_leaving_out_without_a_reason_or_unknown_items(hub: Hub):
    dossier_id = await hub.enrich("af-hoorn", example(HOORN))
    bewoners = await co_resident(hub, dossier_id)
    fwd = Forwarding(hub.web.forwarding)
    officer = hub.users["af-hoorn"].actor("test")
    with pytest.raises(Invalid) as no_reason:
        fwd.forward(officer, dossier_id, "riec", leave_out=[bewoners], reason=" \n ")
    assert [p.field for p in no_reason.value.problems] == ["reason"]
    with pytest.raises(Invalid) as unknown:
        fwd.preview(officer, dossier_id, "riec", leave_out=[f"{bewoners}x"], reason="r")
    assert [p.field for p in unknown.value.problems] == ["leave_out"]
    assert hub.web.forwarding.outbox.list(dossier_id=dossier_id) == []
    assert not [a for a in hub.access_log() if a.get("action") == "forward"]
    # a reason alone, with nothing left out, changes nothing
    _, plain = fwd.preview(officer, dossier_id, "riec")
    _, same = fwd.preview(officer, dossier_id, "riec", reason="zomaar")
    assert same.payload.body == plain.payload.body


async def test_forwarding_moves_the_case_to_doorgestuurd_but_never_reopens_a_closed_one(
    hub: Hub,
):
    from hub.usecases.cases import Cases

    cases = Cases(hub.web.context)
    officer = hub.users["af-hoorn"].actor("test")
    forwarded = await hub.enrich("af-hoorn", example(HOORN))
    async with hub.as_user("af-hoorn") as client:
        sent = await client.post(
            f"/api/v1/dossiers/{forwarded}/forward", json={"table": "riec", "confirm": True}
        )
        assert sent.status_code == 201, sent.text
    _, dossier = hub.web.context.storage.open_dossier(forwarded)
    case = cases.of(officer, dossier)
    assert case.status == "doorgestuurd"
    assert case.notes[-1].text.startswith("doorgestuurd naar ")
    assert ("case.status", "allowed") in {(e["action"], e["result"]) for e in hub.access_log()}

    closed = await hub.enrich("af-hoorn", example(HOORN))  # a signal of its own
    cases.change_status(officer, closed, "afgesloten", reason="geen signaal van uitbuiting")
    async with hub.as_user("af-hoorn") as client:
        sent = await client.post(
            f"/api/v1/dossiers/{closed}/forward", json={"table": "riec", "confirm": True}
        )
        assert sent.status_code == 201, sent.text
    _, dossier = hub.web.context.storage.open_dossier(closed)
    assert cases.of(officer, dossier).status == "afgesloten"
