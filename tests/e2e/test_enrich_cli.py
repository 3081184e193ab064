"""`opplus enrich` over real HTTP against `opplus fakes serve`, as an officer's tooling runs it."""

from __future__ import annotations

import json

import httpx
import jsonschema
import pytest

from hub.dossier import dossier_json_schema
from tests.dutch_text import problems

from .conftest import (
    ROOT,
    clean_env,
    config_with,
    free_port,
    run_opplus,
    spawn_opplus,
    violations,
)

pytestmark = pytest.mark.e2e

EXAMPLE_1 = ROOT / "examples" / "1-arbeidsuitbuiting-hoorn.json"


def enrich_json(*args: str, fakes_url: str | None = None, env=None) -> dict:
    lead = ["--fakes-url", fakes_url] if fakes_url else []
    result = run_opplus(*lead, "enrich", *args, "--format", "json", env=env)
    assert result.code == 0, result.err
    return json.loads(result.out)


def facts(dossier: dict, subject: str) -> dict:
    return {f["attribute"]: f["value"] for f in dossier["facts"] if f["subject"] == subject}


def test_enrich_over_real_http_gives_a_valid_complete_dossier(fakes_url):
    dossier = enrich_json(str(EXAMPLE_1), fakes_url=fakes_url)
    jsonschema.validate(dossier, dossier_json_schema())
    statuses = {(o["connector"], o["subject"]): o["status"] for o in dossier["outcomes"]}
    assert not [k for k, s in statuses.items() if s in ("failed", "timeout")], statuses
    person = facts(dossier, "person:999970057")
    assert person["naam.volledigeNaam"] == "Katarzyna Wiśniewska"
    assert person["nationaliteiten"] == ["Poolse"] or "Pools" in str(person["nationaliteiten"])
    address = facts(dossier, "address:1621JH-88")
    assert address["oppervlakte"] == 64
    assert address["aantalBewoners"] == 9
    assert address["aantalInschrijvingenOpAdres"] == 2
    business = facts(dossier, "business:97000011")
    assert business["naam"] == "Flex West-Friesland Uitzendbureau B.V."
    codes = {p["code"] for p in dossier["aandachtspunten"]}
    assert {"m2_per_bewoner", "bedrijven_op_woonadres", "open_handhavingszaken"} <= codes
    # provenance of every fact points at a response and the dossier's trace
    for fact in dossier["facts"]:
        prov = fact["provenance"]
        assert prov["trace_id"] == dossier["trace_id"]
        assert len(prov["response_sha256"]) == 64


def test_traceparent_reaches_the_registries_with_the_dossiers_ids(fakes_url):
    dossier = enrich_json(str(EXAMPLE_1), fakes_url=fakes_url)
    received = httpx.get(f"{fakes_url}/_fakes/traceparents").json()
    seen = {tp for tps in received.values() for tp in tps}
    for outcome in dossier["outcomes"]:
        if outcome["attempts"]:
            assert f"00-{dossier['trace_id']}-{outcome['span_id']}-01" in seen, outcome
    # ... and the processing log names the same trace and spans
    logged = run_opplus("audit", "search", "--signal", dossier["signal_id"], "--log", "processing")
    assert logged.code == 0, logged.err
    records = [json.loads(line)["payload"] for line in logged.out.splitlines()]
    assert records
    for record in records:
        span = record["span_id"]
        tp = f"00-{record['trace_id']}-{span}-01"
        # a call's own line carries its span; extra data subjects get child spans
        assert tp in seen or f"00-{record['trace_id']}-{record['parent_span_id']}-01" in seen


def test_text_summary_is_dutch_and_groups_by_subject(fakes_url):
    result = run_opplus("--fakes-url", fakes_url, "enrich", str(EXAMPLE_1))
    assert result.code == 0, result.err
    assert "AANDACHTSPUNTEN" in result.out
    assert "PERSOON BSN 999970057" in result.out
    assert "ADRES 1621 JH 88" in result.out
    assert "Bronnen:" in result.out
    # labels and Dutch values, not the registries' names and codes
    assert problems(result.out) == []
    assert "Zwaarste Bibob-uitkomst: Mindere mate van gevaar" in result.out


def test_out_file_written(fakes_url, tmp_path):
    """The one enrichment as a real process: the installed entry point, end to end."""
    out = tmp_path / "dossier.json"
    result = spawn_opplus(
        "--fakes-url", fakes_url, "enrich", str(EXAMPLE_1), "--format", "json", "--out", str(out)
    )
    assert result.code == 0, result.err
    assert json.loads(out.read_text())["schema_version"] == "1.0"


@pytest.mark.parametrize(
    ("mode", "status", "needle"),
    [
        ("html", "failed", "text/html"),
        ("garbage", "failed", "JSON"),
        ("500", "failed", "500"),
        ("hang", "timeout", "no answer"),
        ("closed", "failed", "cannot reach"),
    ],
)
def test_broken_registry_shows_as_such_and_the_rest_is_complete(
    fakes_url, misbehaving_url, tmp_path, mode, status, needle
):
    base = f"http://127.0.0.1:{free_port()}" if mode == "closed" else f"{misbehaving_url}/{mode}"
    config = config_with(tmp_path, fakes_url, "kvk", base, timeout_s=1.0)
    result = run_opplus("--config", str(config), "enrich", str(EXAMPLE_1), "--format", "json")
    assert result.code == 3, result.err  # incomplete: stored and printed, but scripts notice
    dossier = json.loads(result.out)
    kvk = [o for o in dossier["outcomes"] if o["connector"] == "kvk"]
    assert kvk and all(o["status"] == status for o in kvk), kvk
    assert all(needle.lower() in o["error"].lower() for o in kvk), kvk
    others = [o for o in dossier["outcomes"] if o["connector"] != "kvk"]
    assert others and all(o["status"] in ("ok", "empty", "skipped") for o in others), others
    assert facts(dossier, "person:999970057")["naam.volledigeNaam"] == "Katarzyna Wiśniewska"


