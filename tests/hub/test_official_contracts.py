"""The hub's requests in the demo stories, held against the registries' official OpenAPI
documents: every request the connectors send to the in-process fakes passes the same
validator the fakes use, so a request the real registry would refuse fails this test."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

import hub.fakes
from connectors.bag import fake as bag
from connectors.bewoning import fake as bewoning
from connectors.brp import fake as brp
from connectors.handhaving import fake as zgw
from connectors.kvk import fake as kvk
from hub.config import load_config
from hub.runtime import Runtime
from hub.signal import load_signal
from plugins import Officer
from plugins.openapi import Contract, ContractGuard, ContractLog

ROOT = Path(__file__).resolve().parents[2]
STORIES = sorted((ROOT / "examples").glob("*.json"))

#: official document -> where the embedded default's fakes serve it
SERVED = {
    "brp-personen": brp.MOUNT + brp.OPENAPI_SERVED["personen"],
    "brp-bewoning": bewoning.MOUNT + bewoning.OPENAPI_SERVED["bewoning"],
    "bag-v2": bag.MOUNT + bag.OPENAPI_SERVED["individuelebevragingen"],
    **{f"kvk-{api}": kvk.MOUNT + base for api, base in kvk.OPENAPI_SERVED.items()},
    **zgw.OPENAPI_SERVED,
}
#: what no official document describes: the fakes' own OAuth2 token endpoints (the
#: real token service is the gateway's), the ZGW Catalogi API (no document stored),
#: the Bibob register's SOAP service (its WSDL is the project's own contract)
UNCHECKED = (
    f"{brp.MOUNT}/token",
    f"{bewoning.MOUNT}/token",
    "/catalogi/api/v1",
    "/vergunningregister",
)
#: Open Zaak's filter on a business's KvK number: not in ZGW Zaken 1.5.1, sent only where
#: the configuration declares that the zaaksysteem has it (rol_kvk_filter = true)
OPEN_ZAAK_KVK_FILTER = "rol__betrokkeneIdentificatie__nietNatuurlijkPersoon__kvkNummer"
NO_KVK_FILTER = "kan niet zoeken op KvK-nummer"


def checked_fakes(official: Any, log: ContractLog, *, open_zaak: bool) -> Any:
    build = hub.fakes.build_fakes_app

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        contracts = [
            Contract(
                base,
                official(name),
                zgw.ZAKEN_OPTIONAL_HEADERS if name == "zaken" else {},
                [OPEN_ZAAK_KVK_FILTER] if name == "zaken" and open_zaak else [],
            )
            for name, base in SERVED.items()
        ]
        app = build(*args, **kwargs)
        guard = ContractGuard(app, contracts, exempt=UNCHECKED, log=log)
        guard.state = app.state  # type: ignore[attr-defined]
        return guard

    return wrapped


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("OPPLUS_HOME", str(tmp_path))
    kept = {"OPPLUS_HOME", "OPPLUS_SPECS_DIR", "OPPLUS_TEST_POSTGRES_DSN"}
    for name in [n for n in os.environ if n.startswith("OPPLUS_") and n not in kept]:
        monkeypatch.delenv(name)  # a user's OPPLUS_CONFIG or fakes URL must not leak in
    return tmp_path


async def run_stories(runtime: Runtime, *, rol_kvk_filter: bool) -> None:
    """Enrich the three demo stories; every outcome must be ok."""
    try:
        for story in STORIES:
            signal = load_signal(story)
            officer = Officer("af-test", "Test Aandachtsfunctionaris", signal.municipality)
            run = await runtime.enricher().enrich(signal, officer)
            failed = [
                o
                for o in run.dossier.outcomes
                if o.status != "ok"
                # a plain 1.5.1 system cannot find a business without its vestigingsnummer:
                # refused before any request, by design
                and not (not rol_kvk_filter and NO_KVK_FILTER in (o.error or ""))
            ]
            assert not failed, f"{story.name}: {failed}"
    finally:
        await runtime.aclose()


def described(log: ContractLog) -> list[str]:
    return [f"{request}: {v.name} {v.code} ({v.reason})" for request, v in log.violations]


@pytest.mark.parametrize("rol_kvk_filter", [False, True], ids=["zaken-1.5.1", "open-zaak"])
async def test_demo_stories_send_only_requests_the_official_documents_allow(
    official: Any, home: Path, monkeypatch: pytest.MonkeyPatch, rol_kvk_filter: bool
) -> None:
    log = ContractLog()
    monkeypatch.setattr(
        hub.fakes, "build_fakes_app", checked_fakes(official, log, open_zaak=rol_kvk_filter)
    )
    config = load_config()
    config.connectors["handhaving"]["rol_kvk_filter"] = rol_kvk_filter
    await run_stories(Runtime.build(config), rol_kvk_filter=rol_kvk_filter)
    found = described(log)
    assert found == [], "\n".join(sorted(set(found)))
    # not vacuous: every connector's traffic went through the checker
    assert log.checked >= 20


async def test_demo_stories_pass_the_strict_fakes(official: Any, home: Path) -> None:
    """The fakes themselves told to refuse what the documents do not allow (as
    ``build_fakes_app(per_fake=...)`` passes it): the stories still enrich fully."""
    per_fake = {
        "brp": {"openapi": {"personen": official("brp-personen")}},
        "bewoning": {"openapi": {"bewoning": official("brp-bewoning")}},
        "bag": {"openapi": {"individuelebevragingen": official("bag-v2")}},
        "kvk": {"openapi": {api: official(f"kvk-{api}") for api in kvk.OPENAPI_SERVED}},
        "handhaving": {"openapi": {api: official(api) for api in zgw.OPENAPI_SERVED}},
    }
    runtime = Runtime.build(load_config(), fake_options={"per_fake": per_fake})
    apps = runtime.fakes_app.state.fakes
    await run_stories(runtime, rol_kvk_filter=True)
    for name in per_fake:
        log = apps[name].state.contract_log
        assert described(log) == [], name
        assert log.checked > 0, name
