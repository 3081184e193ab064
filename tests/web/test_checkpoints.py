"""The service signs checkpoints of grown logs by itself, regularly."""

from __future__ import annotations

import asyncio
import json

from hub.web.checkpoints import CheckpointSigner


async def test_signs_grown_logs_only(hub):
    trail = hub.web.context.storage.trail
    signer = CheckpointSigner(trail, interval_s=0.05)
    first = signer.sign_if_grown()
    assert set(first) == set(trail.logs)  # never signed before
    assert signer.sign_if_grown() == []  # nothing grew
    trail.access.append({"kind": "access", "action": "test", "user_id": "t"})
    assert signer.sign_if_grown() == ["access"]
    before = len(trail.access.checkpoints())
    trail.access.append({"kind": "access", "action": "test2", "user_id": "t"})
    signer.start()
    await asyncio.sleep(0.3)
    await signer.stop()
    assert len(trail.access.checkpoints()) > before


def _empty_access_log(hub) -> None:
    """A DB-only insider empties the access log; alone in itself it is consistent."""
    db = hub.web.context.storage.db
    with db.transaction() as tx:
        for table in ("audit_entries", "audit_nodes", "audit_checkpoints"):
            tx.execute(f"DELETE FROM {table} WHERE log = 'access'")
        tx.execute(
            "UPDATE audit_logs SET size = 0, frontier = ?, head_mac = NULL WHERE name = 'access'",
            (b"",),
        )


async def test_regular_checkpoints_go_to_the_witness(hub, home):
    CheckpointSigner(hub.web.context.storage.trail, interval_s=60).sign_if_grown()
    lines = (home / "witness" / "checkpoints.jsonl").read_text().splitlines()
    assert {json.loads(line)["log"] for line in lines} == {
        "processing",
        "access",
        "brp_protocol",
        "store",
    }


async def test_api_and_page_verify_hold_the_logs_against_the_witness(hub):
    async with hub.as_user("auditor") as client:
        await client.post("/api/v1/audit/search", json={"officer": "x"})  # logged: access grows
        signed = (await client.post("/api/v1/audit/checkpoint")).json()
        _empty_access_log(hub)
        verify = (await client.post("/api/v1/audit/verify")).json()
        page = await client.post("/audit/verificatie", data={"csrf_token": client.csrf})
    assert verify["ok"] is False
    (access,) = [r for r in verify["reports"] if r["log"] == "access"]
    size = signed["access"]["size"]
    assert size > 0
    details = [f["detail"] for f in access["findings"]]
    assert any(f"{size} entries signed, the database log has only 0" in d for d in details)
    # the page's own verification is later: the access log holds the API's verify
    # record by then, which no longer matches the witnessed root
    assert "FOUT" in page.text and "entry 0 of log access" in page.text


async def test_a_failing_witness_is_a_clear_answer_not_a_crash(hub):
    from hub.audit import HttpWitness

    trail = hub.web.context.storage.trail
    trail.witnesses.append(HttpWitness("http://127.0.0.1:9", timeout_s=1))
    async with hub.as_user("auditor") as client:
        api = await client.post("/api/v1/audit/checkpoint")
        page = await client.post("/audit/checkpoint", data={"csrf_token": client.csrf})
        verify = (await client.post("/api/v1/audit/verify")).json()
    assert api.status_code == 503 and "getuige" in api.json()["detail"][0]["message"]
    assert "Niet gelukt" in page.text and "getuige" in page.text
    assert verify["ok"] is False and "verificatie niet mogelijk" in verify["where"]
