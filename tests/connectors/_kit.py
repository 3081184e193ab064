"""Read a plugin module's registrations the way the hub does, for the contract tests."""

from __future__ import annotations

import importlib
from types import ModuleType

from plugins import ConnectorSpec, FakeSpec


def spec_and_fake(module: ModuleType) -> tuple[ConnectorSpec, FakeSpec]:
    """``module`` is a connector's ``plugin``; its fake registers in ``fake.plugin`` beside it."""
    fake_module = importlib.import_module(module.__name__.rpartition(".")[0] + ".fake.plugin")
    specs: list[ConnectorSpec] = []
    fakes: list[FakeSpec] = []
    module.register_connectors(register=specs.append)
    fake_module.register_fakes(register=fakes.append)
    [spec] = specs
    [fake] = fakes
    return spec, fake
