"""The gateway's purpose headers end to end: the hub, the BRP and Bewoning connectors,
and their fakes in "required" mode, as a municipality's Haal Centraal gateway insists."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from connectors.bewoning.fake import create_app as bewoning_app
from connectors.brp.fake import create_app as brp_app
from hub.config import Config, load_config
from hub.runtime import Runtime
from hub.signal import parse_signal
from plugins import Officer

REQUIRED = ("x-doelbinding", "x-verwerking", "x-gebruiker", "x-origin-oin")
OFFICER = Officer("af-hoorn-07", "AF Hoorn", "0405")
BSN = "999993653"  # lives at Boterdiep 31, so Bewoning is asked in round 2


def without_purpose_headers(config: Config) -> Config:
    connectors = {
        name: {k: v for k, v in values.items() if k != "purpose_headers"}
        for name, values in config.connectors.items()
    }
    return config.model_copy(update={"connectors": connectors})


async def enrich(config: Config, purpose: str) -> tuple[Any, dict[str, list[dict[str, str]]]]:
    """One enrichment against fakes that require the purpose headers; also what each
    fake received in them."""
    runtime = Runtime.build(config, fake_options={"required_purpose_headers": REQUIRED})
    seen: dict[str, list[dict[str, str]]] = {"brp": [], "bewoning": []}
    original = runtime.context.transport

    class Spy(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            name = "bewoning" if "/bewoning/" in request.url.path else "brp"
            if request.url.path.endswith(("/personen", "/bewoningen")):
                seen[name].append({h: request.headers.get(h, "") for h in REQUIRED})
            response: httpx.Response = await original.handle_async_request(request)
            return response

    for handle in runtime.handles:
        if handle.name in seen:
            handle.connector._client._transport = Spy()  # type: ignore[attr-defined]
    signal = parse_signal(
        {
            "municipality": "0405",
            "forms": ["arbeidsuitbuiting"],
            "purpose": purpose,
            "persons": [{"burgerservicenummer": BSN}],
        }
    )
    async with runtime:
        run = await runtime.enricher().enrich(signal, OFFICER)
    return run.dossier, seen


@pytest.mark.parametrize(
    ("purpose", "doelbinding", "verwerking"),
    [
        ("VA-MH-01", "PMH-WF-01", "signaalverrijking-mensenhandel"),
        ("VA-MH-02", "PMH-WF-02", "verkenning-signaal-mensenhandel"),
    ],
)
async def test_headers_arrive_as_configured_per_purpose(
    purpose: str, doelbinding: str, verwerking: str
) -> None:
    dossier, seen = await enrich(load_config(), purpose)
    statuses = {o.connector: o.status for o in dossier.outcomes}
    assert statuses["brp"] == "ok" and statuses["bewoning"] == "ok", dossier.outcomes
    expected = {
        "x-doelbinding": doelbinding,
        "x-verwerking": verwerking,
        "x-gebruiker": "af-hoorn-07",
        "x-origin-oin": "00000001001234567000",
    }
    assert seen["brp"] and seen["bewoning"]
    assert all(headers == expected for headers in seen["brp"] + seen["bewoning"])


async def test_without_configuration_none_are_sent_and_the_gateway_refuses_honestly() -> None:
    dossier, seen = await enrich(without_purpose_headers(load_config()), "VA-MH-01")
    assert seen["brp"] == [dict.fromkeys(REQUIRED, "")]
    brp = [o for o in dossier.outcomes if o.connector == "brp"]
    # a refusal by the gateway is a failure with its reason, never "nothing known"
    assert [o.status for o in brp] == ["failed"]
    assert "x-doelbinding" in (brp[0].error or "")
    assert not [f for f in dossier.facts if f.provenance.connector == "brp"]


@pytest.mark.parametrize("factory", [brp_app, bewoning_app], ids=["brp", "bewoning"])
async def test_fake_in_required_mode_answers_problem_json(factory: Any) -> None:
    app = factory(required_purpose_headers=("x-doelbinding", "x-gebruiker"))
    token_client = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://fake.test"
    )
    async with token_client as client:
        response = await client.post(
            "/personen" if factory is brp_app else "/bewoningen",
            json={},
            headers={"x-api-key": _api_key(factory), "x-doelbinding": "PMH"},
        )
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert [p["name"] for p in body["invalidParams"]] == ["x-gebruiker"]


def _api_key(factory: Any) -> str:
    from connectors.bewoning.fake import FAKE_API_KEY as BEWONING_KEY
    from connectors.brp.fake import FAKE_API_KEY as BRP_KEY

    return BRP_KEY if factory is brp_app else BEWONING_KEY


@pytest.mark.parametrize("configured", [True, False])
async def test_probes_send_them_as_queries_do(configured: bool) -> None:
    config = load_config() if configured else without_purpose_headers(load_config())
    runtime = Runtime.build(config, fake_options={"required_purpose_headers": REQUIRED})
    async with runtime:
        health = await runtime.check()
    for name in ("brp", "bewoning"):
        assert health[name].ok is configured, (name, health[name].detail)
    if not configured:
        assert "x-doelbinding" in health["bewoning"].detail


async def test_brp_and_bewoning_get_tokens_with_http_basic_too() -> None:
    config = load_config()
    connectors = {
        name: {**values, "token_auth_method": "client_secret_basic"}
        if name in ("brp", "bewoning")
        else values
        for name, values in config.connectors.items()
    }
    runtime = Runtime.build(config.model_copy(update={"connectors": connectors}))
    async with runtime:
        health = await runtime.check()
    assert health["brp"].ok and health["bewoning"].ok, health