def test_text_summary_says_a_failure_is_not_nothing_found(fakes_url, tmp_path):
    dead = f"http://127.0.0.1:{free_port()}/zaken/api/v1"
    config = config_with(tmp_path, fakes_url, "handhaving", dead)
    result = run_opplus("--config", str(config), "enrich", str(EXAMPLE_1))
    assert result.code == 3, result.err
    assert "MISLUKT" in result.out and "NIET vastgesteld dat er niets is" in result.out
    assert "niet alle bronnen" in result.err


@pytest.mark.parametrize(
    ("signal", "needle"),
    [
        (
            {
                "municipality": "0405",
                "forms": ["arbeidsuitbuiting"],
                "purpose": "VA-MH-01",
                "persons": [{"burgerservicenummer": "999993654"}],
            },
            "persons[0].burgerservicenummer",
        ),
        (
            {
                "municipality": "0405",
                "forms": ["arbeidsuitbuiting"],
                "purpose": "VA-XX",
                "persons": [{"burgerservicenummer": "999993653"}],
            },
            "purpose: onbekende verwerkingsactiviteit",
        ),
        (
            {"municipality": "0405", "forms": ["arbeidsuitbuiting"], "purpose": "VA-MH-01"},
            "persons",
        ),
        (
            {
                "municipality": "0405",
                "forms": ["arbeidsuitbuiting"],
                "purpose": "VA-MH-01",
                "persons": [{"burgerservicenummer": "999993653"}],
                "extra": 1,
            },
            "extra: onbekend veld",
        ),
        (
            {
                "municipality": "0363",
                "forms": ["arbeidsuitbuiting"],
                "purpose": "VA-MH-01",
                "persons": [{"burgerservicenummer": "999993653"}],
            },
            "municipality",
        ),
    ],
)
def test_bad_signal_exit_2_names_the_field_and_writes_nothing(tmp_path, signal, needle):
    path = tmp_path / "signal.json"
    path.write_text(json.dumps(signal))
    out = tmp_path / "out.json"
    result = run_opplus("enrich", str(path), "--out", str(out))
    assert result.code == 2
    assert needle in result.err
    assert "Traceback" not in result.err
    assert not out.exists()


def test_unreadable_config_exit_2(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[engine]\nmax_rounds = 'veel'\n")
    result = run_opplus("--config", str(bad), "enrich", str(EXAMPLE_1))
    assert result.code == 2 and "max_rounds" in result.err and "Traceback" not in result.err
    result = run_opplus("--config", str(tmp_path / "missing.toml"), "config", "check")
    assert result.code == 2 and "cannot read" in result.err


def test_config_check_on_the_embedded_default():
    result = run_opplus("config", "check")
    assert result.code == 0, result.err
    assert "embedded default" in result.out


def probed(fakes_url: str, *args: str, env=None):
    """``opplus connectors`` on the strict fakes: no probe strays from the official
    documents."""
    before = violations(fakes_url)
    result = run_opplus("--fakes-url", fakes_url, *args, "connectors", env=env)
    after = violations(fakes_url)
    new = {
        (name, v["request"], v["name"], v["code"])
        for name, found in after.items()
        for v in found[len(before.get(name, [])) :]
    }
    assert new == set(), new
    return result


def test_connectors_lists_all_six_with_healthy_checks(strict_fakes_url):
    result = probed(strict_fakes_url)
    assert result.code == 0, result.out + result.err
    for name in ("brp", "bewoning", "bag", "kvk", "handhaving", "bibob"):
        assert any(line.startswith(name) and " ok " in line for line in result.out.splitlines()), (
            name
        )


def test_connectors_reports_bad_credentials(strict_fakes_url):
    env = clean_env(OPPLUS_KVK_API_KEY="wrong-key")
    result = probed(strict_fakes_url, env=env)
    assert result.code == 1
    kvk = next(line for line in result.out.splitlines() if line.startswith("kvk"))
    assert "NIET OK" in kvk


def test_no_bsn_in_application_logs(fakes_url):
    result = run_opplus(
        "--log-json",
        "--log-level",
        "DEBUG",
        "--fakes-url",
        fakes_url,
        "enrich",
        str(EXAMPLE_1),
        "--format",
        "json",
    )
    assert result.code == 0
    assert "connector_call" in result.err
    for bsn in ("999970057", "999970008"):
        assert bsn not in result.err


def test_demo_runs_all_examples_on_the_embedded_default():
    result = run_opplus("demo")
    assert result.code == 0, result.err
    assert result.out.count("Opgeplust dossier") == len(list((ROOT / "examples").glob("*.json")))
    assert "MISLUKT" not in result.out and "TIME-OUT" not in result.out


@pytest.mark.parametrize(
    "example", sorted((ROOT / "examples").glob("*.json")), ids=lambda p: p.stem
)
def test_every_demo_story_enriches_over_real_http_and_soap(fakes_url, example):
    dossier = enrich_json(str(example), fakes_url=fakes_url)
    bad = [o for o in dossier["outcomes"] if o["status"] in ("failed", "timeout")]
    assert not bad, bad
    used = {o["connector"] for o in dossier["outcomes"] if o["status"] == "ok"}
    expected = {"bag", "bewoning", "kvk", "handhaving", "bibob"}
    if json.loads(example.read_text()).get("persons"):
        expected.add("brp")
    assert expected <= used, used
    assert dossier["aandachtspunten"], "each story raises points for attention"
