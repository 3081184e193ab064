"""Read a plugin module's registrations the way the hub does, for the contract tests."""

from __future__ import annotations

from types import ModuleType

from plugins import ConnectorSpec, FakeSpec


def spec_and_fake(module: ModuleType) -> tuple[ConnectorSpec, FakeSpec]:
    specs: list[ConnectorSpec] = []
    fakes: list[FakeSpec] = []
    module.register_connectors(register=specs.append)
    module.register_fakes(register=fakes.append)
    [spec] = specs
    [fake] = fakes
    return spec, fake
