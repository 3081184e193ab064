"""The shipped example configuration for a real municipality validates, connectors too,
with `opplus config check`, once its PKI files are where it says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from connectors.tables.email.fake.pki import make_pki
from hub.cli.main import cli
from hub.config import FakesMode, connector_settings, load_config
from hub.runtime import load_plugins

EXAMPLE = Path(__file__).resolve().parents[2] / "config" / "example-gemeente.toml"
PKI_DIR = "/etc/opplus/pki/"


def deployed(tmp_path: Path, *, leave_out: str | None = None) -> Path:
    """The example with its PKI files made for real in ``tmp_path`` (all but one)."""
    text = EXAMPLE.read_text(encoding="utf-8")
    pki = make_pki(tmp_path, "gemeente", hosts=("localhost",))
    for name in sorted(set(re.findall(re.escape(PKI_DIR) + r"([\w.-]+)", text))):
        if name == leave_out:
            continue
        # a CA file, a certificate and a key: each the right kind of PEM
        source = pki.key_file if name.endswith(".key") else pki.cert_file
        if "ca" in name.split("-") or name.endswith("-g1.pem"):
            source = pki.ca_file
        (tmp_path / name).write_bytes(source.read_bytes())
    config = tmp_path / "opplus.toml"
    config.write_text(text.replace(PKI_DIR, f"{tmp_path}/"), encoding="utf-8")
    return config


def opplus(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), prog_name="opplus")


def test_example_config_is_valid_for_every_connector(tmp_path: Path) -> None:
    config = load_config(deployed(tmp_path))
    assert config.fakes.mode == FakesMode.OFF
    specs = load_plugins(config).connectors()
    for name in config.connectors:
        settings = connector_settings(config, specs[name])
        assert settings is not None and settings.base_url.startswith("https://")
    brp = connector_settings(config, specs["brp"])
    assert brp is not None and brp.client_cert_file and brp.purpose_headers
    assert "VA-MH-01" in brp.purpose_headers.purposes


def test_config_check_accepts_the_example(tmp_path: Path) -> None:
    result = opplus("--config", str(deployed(tmp_path)), "config", "check")
    assert result.exit_code == 0, result.output
    assert "ok" in result.output


@pytest.mark.parametrize("command", [("config", "check"), ("connectors",)])
def test_a_missing_client_key_stops_check_and_start(tmp_path: Path, command: tuple[str]) -> None:
    config = deployed(tmp_path, leave_out="pkio-opplus-hoorn.key")
    result = opplus("--config", str(config), *command)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "configuratie onbruikbaar" in result.output
    # each connector that uses the file is named (the start stops at the first)
    assert re.search(r"connectors\.(brp|bewoning): client_key_file: bestand", result.output)
    assert "pkio-opplus-hoorn.key bestaat niet" in result.output


def test_config_check_names_a_purpose_without_a_gateway_code(tmp_path: Path) -> None:
    config = deployed(tmp_path)
    text = config.read_text(encoding="utf-8")
    extra = text + (
        '\n[[purposes]]\nid = "VA-MH-09"\nname = "Nieuw"\nlegal_ground = "g"\n'
        'retention_days = 30\nconfidentiality = "intern"\n'
        '[purposes.fields]\nbrp = ["leeftijd"]\n'
    )
    # a [[purposes]] table after the connectors still belongs to the top level
    config.write_text(extra, encoding="utf-8")
    result = opplus("--config", str(config), "config", "check")
    assert result.exit_code == 2, result.output
    assert (
        "connectors.brp.purpose_headers.purposes: geen code voor verwerkingsactiviteit VA-MH-09"
        in result.output
    )
    assert "connectors.bewoning" not in result.output
