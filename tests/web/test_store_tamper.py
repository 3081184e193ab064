"""Issue 9: with write access to the database (no keys), moving an Enkhuizen dossier to
Hoorn let a Hoorn-only officer read it, and a flipped envelope byte gave a traceback.
Now both are a clear refusal on the pages and the API, logged, and verify names them."""

from __future__ import annotations

import pytest

from hub.store import StoreTampered
from hub.usecases.cases import Cases
from hub.usecases.dossiers import Dossiers

from .conftest import ENKHUIZEN, HOORN, Hub, example


async def test_a_dossier_moved_to_hoorn_in_the_database_is_not_shown_there(hub: Hub) -> None:
    dossier_id = await hub.enrich("af-enkhuizen", example(ENKHUIZEN))
    storage = hub.web.context.storage
    storage.db.execute("UPDATE dossiers SET municipality = '0405' WHERE id = ?", (dossier_id,))
    async with hub.as_user("af-hoorn") as client:
        page = await client.get(f"/dossiers/{dossier_id}")
        assert page.status_code == 409
        assert "beschadigd of buiten opplus gewijzigd" in page.text and "Traceback" not in page.text
        assert "J. Visser" not in page.text
        api = await client.get(f"/api/v1/dossiers/{dossier_id}")
        assert api.status_code == 409
        [problem] = api.json()["detail"]
        assert problem["field"] == "dossier_id" and dossier_id in problem["message"]
        listed = (await client.get("/api/v1/dossiers")).json()
        assert dossier_id not in {d["id"] for d in listed}
    refusals = [
        a
        for a in hub.access_log()
        if a.get("result") == "refused" and a.get("user_id") == "af-hoorn"
    ]
    assert len(refusals) == 2 and all(a["dossier_id"] == dossier_id for a in refusals)
    assert all(a["reason"].startswith("tampered") for a in refusals)

    async with hub.as_user("auditor") as client:
        outcome = (await client.post("/api/v1/audit/verify")).json()
        found = await client.post("/api/v1/audit/search", json={"logs": ["store"]})
        page = await client.post("/audit", data={"csrf_token": client.csrf, "logs": "store"})
    writes = [e["payload"] for e in found.json() if e["payload"].get("record") == "dossier"]
    assert [w["record_id"] for w in writes] == [dossier_id]
    assert writes[0]["columns"]["municipality"] == "0388"  # as sealed, before the move
    assert page.status_code == 200 and "opslag" in page.text
    assert outcome["ok"] is False
    assert outcome["where"].startswith(f"dossier {dossier_id}: column(s) municipality changed")


async def test_a_flipped_envelope_byte_is_a_clear_error_not_a_traceback(hub: Hub) -> None:
    dossier_id = await hub.enrich("af-hoorn", example(HOORN))
    db = hub.web.context.storage.db
    [(envelope,)] = db.query("SELECT envelope FROM dossiers WHERE id = ?", (dossier_id,))
    bent = bytearray(bytes(envelope))
    bent[len(bent) // 2] ^= 0x01
    db.execute("UPDATE dossiers SET envelope = ? WHERE id = ?", (bytes(bent), dossier_id))
    async with hub.as_user("af-hoorn") as client:
        page = await client.get(f"/dossiers/{dossier_id}")
        api = await client.get(f"/api/v1/dossiers/{dossier_id}")
    assert page.status_code == 409 and "Dossier beschadigd" in page.text
    assert api.status_code == 409 and "beschadigd" in api.json()["detail"][0]["message"]
    async with hub.as_user("auditor") as client:
        outcome = (await client.post("/api/v1/audit/verify")).json()
        verify_page = await client.post("/audit/verificatie", data={"csrf_token": client.csrf})
    assert (
        outcome["where"]
        == (f"dossier {dossier_id}: encrypted content changed since store log entry 0")
        or dossier_id in outcome["where"]
    )
    assert verify_page.status_code == 200 and dossier_id in verify_page.text


async def test_a_damaged_record_on_any_other_path_is_a_409_not_a_500(
    hub: Hub, monkeypatch: pytest.MonkeyPatch
) -> None:
    def damaged(*args: object, **kwargs: object) -> None:
        raise StoreTampered("dossier d-x: authentication failed")

    monkeypatch.setattr(Dossiers, "newest", damaged)  # the API's list
    monkeypatch.setattr(Cases, "signals", damaged)  # the page's list
    async with hub.as_user("af-hoorn") as client:
        api = await client.get("/api/v1/dossiers")
        page = await client.get("/signalen")
    assert api.status_code == 409 and "beschadigd" in api.json()["detail"][0]["message"]
    assert page.status_code == 409 and "Gegevens beschadigd" in page.text
