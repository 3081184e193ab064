"""The JSON API as a system uses it: signals, jobs, dossiers, audit, accounts, health and
metrics — and bad input: every field named, oversized bodies refused, nothing
half-written."""

from __future__ import annotations

import json
from typing import Any

import pytest
import structlog

from hub.web.users import TOKEN_PREFIX

from .conftest import ENKHUIZEN, HOORN, Hub, example, heal, make_flaky


def _stored(hub: Hub) -> tuple[int, int, int]:
    db = hub.web.context.storage.db
    dossiers = db.query("SELECT COUNT(*) FROM dossiers")[0][0]
    evidence = db.query("SELECT COUNT(*) FROM evidence")[0][0]
    processing = hub.web.context.storage.trail.processing.size()
    return int(dossiers), int(evidence), processing


async def test_openapi_describes_a_versioned_api(hub: Hub):
    async with hub.anonymous() as client:
        doc = (await client.get("/openapi.json")).json()
        assert (await client.get("/docs")).status_code == 404  # no third-party scripts
    paths = set(doc["paths"])
    assert {"/api/v1/signals", "/api/v1/dossiers/{dossier_id}", "/healthz", "/metrics"} <= paths
    assert not any(p.startswith(("/signalen", "/beheer", "/audit")) for p in paths)  # pages
    schemas = doc["components"]["schemas"]
    assert {"Signal", "JobOut", "Dossier", "ErrorOut", "SearchIn"} <= set(schemas)
    post = doc["paths"]["/api/v1/signals"]["post"]
    assert post["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("Signal")
    assert {"202", "401", "403", "422", "429"} <= set(post["responses"])


async def test_submit_follow_and_read_a_dossier(hub: Hub):
    async with hub.with_token("systeem-hoorn") as client:
        accepted = await client.post("/api/v1/signals", json=example(HOORN))
        assert accepted.status_code == 202
        job = accepted.json()
        await hub.web.jobs.wait_idle()
    # the job belongs to the account the token acts as
    async with hub.with_token("systeem-hoorn") as client:
        state = (await client.get(job["status_url"])).json()
        assert state["state"] == "done" and state["complete"] is True
        by_connector = {c["connector"]: c for c in state["connectors"]}
        assert by_connector["brp"]["status"] == "ok" and by_connector["brp"]["finished"] >= 1
        events = await client.get(job["events_url"])
        assert events.headers["content-type"].startswith("text/event-stream")
        assert "event: progress" in events.text and "event: end" in events.text
        dossier = (await client.get(f"/api/v1/dossiers/{state['dossier_id']}")).json()
        assert dossier["signal_id"] == job["signal_id"]
        assert dossier["officer"]["id"] == "systeem-hoorn"
        mine = (await client.get("/api/v1/signals")).json()
        assert [d["id"] for d in mine] == [dossier["id"]]
    actions = [(a["action"], a["client"]) for a in hub.access_log()]
    assert ("enrich", "api") in actions and ("view", "api") in actions


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"persons": [{"burgerservicenummer": "123456789"}]},
            "persons[0].burgerservicenummer",
            "geen geldig BSN",
        ),
        ({"addresses": [{"postcode": "16", "huisnummer": 1}]}, "addresses[0].postcode", "postcode"),
        ({"forms": ["vrijwillig"]}, "forms[0]", "onbekende waarde"),
        ({"municipality": "Hoorn"}, "municipality", "vier cijfers"),
        ({"kleur": "rood"}, "kleur", "onbekend veld"),
        ({"description": "x" * 10_001}, "description", "te lang"),
        (
            {"persons": [], "addresses": [], "businesses": []},
            "persons",
            "minstens één persoon",
        ),
    ],
)
async def test_a_bad_signal_names_its_field_and_stores_nothing(hub: Hub, change, field, message):
    before = _stored(hub)
    async with hub.with_token("systeem-hoorn") as client:
        response = await client.post("/api/v1/signals", json={**example(HOORN), **change})
    assert response.status_code == 422
    problems = response.json()["detail"]
    assert any(p["field"] == field and message in p["message"] for p in problems), problems
    assert _stored(hub) == before
    assert not any(a["action"] == "enrich" for a in hub.access_log())


async def test_not_json_and_not_an_object(hub: Hub):
    async with hub.with_token("systeem-hoorn") as client:
        broken = await client.post(
            "/api/v1/signals",
            content=b'{"municipality": ',
            headers={"content-type": "application/json"},
        )
        listed = await client.post("/api/v1/signals", json=[1, 2])
    assert broken.status_code == 422 and broken.json()["detail"][0]["field"] == "body"
    assert listed.status_code == 422 and listed.json()["detail"][0]["field"]


