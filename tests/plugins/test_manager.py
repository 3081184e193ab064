"""The plugin manager factory: loading, limiting, duplicate names, typos in hooks."""

from __future__ import annotations

import sys
import types

import pytest

from plugins import ConnectorSpec, PluginLoadError, hookimpl, make_plugins


def module(name: str, **attrs) -> str:
    mod = types.ModuleType(name)
    for k, v in attrs.items():
        setattr(mod, k, v)
    sys.modules[name] = mod
    return name


def connector_plugin(pkg: str, connector_name: str) -> str:
    @hookimpl
    def register_connectors(register):
        register(ConnectorSpec(connector_name, "test", lambda s, c: None))  # type: ignore[arg-type,return-value]

    return module(f"{pkg}.plugin", register_connectors=register_connectors)


def test_builtins_load_under_their_package_name():
    plugins = make_plugins(
        [connector_plugin("alpha", "alpha")], load_entry_points=False, environ={}
    )
    assert "alpha" in plugins.names
    assert list(plugins.connectors()) == ["alpha"]


def test_duplicate_connector_name_fails_loudly():
    mods = [connector_plugin("one", "same"), connector_plugin("two", "same")]
    plugins = make_plugins(mods, load_entry_points=False, environ={})
    with pytest.raises(PluginLoadError, match="two plugins register a connector named 'same'"):
        plugins.connectors()


def test_disabled_and_load_only():
    mods = [connector_plugin("p1", "c1"), connector_plugin("p2", "c2")]
    assert list(
        make_plugins(mods, disabled=["p1"], load_entry_points=False, environ={}).connectors()
    ) == ["c2"]
    only = make_plugins(mods, load_entry_points=False, environ={"OPPLUS_LOAD_PLUGINS": "p1"})
    assert list(only.connectors()) == ["c1"]


def test_misspelled_hook_fails_check_pending():
    @hookimpl
    def register_conectors(register):  # typo on purpose
        pass

    name = module("typo.plugin", register_conectors=register_conectors)
    with pytest.raises(PluginLoadError, match="register_conectors"):
        make_plugins([name], load_entry_points=False, environ={})


def test_missing_builtin_module_is_a_clear_error():
    with pytest.raises(PluginLoadError, match=r"nonexistent\.plugin"):
        make_plugins(["nonexistent.plugin"], load_entry_points=False, environ={})


def fake_module(tmp_path, monkeypatch, pkg: str, fake_name: str) -> str:
    """A fake's plugin module on disk (not yet imported), as ``<pkg>/fake/plugin.py``."""
    folder = tmp_path / pkg / "fake"
    folder.mkdir(parents=True)
    (tmp_path / pkg / "__init__.py").write_text("")
    (folder / "__init__.py").write_text("")
    (folder / "plugin.py").write_text(
        "from plugins import FakeSpec, fake_plugin\n"
        f"register_fakes = fake_plugin(FakeSpec({fake_name!r}, '/{fake_name}', None))\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    return f"{pkg}.fake.plugin"


def test_fakes_load_only_when_asked_for(tmp_path, monkeypatch):
    name = fake_module(tmp_path, monkeypatch, "lazyreg", "lazy")
    plugins = make_plugins(
        [connector_plugin("lazyreg", "lazyreg")], fakes=[name], load_entry_points=False, environ={}
    )
    assert list(plugins.connectors()) == ["lazyreg"]
    assert name not in sys.modules  # production never asks: the fake is never imported
    assert list(plugins.fakes()) == ["lazy"]
    assert name in sys.modules


def test_fakes_obey_the_same_plugin_limits(tmp_path, monkeypatch):
    one = fake_module(tmp_path, monkeypatch, "limit1", "f1")
    two = fake_module(tmp_path, monkeypatch, "limit2", "f2")
    disabled = make_plugins(
        fakes=[one, two], disabled=["limit1"], load_entry_points=False, environ={}
    )
    assert list(disabled.fakes()) == ["f2"]
    only = make_plugins(
        fakes=[one, two], load_entry_points=False, environ={"OPPLUS_LOAD_PLUGINS": "limit1"}
    )
    assert list(only.fakes()) == ["f1"]


def test_a_connector_plugin_registering_fakes_is_refused():
    @hookimpl
    def register_fakes(register):
        pass

    name = module("oldstyle.plugin", register_fakes=register_fakes)
    with pytest.raises(PluginLoadError, match=r"'oldstyle' registers fakes: .*'opplus\.fakes'"):
        make_plugins([name], load_entry_points=False, environ={})


def test_the_builtin_fakes_come_from_the_entry_point_group():
    from importlib.metadata import entry_points

    from hub.builtin import BUILTIN_PLUGINS
    from plugins import FAKES_ENTRY_POINT_GROUP

    declared = {ep.name: ep.value for ep in entry_points(group=FAKES_ENTRY_POINT_GROUP)}
    assert declared["brp"] == "connectors.brp.fake.plugin"
    plugins = make_plugins(BUILTIN_PLUGINS, environ={})
    assert sorted(plugins.fakes()) == [
        "bag",
        "bewoning",
        "bibob",
        "brp",
        "handhaving",
        "kvk",
        "riec",
        "smtp",
    ]
    # the connectors' own plugin modules register no fake
    assert all(".fake" not in value for value in BUILTIN_PLUGINS)


def test_fake_spec_serving_names_credentials_by_their_settings_field():
    from pydantic import BaseModel

    from plugins import FakeSpec

    class _Settings(BaseModel):
        api_key_env: str = "OPPLUS_X_API_KEY"
        secret_env: str | None = None

    def factory() -> None:
        return None

    spec = FakeSpec.serving("x", "/x", factory, _Settings, api_key_env="test-key")
    assert (spec.name, spec.mount, spec.app_factory) == ("x", "/x", factory)
    assert spec.test_env == {"OPPLUS_X_API_KEY": "test-key"}
    for typo in ({"api_key": "k"}, {"secret_env": "s"}):
        with pytest.raises(ValueError, match="names no environment variable by default"):
            FakeSpec.serving("x", "/x", factory, _Settings, **typo)
