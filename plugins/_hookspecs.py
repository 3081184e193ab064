"""Hook specifications of opplus. The plugin author's guide explains each one."""

from __future__ import annotations

from collections.abc import Callable

import pluggy

from ._connector import ConnectorSpec, FakeSpec
from ._table import TableSpec

__all__ = [
    "hookimpl",
    "hookspec",
    "register_connectors",
    "register_fakes",
    "register_tables",
]

PROJECT = "opplus"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def register_connectors(register: Callable[[ConnectorSpec], None]) -> None:
    """Register connectors by calling ``register(ConnectorSpec(...))``. Not firstresult."""


@hookspec
def register_fakes(register: Callable[[FakeSpec], None]) -> None:
    """Register test doubles by calling ``register(FakeSpec(...))``; asked only of the
    ``opplus.fakes`` entry-point group, in fakes mode. Not firstresult."""


@hookspec
def register_tables(register: Callable[[TableSpec], None]) -> None:
    """Register table transports by calling ``register(TableSpec(...))``. Not firstresult."""
