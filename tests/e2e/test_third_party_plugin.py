"""A third-party plugin joins the hub through its entry point alone.

``examples/opplus-brk`` is installed the way a supplier's package would be (a wheel built
by ``uv`` into its own directory, put on ``PYTHONPATH``); the hub, its configuration
format and its code are untouched. The CLI then lists and probes the new connector,
validates its settings and enriches a signal with it, reaching the plugin's fake
in-process like the built-in ones.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import ROOT, clean_env, run_opplus, spawn_opplus

pytestmark = pytest.mark.e2e

PACKAGE = ROOT / "examples" / "opplus-brk"
EXAMPLE_1 = ROOT / "examples" / "1-arbeidsuitbuiting-hoorn.json"
BRK_FIELDS = ["kadastraleAanduiding", "eigenaren", "aantalEigenaren", "eigenaarIsRechtspersoon"]


@pytest.fixture(scope="module")
def plugin_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    uv = shutil.which("uv")
    if uv is None:
        pytest.skip("uv is not on PATH: cannot build examples/opplus-brk into a target directory")
    target = tmp_path_factory.mktemp("third-party-site")
    proc = subprocess.run(
        [uv, "pip", "install", "--no-deps", "--target", str(target), str(PACKAGE)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    entry_points = next(target.glob("opplus_brk-*.dist-info")) / "entry_points.txt"
    assert "brk = opplus_brk.plugin" in entry_points.read_text()
    # its fake in the group only fakes mode loads
    assert "[opplus.fakes]\nbrk = opplus_brk.fake.plugin" in entry_points.read_text()
    return target


@pytest.fixture(scope="module")
def brk_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The embedded default plus a ``[connectors.brk]`` table and a brk allow-list."""
    text = (ROOT / "config" / "default.toml").read_text()
    marker = "[purposes.fields]\n"
    at = text.index(marker) + len(marker)  # the first purpose's allow-lists
    allow = "brk = [" + ", ".join(f'"{name}"' for name in BRK_FIELDS) + "]\n"
    text = text[:at] + allow + text[at:]
    text += '\n[connectors.brk]\nbase_url = "{fakes}/kadaster/brk/bevragen/v2"\ntimeout_s = 5.0\n'
    text += 'check_postcode = "1621JH"\ncheck_huisnummer = 88\n'
    path = tmp_path_factory.mktemp("config") / "with-brk.toml"
    path.write_text(text)
    return path


def _env(plugin_dir: Path) -> dict[str, str]:
    """A user's environment with the plugin installed: a new process (spawn_opplus)
    reads PYTHONPATH when it starts."""
    return clean_env(PYTHONPATH=str(plugin_dir))


def test_the_hub_lists_the_plugin_and_its_probe_is_ok(plugin_dir: Path, brk_config: Path) -> None:
    result = spawn_opplus("--config", str(brk_config), "connectors", env=_env(plugin_dir))
    assert result.code == 0, result.out + result.err
    lines = result.out.splitlines()
    plugins = next(line for line in lines if line.startswith("plugins:"))
    assert "brk" in plugins.removeprefix("plugins:").replace(",", " ").split()
    brk = next(line for line in lines if line.startswith("brk "))
    assert " ok " in brk and "Kadaster BRK Bevragen [address]" in brk, brk
    # the built-in connectors are still there and healthy next to it
    for name in ("brp", "bewoning", "bag", "kvk", "handhaving", "bibob"):
        assert any(line.startswith(name) and " ok " in line for line in lines), name


def test_config_check_validates_the_plugins_settings(plugin_dir: Path, brk_config: Path) -> None:
    result = spawn_opplus("--config", str(brk_config), "config", "check", env=_env(plugin_dir))
    assert result.code == 0, result.err
    assert "ok — 2 verwerkingsactiviteiten, 7 connectoren" in result.out


def test_without_the_plugin_installed_the_same_config_is_refused(brk_config: Path) -> None:
    result = run_opplus("--config", str(brk_config), "config", "check")
    assert result.code == 2
    assert "connectors.brk: no plugin registers 'brk'" in result.err
    assert "purposes[VA-MH-01].fields.brk: unknown connector" in result.err


def test_enrich_gives_the_owner_of_the_address(plugin_dir: Path, brk_config: Path) -> None:
    result = spawn_opplus(
        "--config",
        str(brk_config),
        "enrich",
        str(EXAMPLE_1),
        "--format",
        "json",
        env=_env(plugin_dir),
    )
    assert result.code == 0, result.err
    dossier = json.loads(result.out)
    brk = {
        f["attribute"]: f
        for f in dossier["facts"]
        if f["subject"] == "address:1621JH-88" and f["provenance"]["connector"] == "brk"
    }
    assert {name: fact["value"] for name, fact in brk.items()} == {
        "kadastraleAanduiding": "Hoorn B 4521",
        "eigenaren": [
            {
                "naam": "Kleine Noord Vastgoed B.V.",
                "soort": "niet_natuurlijk_persoon",
                "kvkNummer": "97000047",
                "aandeel": "1/1",
            }
        ],
        "aantalEigenaren": 1,
        "eigenaarIsRechtspersoon": True,
    }
    assert brk["eigenaren"]["classification"] == "personal"
    assert brk["kadastraleAanduiding"]["provenance"]["registry"] == "Kadaster BRK Bevragen"
    assert all(f["provenance"]["trace_id"] == dossier["trace_id"] for f in brk.values())
    # brk can only answer once BAG has added the adresseerbaar object: round 2
    (outcome,) = [o for o in dossier["outcomes"] if o["connector"] == "brk"]
    assert (outcome["subject"], outcome["status"], outcome["round"]) == (
        "address:1621JH-88",
        "ok",
        2,
    )
    subjects = {s["key"]: s for s in dossier["subjects"]}
    assert subjects["business:97000047"]["discovered_by"] == ["brk"]
