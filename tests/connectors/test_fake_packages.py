"""Each fake package offers exactly what its app offers, from one list of names."""

from __future__ import annotations

import importlib

import pytest

FAKES = [
    "connectors.bag.fake",
    "connectors.bewoning.fake",
    "connectors.bibob.fake",
    "connectors.brp.fake",
    "connectors.kvk.fake",
    "connectors.tables.webhook.fake",
]


@pytest.mark.parametrize("name", FAKES)
def test_a_fake_package_re_exports_its_apps_names(name: str) -> None:
    package = importlib.import_module(name)
    app = importlib.import_module(f"{name}.app")
    assert package.__all__ is app.__all__
    for exported in app.__all__:
        assert getattr(package, exported) is getattr(app, exported)