async def test_a_purpose_or_municipality_not_allowed_is_refused_by_field(hub: Hub):
    async with hub.with_token("systeem-hoorn") as client:
        purpose = await client.post("/api/v1/signals", json={**example(HOORN), "purpose": "VA-X"})
        other = await client.post("/api/v1/signals", json=example(ENKHUIZEN))
    assert purpose.status_code == 403 and purpose.json()["detail"][0]["field"] == "purpose"
    assert other.status_code == 403 and other.json()["detail"][0]["field"] == "municipality"
    refused = [a for a in hub.access_log() if a["result"] == "refused"]
    assert len(refused) == 2 and all(a["action"] == "enrich" for a in refused)


async def test_oversized_bodies_are_refused(hub: Hub):
    before = _stored(hub)
    big = {**example(HOORN), "description": "x" * (1024 * 1024 + 10)}
    async with hub.with_token("systeem-hoorn") as client:
        response = await client.post("/api/v1/signals", json=big)
    assert response.status_code == 413
    assert response.json()["detail"][0]["field"] == "body"
    async with hub.as_user("af-hoorn") as client:
        page = await client.post(
            "/signalen/nieuw", data={"csrf_token": client.csrf, "description": "x" * 1_100_000}
        )
    assert page.status_code == 413 and "te groot" in page.text
    assert _stored(hub) == before


async def test_too_many_running_enrichments(home):
    from .conftest import start_hub, web_config

    hub, lifespan = await start_hub(web_config(max_jobs_per_user=1))
    try:
        hub.add_user("af-hoorn", ("officer",), ("0405",))
        async with hub.as_user("af-hoorn") as client:
            first = await client.post("/api/v1/signals", json=example(HOORN))
            second = await client.post("/api/v1/signals", json=example(HOORN))
            await hub.web.jobs.wait_idle()
        assert first.status_code == 202
        assert second.status_code == 429 and "Retry-After" in second.headers
    finally:
        await lifespan.__aexit__(None, None, None)


