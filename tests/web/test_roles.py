"""Roles that keep their promises (issue 9): an administrator cannot act as an officer
through a token, every token use is in the access log, re-enabling revives nothing,
signed table feedback is bound to its delivery and accepted once, login throttling
cannot lock the real user out, and refusals cannot flood the access log."""

from __future__ import annotations

import json
import secrets
import time
from typing import Any

import httpx
import pytest

from hub.usecases.forwarding import SIGNATURE_HEADER, Forwarding, feedback_secret_env, sign
from hub.web.auth import PRE_COOKIE
from hub.web.csrf import csrf_token
from plugins import Receipt, sign_body

from .conftest import HOORN, PASSWORD, Hub, example

SECRET = "riec-terugkoppelgeheim-test"


def from_address(hub: Hub, address: str) -> httpx.AsyncClient:
    """A visitor's browser at ``address``, with the pre-login cookie and its CSRF token."""
    pre = secrets.token_urlsafe(32)
    client = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=hub.app, client=(address, 40000)),
        base_url="https://testserver",
        cookies={PRE_COOKIE: pre},
        follow_redirects=False,
    )
    client.csrf = csrf_token(pre)  # type: ignore[attr-defined]
    return client


async def login(client: httpx.AsyncClient, user: str, password: str) -> int:
    data = {"csrf_token": client.csrf, "login": user, "password": password}  # type: ignore[attr-defined]
    return (await client.post("/inloggen", data=data)).status_code


# -- tokens ------------------------------------------------------------------------------


async def test_an_administrator_cannot_mint_a_token_for_an_officer(hub: Hub):
    async with hub.as_user("beheerder") as admin:
        minted = await admin.post("/api/v1/users/af-hoorn/tokens", json={"label": "stiekem"})
    assert minted.status_code == 403
    assert "af-hoorn" in minted.json()["detail"][0]["message"]
    assert hub.web.accounts.tokens("af-hoorn") == []
    refusal = hub.access_log()[-1]
    assert refusal["action"] == "tokens.create" and refusal["result"] == "refused"
    assert refusal["user_id"] == "beheerder" and refusal["detail"]["user"] == "af-hoorn"


async def test_a_user_makes_its_own_token_and_every_use_names_it(hub: Hub):
    dossier_id = await hub.enrich("af-hoorn", example(HOORN))
    async with hub.as_user("af-hoorn") as officer:
        made = await officer.post("/api/v1/users/af-hoorn/tokens", json={"label": "script"})
    assert made.status_code == 201, made.text
    token_id, secret = made.json()["token"]["id"], made.json()["secret"]
    assert made.json()["token"]["created_by"] == "af-hoorn"
    before = len(hub.access_log())
    headers = {"Authorization": f"Bearer {secret}"}
    async with hub.anonymous() as script:
        assert (await script.get(f"/api/v1/dossiers/{dossier_id}", headers=headers)).is_success
        assert (await script.get("/api/v1/me", headers=headers)).is_success
        # a token cannot make more tokens (it could outlive its own revocation)
        more = await script.post(
            "/api/v1/users/af-hoorn/tokens", json={"label": "meer"}, headers=headers
        )
        assert more.status_code == 403
    lines = hub.access_log()[before:]
    assert [a["action"] for a in lines] == ["token.use", "view", "tokens.create"]
    assert all(a["detail"]["token"] == token_id and a["user_id"] == "af-hoorn" for a in lines)
    assert secret not in json.dumps(lines)


async def test_re_enabling_an_account_revives_no_token_and_no_session(hub: Hub):
    async with hub.as_user("af-hoorn") as officer:
        secret = (
            await officer.post("/api/v1/users/af-hoorn/tokens", json={"label": "script"})
        ).json()["secret"]
    browser = hub.as_user("af-hoorn")
    async with hub.as_user("beheerder") as admin:
        assert (await admin.post("/api/v1/users/af-hoorn/disable")).status_code == 200
        assert (await admin.post("/api/v1/users/af-hoorn/enable")).status_code == 200
    async with hub.anonymous() as script:
        headers = {"Authorization": f"Bearer {secret}"}
        assert (await script.get("/api/v1/me", headers=headers)).status_code == 401
    async with browser:
        assert (await browser.get("/api/v1/me")).status_code == 401


