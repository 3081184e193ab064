"""A failed source on the officer's pages in Dutch (issue 12): the dossier and the job
page say what happened in a sentence; the technical message stays on the dossier page
for the administrator and the auditor, folded away under "Technische melding"."""

from __future__ import annotations

import re

from .conftest import HOORN, Hub, example, make_flaky

TECHNICAL = "RegistryUnavailable: zaaksysteem antwoordt niet (test)"
DUTCH = "handhaving was niet bereikbaar of had een storing"


def _outside_details(html: str) -> str:
    return re.sub(r"<details class=\"technisch\">.*?</details>", "", html, flags=re.S)


async def test_a_failed_source_in_dutch_with_the_technical_text_folded(hub: Hub) -> None:
    make_flaky(hub)
    dossier_id = await hub.enrich("af-hoorn", example(HOORN))
    async with hub.as_user("af-hoorn") as client:
        html = (await client.get(f"/dossiers/{dossier_id}")).text
    row = html.split('<tr class="rij-fout">')[1].split("</tr>")[0]
    assert DUTCH in row
    assert re.search(
        r'<details class="technisch"><summary>Technische melding</summary>.*'
        + re.escape(TECHNICAL),
        row,
        re.S,
    )
    shown = _outside_details(html)
    assert DUTCH in shown.split('id="onderwerpen-titel"')[1]  # under each subject too
    assert "RegistryUnavailable" not in shown and "antwoordt niet (test)" not in shown


async def test_the_job_page_says_it_in_dutch(hub: Hub) -> None:
    make_flaky(hub)
    async with hub.as_user("af-hoorn") as client:
        response = await client.post("/api/v1/signals", json=example(HOORN))
        job_id = response.json()["job_id"]
        await hub.web.jobs.wait_idle()
        page = (await client.get(f"/taken/{job_id}")).text
    row = page.split('data-connector="handhaving">')[1].split("</tr>")[0]
    assert DUTCH in row and "RegistryUnavailable" not in page


async def test_what_a_table_does_not_receive_is_counted_in_dutch(hub: Hub) -> None:
    dossier_id = await hub.enrich("af-hoorn", example(HOORN))
    async with hub.as_user("af-hoorn") as client:
        tables = (await client.get(f"/dossiers/{dossier_id}/doorsturen")).text
        preview = (await client.get(f"/dossiers/{dossier_id}/doorsturen/lokaal")).text
    for html in (tables, preview):
        counted = re.findall(r"\d+× ([^,)<.]+)", html)
        assert counted, "nothing withheld to count"
        assert set(counted) <= {"openbaar of zakelijk", "persoonsgegeven", "vertrouwelijk"} | {
            "Bibob — vertrouwelijk"
        }, counted