class Counted:
    """A connector that counts the queries it is asked."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.info, self.asked = inner, inner.info, []

    def __getattr__(self, name: str) -> Any:  # check, aclose: as the real one
        return getattr(self.inner, name)

    def accepts(self, subject: Any) -> bool:
        return bool(self.inner.accepts(subject))

    async def enrich(self, query: Any) -> Any:
        self.asked.append(query.subject.key)
        return await self.inner.enrich(query)


async def test_a_rerun_asks_only_what_failed_and_keeps_the_rest(hub: Hub):
    flaky = make_flaky(hub)
    dossier_id = await hub.enrich("af-hoorn", example(HOORN))
    heal(hub, flaky)
    counted = {}
    for handle in hub.web.enrich.runtime.handles:
        counted[handle.name] = handle.connector = Counted(handle.connector)  # type: ignore[assignment]
    async with hub.as_user("af-hoorn") as client:
        first = (await client.get(f"/api/v1/dossiers/{dossier_id}")).json()
        failed = [o for o in first["outcomes"] if o["status"] == "failed"]
        rerun = await client.post(f"/api/v1/dossiers/{dossier_id}/rerun")
        await hub.web.jobs.wait_idle()
        job = (await client.get(rerun.json()["status_url"])).json()
        again = (await client.get(f"/api/v1/dossiers/{job['dossier_id']}")).json()
    known = {s["key"] for s in first["subjects"]}
    asked = {(name, key) for name, c in counted.items() for key in c.asked if key in known}
    assert failed and asked == {(o["connector"], o["subject"]) for o in failed}
    # what the healed registry found that the first version did not know is followed up
    new = {s["key"] for s in again["subjects"]} - known
    assert all(key in new for c in counted.values() for key in c.asked if key not in known)
    assert job["complete"] is True
    kept = [f for f in first["facts"] if f["provenance"]["connector"] == "brp"]
    assert kept and all(f in again["facts"] for f in kept)  # same ids, values, provenance
    assert any(f["provenance"]["connector"] == "handhaving" for f in again["facts"])


async def test_a_failed_registry_stands_out_and_a_rerun_makes_a_new_version(hub: Hub):
    flaky = make_flaky(hub)
    dossier_id = await hub.enrich("af-hoorn", example(HOORN))
    async with hub.as_user("af-hoorn") as client:
        dossier = (await client.get(f"/api/v1/dossiers/{dossier_id}")).json()
        failed = [o for o in dossier["outcomes"] if o["connector"] == "handhaving"]
        assert failed and all(o["status"] == "failed" for o in failed)
        page = (await client.get(f"/dossiers/{dossier_id}")).text
        assert "niet alle bronnen konden worden bevraagd" in page
        assert 'class="rij-fout"' in page and "MISLUKT" in page
        assert "niet vastgesteld dat er niets is" in page  # never "nothing found"
        heal(hub, flaky)
        rerun = await client.post(f"/api/v1/dossiers/{dossier_id}/rerun")
        assert rerun.status_code == 202
        await hub.web.jobs.wait_idle()
        job = (await client.get(rerun.json()["status_url"])).json()
        assert job["rerun_of"] == dossier_id and job["complete"] is True
        again = (await client.get(f"/api/v1/dossiers/{job['dossier_id']}")).json()
        assert again["signal_id"] == dossier["signal_id"] and again["id"] != dossier_id
        page = (await client.get(f"/dossiers/{again['id']}")).text
        assert "Versies van dit signaal" in page and dossier_id in page
    async with hub.as_user("beheerder") as client:
        metrics = (await client.get("/metrics")).text
    errors = [ln for ln in metrics.splitlines() if ln.startswith("opplus_connector_errors_total")]
    assert any('connector="handhaving"' in ln and not ln.endswith(" 0") for ln in errors)
    assert 'opplus_connector_call_duration_seconds_bucket{connector="brp",le="+Inf"}' in metrics
    assert 'opplus_connector_calls_total{connector="handhaving",status="failed"}' in metrics


async def test_api_with_a_session_cookie_needs_the_csrf_header(hub: Hub):
    async with hub.as_user("af-hoorn") as client:
        del client.headers["X-CSRF-Token"]
        refused = await client.post("/api/v1/signals", json=example(HOORN))
        client.headers["X-CSRF-Token"] = "nep"
        wrong = await client.post("/api/v1/signals", json=example(HOORN))
        assert (await client.get("/api/v1/signals")).status_code == 200  # safe methods need none
    assert refused.status_code == 403 and wrong.status_code == 403
    assert refused.json()["detail"][0]["field"] == "x-csrf-token"
    assert sum(a["result"] == "refused" for a in hub.access_log()) == 2


async def test_the_auditor_api(hub: Hub):
    dossier_id = await hub.enrich("af-hoorn", example(HOORN))
    async with hub.as_user("auditor") as client:
        hits = (await client.post("/api/v1/audit/search", json={"officer": "af-hoorn"})).json()
        assert any(h["payload"]["action"] == "enrich" for h in hits if h["log"] == "access")
        by_bsn = (await client.post("/api/v1/audit/search", json={"bsn": "999970057"})).json()
        assert {"processing", "brp_protocol"} <= {h["log"] for h in by_bsn}
        bad = await client.post("/api/v1/audit/search", json={"bsn": "12"})
        assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "bsn"
        naive = await client.post("/api/v1/audit/search", json={"since": "2020-01-01T00:00:00"})
        assert naive.status_code == 200
        checkpoint = (await client.post("/api/v1/audit/checkpoint")).json()
        assert set(checkpoint) == {"processing", "access", "brp_protocol", "store"}
        verify = (await client.post("/api/v1/audit/verify")).json()
        assert verify["ok"] is True and verify["latest_checkpoints"]["processing"]
        proof = await client.get("/api/v1/audit/logs/processing/entries/0/proof")
        assert proof.status_code == 200 and proof.json()["public_key"]
        missing = await client.get("/api/v1/audit/logs/processing/entries/999999/proof")
        assert missing.status_code == 404
        report = await client.post("/api/v1/audit/subject-report", json={"bsn": "999970057"})
        assert report.status_code == 200 and report.json()["brp_supplies"]
        prov = await client.get(f"/api/v1/audit/dossiers/{dossier_id}/prov")
        assert prov.status_code == 200 and "Katarzyna" not in prov.text
        assert (await client.get("/api/v1/audit/dossiers/onbekend/prov")).status_code == 404
    text = json.dumps(hub.access_log())
    assert "999970057" not in text  # the BSN searched for is never logged


async def test_accounts_through_the_api(hub: Hub):
    async with hub.as_user("beheerder") as admin:
        created = await admin.post(
            "/api/v1/users",
            json={
                "login": "af-hoorn-2",
                "name": "Tweede AF",
                "roles": ["officer"],
                "municipalities": ["0405"],
            },
        )
        assert created.status_code == 201
        password = created.json()["password"]
        assert len(password) >= 20
        dupe = await admin.post(
            "/api/v1/users", json={"login": "af-hoorn-2", "name": "x", "roles": ["auditor"]}
        )
        assert dupe.status_code == 409 and dupe.json()["detail"][0]["field"] == "login"
        bad = await admin.post(
            "/api/v1/users", json={"login": "x y", "name": "x", "roles": ["officer"]}
        )
        assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "login"
        unserved = await admin.post(
            "/api/v1/users",
            json={"login": "af-x", "name": "x", "roles": ["officer"], "municipalities": ["0363"]},
        )
        assert unserved.json()["detail"][0]["field"] == "municipalities"
        person = await admin.post("/api/v1/users/af-hoorn-2/tokens", json={"label": "z"})
        assert person.status_code == 403  # a person's tokens are its own to make
        system = await admin.post(
            "/api/v1/users",
            json={
                "login": "koppeling-2",
                "name": "Koppeling",
                "roles": ["officer"],
                "municipalities": ["0405"],
                "system": True,
            },
        )
        assert system.status_code == 201 and system.json()["password"] is None
        token = (await admin.post("/api/v1/users/koppeling-2/tokens", json={"label": "z"})).json()
        assert token["secret"].startswith(TOKEN_PREFIX)
        listed = (await admin.get("/api/v1/tokens")).json()
        assert token["secret"] not in json.dumps(listed)
        own = await admin.post("/api/v1/users/beheerder/disable")
        assert own.status_code == 422  # an administrator cannot lock themselves out
    assert hub.web.accounts.authenticate("af-hoorn-2", password) is not None
    headers = {"Authorization": f"Bearer {token['secret']}"}
    async with hub.anonymous() as system:
        assert (await system.get("/api/v1/me", headers=headers)).json()["login"] == "koppeling-2"
        async with hub.as_user("beheerder") as admin:
            assert (await admin.post("/api/v1/users/koppeling-2/disable")).status_code == 200
        assert (await system.get("/api/v1/me", headers=headers)).status_code == 401
        async with hub.as_user("beheerder") as admin:
            await admin.post("/api/v1/users/koppeling-2/enable")
            # re-enabling revives no old token
            assert (await system.get("/api/v1/me", headers=headers)).status_code == 401
            fresh = (
                await admin.post("/api/v1/users/koppeling-2/tokens", json={"label": "y"})
            ).json()
            headers = {"Authorization": f"Bearer {fresh['secret']}"}
            assert (await system.get("/api/v1/me", headers=headers)).status_code == 200
            revoked = await admin.delete(f"/api/v1/tokens/{fresh['token']['id']}")
            assert revoked.json()["revoked_at"]
        assert (await system.get("/api/v1/me", headers=headers)).status_code == 401
    actions = {a["action"] for a in hub.access_log()}
    assert {
        "users.add",
        "users.disable",
        "users.enable",
        "tokens.create",
        "tokens.revoke",
    } <= actions


async def test_connector_health_config_and_service_endpoints(hub: Hub):
    make_flaky(hub)
    async with hub.as_user("beheerder") as client:
        health = {c["name"]: c for c in (await client.get("/api/v1/connectors")).json()}
        assert health["handhaving"]["ok"] is False and health["brp"]["ok"] is True
        config = (await client.get("/api/v1/config")).json()
        assert config["municipalities"]["0405"] == "Hoorn" and config["tables"]
        assert "secret" not in json.dumps(config["connectors"]).replace("_env", "")
        metrics = await client.get("/metrics")
    assert metrics.headers["content-type"].startswith("text/plain; version=0.0.4")
    assert 'opplus_connector_up{connector="handhaving"} 0' in metrics.text
    assert 'opplus_http_requests_total{method="GET",route="/api/v1/connectors",status="200"}' in (
        metrics.text
    )
    async with hub.anonymous() as client:
        assert (await client.get("/healthz")).json() == {"status": "ok"}
        missing = await client.get("/api/v1/bestaat-niet")
        assert missing.status_code == 404 and missing.json()["detail"][0]["message"]


async def test_no_secret_reaches_the_application_log(hub: Hub):
    with structlog.testing.capture_logs() as logs:
        async with hub.anonymous() as client:
            page = await client.get("/")
            login = await client.post(
                "/inloggen",
                data={"csrf_token": client.csrf, "login": "af-hoorn", "password": "fout"},
            )
        async with hub.as_user("af-hoorn") as client:
            await client.post("/api/v1/signals", json=example(HOORN))
            await hub.web.jobs.wait_idle()
            session = client.cookies.get("opplus_session")
    assert page.status_code == 200 and login.status_code == 401
    text = json.dumps(logs, default=str)
    assert "http_request" in text
    for secret in ("fout", session, "999970057", client.csrf):
        assert secret and f'"{secret}"' not in text and secret not in text.replace("fout_", "")
