"""The print view of a dossier (issue 12): marked VERTROUWELIJK, Bibob facts marked
apart, who printed it when, logged as ``dossier.print``; another municipality's
dossier is refused exactly like an unknown one."""

from __future__ import annotations

import re

from .conftest import ENKHUIZEN, HOORN, Hub, example


async def test_the_print_view_is_marked_and_logged(hub: Hub) -> None:
    dossier_id = await hub.enrich("af-hoorn", example(HOORN))
    async with hub.as_user("af-hoorn") as client:
        page = await client.get(f"/dossiers/{dossier_id}/afdrukken")
    assert page.status_code == 200
    html = page.text
    assert '<body class="afdruk">' in html
    assert '<p class="vertrouwelijk">VERTROUWELIJK</p>' in html
    assert "/afdrukken" not in html  # no link to itself on paper
    assert re.search(r'<p class="afgedrukt">Afgedrukt door Test af-hoorn op [^<]*\d{4}', html)
    bibob_rows = re.findall(r'<tr id="feit-[^"]+" class="rij-bibob">\s*<th[^>]*>(.*?)</th>', html)
    assert bibob_rows and all("Bibob — vertrouwelijk" in row for row in bibob_rows)
    line = hub.access_log()[-1]
    assert line["action"] == "dossier.print" and line["dossier_id"] == dossier_id
    assert line["result"] == "allowed"


async def test_the_working_page_is_not_a_print(hub: Hub) -> None:
    dossier_id = await hub.enrich("af-hoorn", example(HOORN))
    async with hub.as_user("af-hoorn") as client:
        html = (await client.get(f"/dossiers/{dossier_id}")).text
    assert "<body>" in html and "Afgedrukt door" not in html
    link = f'<a class="knop knop-tweede" href="/dossiers/{dossier_id}/afdrukken">Afdrukken</a>'
    assert link in html
    assert hub.access_log()[-1]["action"] != "dossier.print"


async def test_another_municipalitys_dossier_is_not_printed(hub: Hub) -> None:
    dossier_id = await hub.enrich("af-enkhuizen", example(ENKHUIZEN))
    async with hub.as_user("af-hoorn") as client:
        theirs = await client.get(f"/dossiers/{dossier_id}/afdrukken")
        unknown = await client.get(f"/dossiers/{'0' * len(dossier_id)}/afdrukken")
    assert theirs.status_code == unknown.status_code == 404
    assert "VERTROUWELIJK" not in theirs.text
    norm = theirs.text.replace(dossier_id, "X").replace("0" * len(dossier_id), "X")
    assert norm == unknown.text.replace(dossier_id, "X").replace("0" * len(dossier_id), "X")
    line = hub.access_log()[-2]
    assert line["action"] == "dossier.print" and line["result"] == "refused"
    assert line["dossier_id"] == dossier_id