# -- signed feedback -----------------------------------------------------------------------


@pytest.fixture
async def riec_delivery(hub: Hub, monkeypatch: pytest.MonkeyPatch) -> str:
    """A delivered RIEC delivery of a Hoorn dossier; the RIEC's feedback secret set."""
    monkeypatch.setenv(feedback_secret_env("riec"), SECRET)
    dossier_id = await hub.enrich("af-hoorn", example(HOORN))
    officer = hub.users["af-hoorn"].actor("test")
    row = Forwarding(hub.web.forwarding).forward(officer, dossier_id, "riec")
    hub.web.forwarding.outbox.claim("w", limit=10)
    hub.web.forwarding.outbox.delivered(row.id, Receipt("r-1", "200 OK"), worker="w")
    return row.id


def signed(header: str, body: bytes) -> dict[str, Any]:
    return {
        "content": body,
        "headers": {SIGNATURE_HEADER: header, "Content-Type": "application/json"},
    }


async def test_a_feedback_signature_is_accepted_once(hub: Hub, riec_delivery: str):
    url = f"/api/v1/deliveries/{riec_delivery}/feedback"
    body = json.dumps({"text": "Besproken."}).encode()
    header = sign(SECRET, int(time.time()), riec_delivery, body)
    async with hub.anonymous() as table:
        first = await table.post(url, **signed(header, body))
        again = await table.post(url, **signed(header, body))
    assert first.status_code == 201, first.text
    assert again.status_code == 401 and "al gebruikt" in again.json()["detail"][0]["message"]
    assert (
        len(
            hub.web.forwarding.feedback_for(hub.web.forwarding.outbox.get(riec_delivery).dossier_id)
        )
        == 1
    )
    # the replay store is in the database: another process of the hub refuses it too
    stored = hub.web.context.storage.db.query("SELECT COUNT(*) FROM web_signature_replays")
    assert stored[0][0] == 1


async def test_a_feedback_signature_is_bound_to_its_delivery(hub: Hub, riec_delivery: str):
    """A signature for one delivery, or a body-only v1 signature, does not carry
    feedback to another delivery of the same table."""
    dossier_id = hub.web.forwarding.outbox.get(riec_delivery).dossier_id
    second = Forwarding(hub.web.forwarding).forward(
        hub.users["af-hoorn"].actor("t"), await hub.enrich("af-hoorn", example(HOORN)), "riec"
    )
    hub.web.forwarding.outbox.claim("w", limit=10)
    hub.web.forwarding.outbox.delivered(second.id, Receipt("r-2", "200 OK"), worker="w")
    body = json.dumps({"text": "Niet voor deze levering."}).encode()
    now = int(time.time())
    for_first = sign(SECRET, now, riec_delivery, body)
    async with hub.anonymous() as table:
        moved = await table.post(
            f"/api/v1/deliveries/{second.id}/feedback", **signed(for_first, body)
        )
        v1 = await table.post(
            f"/api/v1/deliveries/{second.id}/feedback",
            **signed(sign_body(SECRET, now + 1, body), body),
        )
    assert moved.status_code == 401 and "klopt niet" in moved.json()["detail"][0]["message"]
    assert v1.status_code == 401 and "v2" in v1.json()["detail"][0]["message"]
    assert hub.web.forwarding.feedback_for(second.dossier_id) == []
    assert hub.web.forwarding.feedback_for(dossier_id) == []


async def test_the_source_of_signed_feedback_is_the_table_of_the_key(hub: Hub, riec_delivery: str):
    url = f"/api/v1/deliveries/{riec_delivery}/feedback"
    spoofed = json.dumps({"text": "Zaak gesloten.", "source": "Openbaar Ministerie"}).encode()
    named = json.dumps({"text": "Opgepakt.", "source": "riec"}).encode()
    now = int(time.time())
    async with hub.anonymous() as table:
        refused = await table.post(
            url, **signed(sign(SECRET, now, riec_delivery, spoofed), spoofed)
        )
        ok = await table.post(url, **signed(sign(SECRET, now + 1, riec_delivery, named), named))
    assert refused.status_code == 422 and refused.json()["detail"][0]["field"] == "source"
    assert ok.status_code == 201 and ok.json()["source"] == "RIEC Noord-Holland — informatieplein"
    sources = {f.source for f in hub.web.forwarding.feedback_for(ok.json()["dossier_id"])}
    assert sources == {"RIEC Noord-Holland — informatieplein"}


