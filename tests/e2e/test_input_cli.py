"""Input `opplus` must refuse (exit 2, a Dutch message naming the field, nothing
written) and the exit status of an incomplete dossier (3).

In-process through click's runner on the embedded default (in-process fakes); one
real subprocess checks the exit status as a shell script sees it.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from hub.cli.main import cli
from hub.signal import MAX_SIGNAL_BYTES

from .conftest import ROOT, clean_env, free_port, spawn_opplus

pytestmark = pytest.mark.e2e

EXAMPLE_1 = ROOT / "examples" / "1-arbeidsuitbuiting-hoorn.json"
BASE = {"municipality": "0405", "forms": ["arbeidsuitbuiting"], "purpose": "VA-MH-01"}
NON_ASCII_BSNS = ["９９９９７００５７", "٩٩٩٩٧٠٠٥٧", "⁹⁹⁹⁹⁷⁰⁰⁵⁷", "99997005７"]


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """A fresh data directory and no OPPLUS_* settings: the embedded default."""
    for name in clean_env():
        if name.startswith("OPPLUS_"):
            monkeypatch.delenv(name, raising=False)
    home = tmp_path / "home"
    monkeypatch.setenv("OPPLUS_HOME", str(home))
    return home


def opplus(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), prog_name="opplus")


def written(home: Path) -> dict[str, int]:
    """Rows of dossiers, evidence and log entries in the store (none when it was
    never opened)."""
    db = home / "opplus.sqlite3"
    if not db.exists():
        return {}
    with sqlite3.connect(db) as conn:
        counts = {
            table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("dossiers", "evidence", "audit_entries")
        }
    return {table: n for table, n in counts.items() if n}


def signal_file(tmp_path: Path, content: bytes | str | dict) -> Path:
    path = tmp_path / "signal.json"
    if isinstance(content, dict):
        content = json.dumps(content, ensure_ascii=False)
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def assert_refused(result: Result, *needles: str) -> None:
    assert result.exit_code == 2, (result.exit_code, result.output)
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), result.exception
    assert "Traceback" not in result.output
    for needle in needles:
        assert needle in result.stderr, result.stderr


# -- refused signals ----------------------------------------------------------------------


@pytest.mark.parametrize("bsn", NON_ASCII_BSNS)
def test_bsn_in_non_ascii_digits_exit_2_nothing_written(home, tmp_path, bsn):
    path = signal_file(tmp_path, {**BASE, "persons": [{"burgerservicenummer": bsn}]})
    result = opplus("enrich", str(path))
    assert_refused(result, "persons[0].burgerservicenummer: geen geldig BSN")
    assert written(home) == {}


@pytest.mark.parametrize(
    ("item", "needle"),
    [
        ({"kvkNummer": "６９５９９０８４"}, "businesses[0].kvkNummer: KvK-nummer is 8 cijfers"),
        ({"postcode": "١٦٢١JH", "huisnummer": 88}, "addresses[0].postcode: geen geldige"),
        ({"postcode": "1621JH", "huisnummer": "88"}, "addresses[0].huisnummer: moet een geheel"),
        ({"postcode": "1621JH", "huisnummer": 88.0}, "addresses[0].huisnummer: moet een geheel"),
        ({"postcode": "1621JH", "huisnummer": True}, "addresses[0].huisnummer: moet een geheel"),
    ],
)
def test_other_bad_identifiers_and_coerced_types_exit_2(home, tmp_path, item, needle):
    kind = "businesses" if "kvkNummer" in item else "addresses"
    path = signal_file(tmp_path, {**BASE, kind: [item]})
    assert_refused(opplus("enrich", str(path)), needle)
    assert written(home) == {}


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("[" * 100_000 + "]" * 100_000, "te diep genest"),
        ('{"description": ' + "[" * 100_000 + "]" * 100_000 + "}", "te diep genest"),
        ('{"description": "caf\xe9"}'.encode("latin-1"), "geen UTF-8-tekst"),
        (b"\xff\xfe{\x00}\x00", "geen UTF-8-tekst"),
        ('{"huisnummer": ' + "9" * 5000 + "}", "getal dat te lang is"),
        (" " * (MAX_SIGNAL_BYTES + 1), "groter dan het maximum van 1048576 bytes (1 MiB)"),
    ],
    ids=["deep", "deep-in-field", "latin-1", "utf-16", "huge-number", "too-large"],
)
def test_unreadable_signal_files_exit_2(home, tmp_path, content, needle):
    path = signal_file(tmp_path, content)
    assert_refused(opplus("enrich", str(path)), "afgewezen", needle)
    assert written(home) == {}


def test_limits_are_stated_in_the_messages(home, tmp_path):
    data = {
        **BASE,
        "description": "x" * 10_001,
        "persons": [{"burgerservicenummer": "999970057"}] * 21,
    }
    result = opplus("enrich", str(signal_file(tmp_path, data)))
    assert_refused(
        result,
        "description: te lang: maximaal 10000 tekens",
        "persons: te veel: maximaal 20",
    )


# -- refused identifiers on the auditor's command line ------------------------------------


@pytest.mark.parametrize("bsn", NON_ASCII_BSNS)
def test_audit_commands_refuse_a_bsn_in_non_ascii_digits(home, bsn):
    search = opplus("audit", "search", "--bsn", bsn)
    assert_refused(search, "geen geldig BSN")
    assert search.stdout == ""
    report = opplus("audit", "subject-report", bsn)
    assert_refused(report, "BSN: geen geldig BSN")
    assert report.stdout == ""


def test_audit_search_still_finds_by_an_ascii_bsn(home):
    result = opplus("enrich", str(EXAMPLE_1), "--format", "json")
    assert result.exit_code == 0, result.output
    found = opplus("audit", "search", "--bsn", "999970057", "--log", "processing")
    assert found.exit_code == 0 and found.stdout.strip(), found.output


# -- an incomplete dossier: exit 3 ----------------------------------------------------------


def config_with_dead_kvk(tmp_path: Path) -> Path:
    """The embedded default with KvK pointed at a closed port (connection refused)."""
    text = (ROOT / "config" / "default.toml").read_text()
    old = '[connectors.kvk]\nbase_url = "{fakes}/api"\n'
    assert old in text
    dead = f'[connectors.kvk]\nbase_url = "http://127.0.0.1:{free_port()}/api"\nmax_attempts = 1\n'
    path = tmp_path / "dead-kvk.toml"
    path.write_text(text.replace(old, dead))
    return path


def test_incomplete_dossier_exit_3_stored_and_printed(home, tmp_path):
    config = config_with_dead_kvk(tmp_path)
    out = tmp_path / "dossier.json"
    result = opplus("--config", str(config), "enrich", str(EXAMPLE_1), "--format", "json")
    assert result.exit_code == 3, result.output
    dossier = json.loads(result.stdout)
    assert any(o["connector"] == "kvk" and o["status"] == "failed" for o in dossier["outcomes"])
    assert f"dossier {dossier['id']} opgeslagen" in result.stderr
    assert "niet alle bronnen gaven antwoord" in result.stderr and "exit status 3" in result.stderr
    shown = opplus("--config", str(config), "dossier", "show", dossier["id"], "--format", "json")
    assert shown.exit_code == 0 and json.loads(shown.stdout)["id"] == dossier["id"]
    again = opplus("--config", str(config), "enrich", str(EXAMPLE_1), "--out", str(out))
    assert again.exit_code == 3 and out.read_text().startswith("Opgeplust dossier")


def test_complete_dossier_exit_0(home):
    result = opplus("enrich", str(EXAMPLE_1), "--format", "json")
    assert result.exit_code == 0, result.output
    assert all(o["status"] in ("ok", "empty") for o in json.loads(result.stdout)["outcomes"])


def test_refused_by_the_purpose_is_not_incomplete(home, tmp_path):
    """VA-MH-02 leaves out handhaving and Bibob on purpose: those outcomes are
    `refused`, every time; counting them would make exit 3 meaningless there."""
    data = json.loads(EXAMPLE_1.read_text())
    path = signal_file(tmp_path, {**data, "purpose": "VA-MH-02"})
    result = opplus("enrich", str(path), "--format", "json")
    assert result.exit_code == 0, result.output
    statuses = {o["status"] for o in json.loads(result.stdout)["outcomes"]}
    assert statuses == {"ok", "refused"}


def test_demo_exit_3_when_a_dossier_is_incomplete(home, tmp_path):
    result = opplus("--config", str(config_with_dead_kvk(tmp_path)), "demo", "--format", "json")
    assert result.exit_code == 3, result.output
    assert "niet alle bronnen gaven antwoord" in result.stderr


def test_enrich_help_documents_exit_statuses_and_limits():
    text = opplus("enrich", "--help").stdout
    assert "3  the dossier is incomplete" in text and "2  the signal" in text
    assert "1 MiB" in text and "20 persons" in text and "10,000 characters" in text


def test_exit_3_as_a_shell_script_sees_it(tmp_path):
    config = config_with_dead_kvk(tmp_path)
    env = clean_env(OPPLUS_HOME=str(tmp_path / "home"))
    result = spawn_opplus("--config", str(config), "enrich", str(EXAMPLE_1), env=env)
    assert result.code == 3, result.err
    assert "MISLUKT" in result.out and "Traceback" not in result.err
