"""The shipped example configuration for a real municipality validates, connectors too."""

from __future__ import annotations

from pathlib import Path

from hub.config import FakesMode, connector_settings, load_config
from hub.runtime import load_plugins

EXAMPLE = Path(__file__).resolve().parents[2] / "config" / "example-gemeente.toml"


def test_example_config_is_valid_for_every_connector():
    config = load_config(EXAMPLE)
    assert config.fakes.mode == FakesMode.OFF
    specs = load_plugins(config).connectors()
    for name in config.connectors:
        settings = connector_settings(config, specs[name])
        assert settings is not None and settings.base_url.startswith("https://")
