"""A plugin module in one statement: the hook implementation that registers given specs.

``register_connectors = connector_plugin(ConnectorSpec(...))`` in a ``plugin.py`` is the
whole registration; pluggy finds the hook by the module attribute's name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from ._connector import ConnectorSpec, FakeSpec
from ._hookspecs import hookimpl
from ._table import TableSpec

__all__ = ["connector_plugin", "fake_plugin", "table_plugin"]

S = TypeVar("S", ConnectorSpec, FakeSpec, TableSpec)
Registration = Callable[[Callable[[S], None]], None]


def _registering(specs: tuple[S, ...]) -> Registration[S]:
    @hookimpl
    def registration(register: Callable[[S], None]) -> None:
        for spec in specs:
            register(spec)

    return registration


def connector_plugin(*specs: ConnectorSpec) -> Registration[ConnectorSpec]:
    """A ``register_connectors`` implementation registering ``specs``."""
    return _registering(specs)


def table_plugin(*specs: TableSpec) -> Registration[TableSpec]:
    """A ``register_tables`` implementation registering ``specs``."""
    return _registering(specs)


def fake_plugin(*specs: FakeSpec) -> Registration[FakeSpec]:
    """A ``register_fakes`` implementation registering ``specs`` (for a module of the
    ``opplus.fakes`` entry-point group)."""
    return _registering(specs)