# -- login throttling ------------------------------------------------------------------------


async def test_failures_from_one_address_do_not_lock_the_user_out_elsewhere(hub: Hub):
    async with from_address(hub, "203.0.113.66") as attacker:
        for _ in range(12):
            assert await login(attacker, "af-hoorn", "geraden") in (401, 429)
        assert await login(attacker, "af-hoorn", PASSWORD) == 429  # paused there
    async with from_address(hub, "10.1.2.3") as office:
        assert await login(office, "af-hoorn", PASSWORD) == 303


async def test_a_known_address_is_slowed_down_never_locked(hub: Hub):
    async with from_address(hub, "10.1.2.3") as office:
        assert await login(office, "af-hoorn", PASSWORD) == 303
    # someone at the same office address tries many passwords
    async with from_address(hub, "10.1.2.3") as colleague:
        for _ in range(25):
            await login(colleague, "af-hoorn", "geraden")
    wait = hub.web.throttle.retry_after("af-hoorn", "10.1.2.3")
    assert wait is not None and wait <= 61
    hub.web.context.storage.db.execute(
        "UPDATE web_login_failures SET failed_at = ?", ("2000-01-01T00:00:00.000000Z",)
    )
    async with from_address(hub, "10.1.2.3") as office:
        assert await login(office, "af-hoorn", PASSWORD) == 303


# -- refusals cannot flood the access log ------------------------------------------------------


async def test_a_flood_of_refusals_is_summarised(hub: Hub):
    per_minute = hub.web.refusals.per_minute
    before = len(hub.access_log())
    async with from_address(hub, "203.0.113.66") as flood:
        for _ in range(per_minute + 30):
            response = await flood.get(
                "/api/v1/dossiers", headers={"Authorization": "Bearer opp_nep"}
            )
            assert response.status_code == 401
    lines = hub.access_log()[before:]
    assert len(lines) == per_minute
    assert all(a["detail"]["address"] == "203.0.113.66" for a in lines)
    # once the minute is over (here: when the service stops) one line counts the rest
    assert hub.web.refusals.flush() == 1
    summary = hub.access_log()[-1]
    assert summary["action"] == "refusals.summary" and summary["detail"]["more"] == "30"
    # a known caller's refusals are never summarised away
    async with hub.as_user("auditor") as auditor:
        for _ in range(per_minute + 5):
            assert (await auditor.get("/api/v1/dossiers")).status_code == 403
    assert len(hub.access_log()) == before + per_minute + 1 + per_minute + 5


# -- widening an officer's municipalities: four eyes -----------------------------------------


async def test_widening_an_officers_municipalities_needs_a_second_administrator(hub: Hub):
    from .conftest import ENKHUIZEN

    enkhuizen_dossier = await hub.enrich("af-enkhuizen", example(ENKHUIZEN))
    hub.add_user("beheerder-2", ("admin",))
    url = "/api/v1/users/af-hoorn/municipalities"
    async with hub.as_user("beheerder") as first:
        asked = await first.post(url, json={"municipalities": ["0405", "0388"]})
        assert asked.status_code == 200 and asked.json()["state"] == "pending"
        change_id = asked.json()["id"]
        # not yet: the officer still cannot read Enkhuizen
        assert hub.web.accounts.require("af-hoorn").municipalities == ("0405",)
        own = await first.post(f"/api/v1/municipality-changes/{change_id}/approve")
        assert own.status_code == 403 and "vier ogen" in own.json()["detail"][0]["message"]
    async with hub.as_user("af-hoorn") as officer:
        assert (await officer.get(f"/api/v1/dossiers/{enkhuizen_dossier}")).status_code == 404
    async with hub.as_user("beheerder-2") as second:
        approved = await second.post(f"/api/v1/municipality-changes/{change_id}/approve")
        assert approved.status_code == 200 and approved.json()["state"] == "approved"
        page = (await second.get("/beheer/gebruikers")).text
        assert change_id in page and "goedgekeurd" in page
    async with hub.as_user("af-hoorn") as officer:
        assert (await officer.get(f"/api/v1/dossiers/{enkhuizen_dossier}")).status_code == 200
    lines = [a for a in hub.access_log() if a["action"].startswith("users.municipalities")]
    assert [(a["action"], a["result"]) for a in lines] == [
        ("users.municipalities.request", "allowed"),
        ("users.municipalities.approve", "refused"),
        ("users.municipalities.approve", "allowed"),
    ]
    assert lines[-1]["detail"]["before"] == "0405" and lines[-1]["detail"]["after"] == "0388,0405"
    assert (
        lines[-1]["user_id"] == "beheerder-2" and lines[-1]["detail"]["requested_by"] == "beheerder"
    )


