"""Build the plugin manager, and the typed view the hub uses instead of ``pm.hook``."""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterable, Sequence
from importlib.metadata import entry_points
from typing import Any

import pluggy

from . import _hookspecs
from ._connector import ConnectorSpec, FakeSpec
from ._table import TableSpec

__all__ = [
    "ENTRY_POINT_GROUP",
    "FAKES_ENTRY_POINT_GROUP",
    "PluginLoadError",
    "Plugins",
    "make_plugins",
]

ENTRY_POINT_GROUP = "opplus"
#: the registries' test doubles: loaded only when asked for (fakes mode), so a production
#: run never imports a fake, its web framework or its demo data
FAKES_ENTRY_POINT_GROUP = "opplus.fakes"
#: comma-separated plugin names: load only these (built-ins included)
LOAD_ENV = "OPPLUS_LOAD_PLUGINS"
#: when set, every hook call is traced to standard error
TRACE_ENV = "OPPLUS_TRACE_HOOKS"


class PluginLoadError(RuntimeError):
    """A plugin could not be loaded or registered something twice."""


class Plugins:
    """The loaded plugins, seen through typed methods."""

    def __init__(
        self,
        pm: pluggy.PluginManager,
        load_fakes: Callable[[], pluggy.PluginManager] | None = None,
    ) -> None:
        self._pm = pm
        self._load_fakes = load_fakes
        self._connectors: dict[str, ConnectorSpec] | None = None
        self._fakes: dict[str, FakeSpec] | None = None
        self._tables: dict[str, TableSpec] | None = None

    @property
    def names(self) -> list[str]:
        return sorted(name for name, _ in self._pm.list_name_plugin() if name)

    def connectors(self) -> dict[str, ConnectorSpec]:
        if self._connectors is None:
            self._connectors = _collect(self._pm.hook.register_connectors, "connector")
        return dict(self._connectors)

    def tables(self) -> dict[str, TableSpec]:
        """Table transports by kind."""
        if self._tables is None:
            self._tables = _collect(self._pm.hook.register_tables, "table transport")
        return dict(self._tables)

    def fakes(self) -> dict[str, FakeSpec]:
        """The fakes, by name: the first call loads the ``opplus.fakes`` group."""
        if self._fakes is None:
            loaded = self._load_fakes() if self._load_fakes else None
            self._fakes = _collect(loaded.hook.register_fakes, "fake") if loaded else {}
        return dict(self._fakes)


def _collect(hook: Any, what: str) -> dict[str, Any]:
    found: dict[str, Any] = {}

    def register(spec: Any) -> None:
        if spec.name in found:
            raise PluginLoadError(f"two plugins register a {what} named {spec.name!r}")
        found[spec.name] = spec

    hook(register=register)
    return found


def make_plugins(
    builtins: Sequence[str] = (),
    *,
    disabled: Iterable[str] = (),
    load_entry_points: bool = True,
    environ: dict[str, str] | None = None,
    fakes: Sequence[str] = (),
) -> Plugins:
    """A fresh manager: entry-point plugins first, then the built-in modules.

    ``builtins`` are module names (e.g. ``"connectors.brp.plugin"``), registered under
    their last-but-one name part (``brp``). ``disabled`` names plugins not to load;
    the ``OPPLUS_LOAD_PLUGINS`` environment variable, when set, is the complete list
    of plugins to load. Fakes come from the ``opplus.fakes`` group (and ``fakes``,
    module names such as ``"connectors.brp.fake.plugin"``), under the same names and
    limits, but only when :meth:`Plugins.fakes` is first called.
    """
    env = os.environ if environ is None else environ
    only = {n.strip() for n in env.get(LOAD_ENV, "").split(",") if n.strip()} or None
    skip = set(disabled)

    def wanted(name: str) -> bool:
        return name not in skip and (only is None or name in only)

    pm = _load(ENTRY_POINT_GROUP if load_entry_points else None, builtins, wanted)
    wrong = [impl.plugin_name for impl in pm.hook.register_fakes.get_hookimpls()]
    if wrong:
        raise PluginLoadError(
            f"plugin {wrong[0]!r} registers fakes: declare that module under the "
            f"{FAKES_ENTRY_POINT_GROUP!r} entry-point group instead"
        )
    if env.get(TRACE_ENV):
        pm.trace.root.setwriter(print)
        pm.enable_tracing()

    def load_fakes() -> pluggy.PluginManager:
        return _load(FAKES_ENTRY_POINT_GROUP if load_entry_points else None, fakes, wanted)

    return Plugins(pm, load_fakes)


def _load(
    group: str | None, modules: Sequence[str], wanted: Callable[[str], bool]
) -> pluggy.PluginManager:
    pm = pluggy.PluginManager(_hookspecs.PROJECT)
    pm.add_hookspecs(_hookspecs)
    for ep in entry_points(group=group) if group else ():
        if not wanted(ep.name) or pm.has_plugin(ep.name):
            continue
        try:
            pm.register(ep.load(), name=ep.name)
        except Exception as exc:  # a broken plugin must say which one it is
            raise PluginLoadError(f"plugin {ep.name!r} ({ep.value}) failed: {exc}") from exc
    for module_name in modules:
        name = builtin_name(module_name)
        if not wanted(name) or pm.has_plugin(name):
            continue
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:
            raise PluginLoadError(f"built-in plugin {module_name!r} failed: {exc}") from exc
        pm.register(module, name=name)
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        raise PluginLoadError(str(exc)) from exc
    return pm


def builtin_name(module_name: str) -> str:
    """``connectors.brp.plugin`` and ``connectors.brp.fake.plugin`` -> ``brp``."""
    parts = module_name.split(".")
    if len(parts) >= 2 and parts[-1] == "plugin":
        parts.pop()
    if len(parts) >= 2 and parts[-1] == "fake":
        parts.pop()
    return parts[-1]
