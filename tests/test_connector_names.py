"""Same names for the same things in every connector and transport: the settings model
is ``Settings``, in the module of the connector or transport it configures."""

from __future__ import annotations

from plugins import make_plugins

CONNECTORS = ["bag", "bewoning", "bibob", "brp", "handhaving", "kvk"]
TABLES = ["email", "webhook", "zgw"]


def test_every_settings_model_is_named_settings() -> None:
    modules = [f"connectors.{name}.plugin" for name in CONNECTORS]
    modules += [f"connectors.tables.{name}.plugin" for name in TABLES]
    plugins = make_plugins(modules, load_entry_points=False, environ={})
    specs = [*plugins.connectors().values(), *plugins.tables().values()]
    assert len(specs) == len(CONNECTORS) + len(TABLES)
    for spec in specs:
        model = spec.settings_model
        assert model.__name__ == "Settings", f"{spec.name}: {model.__module__}.{model.__name__}"
        assert model.__module__.startswith("connectors."), model.__module__
