"""Issue 12 in the officer's pages: the signal list (status, failed sources, search,
filter, errors at their fields) and the case block at the top of the dossier page
(status, assignee, notes; a refused change shows its problem at the field, in Dutch,
nothing written). Another municipality's case is the same 404 as an unknown id."""

from __future__ import annotations

import re

from .conftest import ENKHUIZEN, HOORN, Hub, example
from .test_pages import assert_accessible, field_error


def _notes(hub: Hub) -> int:
    rows = hub.web.context.storage.db.query("SELECT COUNT(*) FROM case_notes")
    return int(rows[0][0])


async def test_the_signal_list_shows_status_and_filters(hub: Hub) -> None:
    hub.add_user("af-beide", ("officer",), ("0405", "0388"))
    hoorn = await hub.enrich("af-hoorn", example(HOORN))
    enkhuizen = await hub.enrich("af-enkhuizen", example(ENKHUIZEN))
    async with hub.as_user("af-beide") as client:
        page = await client.get("/signalen")
        assert page.status_code == 200
        assert_accessible(page.text)
        assert "<h1>Signalen</h1>" in page.text and "2 signalen" in page.text
        assert page.text.index(enkhuizen) < page.text.index(hoorn)  # newest first
        assert "Katarzyna Wiśniewska, 1621JH 88" in page.text and "arbeidsuitbuiting" in page.text
        assert 'status-nieuw">nieuw<' in page.text
        only = (await client.get("/signalen", params={"gemeente": "0405"})).text
        assert hoorn in only and enkhuizen not in only
        searched = (await client.get("/signalen", params={"zoek": "wiśniewska"})).text
        assert hoorn in searched and enkhuizen not in searched
        closed = (await client.get("/signalen", params={"status": "afgesloten"})).text
        assert hoorn not in closed and "Geen signalen gevonden" in closed
        wrong = await client.get("/signalen", params={"gemeente": "0363", "sorteer": "x"})
    assert wrong.status_code == 422
    assert_accessible(wrong.text)
    assert field_error(wrong.text, "gemeente") == "Fout: kies een gemeente waarvoor u werkt"
    assert "Fout: kies nieuwste" in field_error(wrong.text, "sorteer")


async def test_the_case_block_changes_status_and_adds_notes(hub: Hub) -> None:
    dossier_id = await hub.enrich("af-hoorn", example(HOORN))
    async with hub.as_user("af-hoorn") as client:
        page = (await client.get(f"/dossiers/{dossier_id}")).text
        assert_accessible(page)
        # at the top: before the registry's part of the dossier
        assert page.index('id="zaak"') < page.index('id="status-titel"')
        assert "Status wijzigen" in page and "Nog geen notities." in page
        # the officers of Hoorn to choose from, not Enkhuizen's
        assert '<option value="af-hoorn">Test af-hoorn (af-hoorn)</option>' in page
        assert '<option value="af-enkhuizen"' not in page
        assert '<option value="systeem-hoorn"' not in page  # an API client, no person

        refused = await client.post(
            f"/dossiers/{dossier_id}/zaak/status",
            data={"csrf_token": client.csrf, "status": "afgesloten", "reason": ""},
        )
        assert refused.status_code == 422
        assert_accessible(refused.text)
        assert field_error(refused.text, "zaak-reason") == "Fout: vul dit veld in"
        assert "Reden van afsluiten: vul dit veld in" in refused.text  # the summary
        assert re.search(r'<option value="afgesloten" selected>', refused.text)
        stranger = await client.post(
            f"/dossiers/{dossier_id}/zaak/status",
            data={
                "csrf_token": client.csrf,
                "status": "in_behandeling",
                "assignee": "af-enkhuizen",
            },
        )
        assert stranger.status_code == 422
        assert "geen aandachtsfunctionaris van deze gemeente" in field_error(
            stranger.text, "zaak-assignee"
        )
        assert _notes(hub) == 0

        changed = await client.post(
            f"/dossiers/{dossier_id}/zaak/status",
            data={"csrf_token": client.csrf, "status": "in_behandeling", "assignee": "af-hoorn"},
        )
        assert changed.status_code == 303
        assert changed.headers["location"] == f"/dossiers/{dossier_id}#zaak"
        noted = await client.post(
            f"/dossiers/{dossier_id}/zaak/notities",
            data={"csrf_token": client.csrf, "kind": "beoordeling", "text": "zorgelijk"},
        )
        assert noted.status_code == 303
        empty = await client.post(
            f"/dossiers/{dossier_id}/zaak/notities",
            data={"csrf_token": client.csrf, "kind": "notitie", "text": " "},
        )
        assert empty.status_code == 422
        assert field_error(empty.text, "zaak-text") == "Fout: vul dit veld in"
        page = (await client.get(f"/dossiers/{dossier_id}")).text
        listed = (await client.get("/signalen")).text
    assert 'status-in_behandeling">in behandeling<' in page
    assert "<dd>af-hoorn</dd>" in page
    assert "zorgelijk" in page and "aandachtsfunctionaris af-hoorn" in page
    assert "in behandeling" in listed
    assert _notes(hub) == 2
    actions = [e["action"] for e in hub.access_log() if e.get("dossier_id") == dossier_id]
    assert "case.status" in actions and "case.note" in actions


async def test_another_municipalitys_case_is_an_unknown_id(hub: Hub) -> None:
    dossier_id = await hub.enrich("af-hoorn", example(HOORN))
    async with hub.as_user("af-enkhuizen") as client:
        theirs = await client.post(
            f"/dossiers/{dossier_id}/zaak/notities",
            data={"csrf_token": client.csrf, "kind": "notitie", "text": "x"},
        )
        unknown = await client.post(
            "/dossiers/d-bestaat-niet/zaak/notities",
            data={"csrf_token": client.csrf, "kind": "notitie", "text": "x"},
        )
    assert theirs.status_code == unknown.status_code == 404
    assert theirs.text.replace(dossier_id, "<id>") == unknown.text.replace("d-bestaat-niet", "<id>")
    assert _notes(hub) == 0