async def test_narrowing_takes_effect_at_once_and_is_logged(hub: Hub):
    hub.web.accounts.set_municipalities("af-hoorn", ("0388", "0405"))
    async with hub.as_user("beheerder") as admin:
        done = await admin.post(
            "/api/v1/users/af-hoorn/municipalities", json={"municipalities": ["0405"]}
        )
        assert done.json()["state"] == "applied"
        empty = await admin.post(
            "/api/v1/users/af-hoorn/municipalities", json={"municipalities": []}
        )
        assert empty.status_code == 422 and empty.json()["detail"][0]["field"] == "municipalities"
    assert hub.web.accounts.require("af-hoorn").municipalities == ("0405",)
    lines = [a for a in hub.access_log() if a["action"] == "users.municipalities"]
    assert [a["result"] for a in lines] == ["allowed", "failed"]
    line = lines[0]
    assert line["detail"]["before"] == "0388,0405" and line["detail"]["after"] == "0405"


async def test_an_administrator_cannot_widen_their_own_municipalities(hub: Hub):
    hub.add_user("beheer-af", ("officer", "admin"), ("0405",))
    async with hub.as_user("beheerder") as first:
        asked = await first.post(
            "/api/v1/users/beheer-af/municipalities", json={"municipalities": ["0405", "0388"]}
        )
    async with hub.as_user("beheer-af") as self_approver:
        own = await self_approver.post(f"/api/v1/municipality-changes/{asked.json()['id']}/approve")
    assert own.status_code == 403
    assert hub.web.accounts.require("beheer-af").municipalities == ("0405",)


async def test_a_new_accounts_municipalities_wait_for_a_second_administrator(hub: Hub):
    """Else one administrator makes a system account for Enkhuizen, mints its token and
    reads Enkhuizen's dossiers."""
    from .conftest import ENKHUIZEN

    enkhuizen_dossier = await hub.enrich("af-enkhuizen", example(ENKHUIZEN))
    async with hub.as_user("beheerder") as admin:
        created = await admin.post(
            "/api/v1/users",
            json={
                "login": "koppeling-e",
                "name": "Koppeling",
                "roles": ["officer"],
                "municipalities": ["0388"],
                "system": True,
            },
        )
        assert created.status_code == 201
        assert created.json()["user"]["municipalities"] == []
        change = created.json()["municipality_change"]
        assert change["state"] == "pending" and change["after"] == ["0388"]
        secret = (await admin.post("/api/v1/users/koppeling-e/tokens", json={"label": "x"})).json()[
            "secret"
        ]
    headers = {"Authorization": f"Bearer {secret}"}
    async with hub.anonymous() as system:
        read = await system.get(f"/api/v1/dossiers/{enkhuizen_dossier}", headers=headers)
        assert read.status_code == 404
    hub.add_user("beheerder-2", ("admin",))
    async with hub.as_user("beheerder-2") as second:
        approved = await second.post(f"/api/v1/municipality-changes/{change['id']}/approve")
        assert approved.json()["state"] == "approved"
    async with hub.anonymous() as system:
        read = await system.get(f"/api/v1/dossiers/{enkhuizen_dossier}", headers=headers)
        assert read.status_code == 200
