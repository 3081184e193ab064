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
