"""Configuration loading: the embedded default, errors that name the key."""

from __future__ import annotations

import httpx
import pytest

from hub.config import ConfigError, FakesMode, connector_settings, load_config
from plugins import ConnectorSettings, ConnectorSpec


def test_embedded_default_loads_and_runs_on_in_process_fakes(monkeypatch):
    monkeypatch.delenv("OPPLUS_CONFIG", raising=False)
    monkeypatch.delenv("OPPLUS_FAKES_URL", raising=False)
    config = load_config()
    assert config.fakes.mode == FakesMode.IN_PROCESS
    assert config.purpose("VA-MH-01") is not None
    assert set(config.connectors) == {"brp", "bewoning", "bag", "kvk", "handhaving", "bibob"}


def test_fakes_url_switches_to_remote_and_expands_placeholder(monkeypatch):
    monkeypatch.delenv("OPPLUS_CONFIG", raising=False)
    config = load_config(fakes_url="http://127.0.0.1:9999")
    assert config.fakes.mode == FakesMode.REMOTE
    spec = ConnectorSpec("kvk", "t", lambda s, c: None, ConnectorSettings)  # type: ignore[arg-type,return-value]
    settings = connector_settings(config, spec)
    assert settings is not None and settings.base_url == "http://127.0.0.1:9999/api"


def write(tmp_path, text):
    path = tmp_path / "c.toml"
    path.write_text(text)
    return path


MINIMAL = """
[municipalities]
"0405" = "Hoorn"
[operator]
id = "a"
name = "A"
municipalities = ["0405"]
[[purposes]]
id = "P"
name = "p"
legal_ground = "g"
retention_days = 10
confidentiality = "intern"
"""


def test_unknown_key_is_named(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, MINIMAL + "\n[engine]\nmax_round = 3\n"))
    assert "engine.max_round: unknown key" in str(info.value)


def test_bad_value_is_named(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, MINIMAL + "\n[engine]\nmax_rounds = 9\n"))
    assert "engine.max_rounds" in str(info.value)


def test_not_toml(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, "[municipalities\n"))
    assert "not valid TOML" in str(info.value)


def test_unreadable(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "missing.toml")
    assert "cannot read" in str(info.value)


def test_operator_municipality_must_be_served(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, MINIMAL.replace('["0405"]', '["0388"]')))
    assert "operator.municipalities: '0388' is not in [municipalities]" in str(info.value)


def test_connector_settings_errors_name_the_connector_key(tmp_path):
    config = load_config(
        write(tmp_path, MINIMAL + '\n[connectors.kvk]\nbase_url = "x"\ntimeout_s = -1\n')
    )
    spec = ConnectorSpec("kvk", "t", lambda s, c: None, ConnectorSettings)  # type: ignore[arg-type,return-value]
    with pytest.raises(ConfigError) as info:
        connector_settings(config, spec)
    assert "connectors.kvk: timeout_s" in str(info.value)


@pytest.mark.parametrize("code", ["０４０５", "٠٤٠٥", "04⁰5"])
def test_gemeentecode_ascii_digits_only(tmp_path, code):
    text = MINIMAL.replace('"0405" = "Hoorn"', f'"{code}" = "Hoorn"').replace(
        '["0405"]', f'["{code}"]'
    )
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text))
    assert "is not a 4-digit gemeentecode" in str(info.value)


async def test_max_response_bytes_flows_from_the_connector_table_to_the_wire(tmp_path):
    from plugins import BadResponse, ConnectorContext, registry_client, send

    text = MINIMAL + '\n[connectors.bag]\nbase_url = "http://bag.test"\nmax_response_bytes = 2048\n'
    spec = ConnectorSpec("bag", "t", lambda s, c: None, ConnectorSettings)  # type: ignore[arg-type,return-value]
    settings = connector_settings(load_config(write(tmp_path, text)), spec)
    assert settings is not None and settings.max_response_bytes == 2048
    transport = httpx.MockTransport(lambda r: httpx.Response(200, content=b" " * 4096))
    async with registry_client(settings, ConnectorContext(transport=transport)) as client:
        with pytest.raises(BadResponse, match=r"max_response_bytes \(2048 bytes\)"):
            await send(client, "GET", "/adressen")


def test_max_response_bytes_has_a_default_and_a_floor(tmp_path):
    spec = ConnectorSpec("bag", "t", lambda s, c: None, ConnectorSettings)  # type: ignore[arg-type,return-value]
    text = MINIMAL + '\n[connectors.bag]\nbase_url = "http://bag.test"\n'
    settings = connector_settings(load_config(write(tmp_path, text)), spec)
    assert settings is not None and settings.max_response_bytes == 5 * 1024 * 1024
    config = load_config(write(tmp_path, text + "max_response_bytes = 10\n"))
    with pytest.raises(ConfigError, match=r"connectors\.bag: max_response_bytes"):
        connector_settings(config, spec)
