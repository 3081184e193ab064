"""The tamper matrix of ``bench/tamper.py``, as a test: every attack an insider with
write access to the database (and no keys) tries is detected, and the control is not."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from hub.store.testing import BACKENDS


def _load_bench() -> ModuleType:
    path = Path(__file__).resolve().parents[3] / "bench" / "tamper.py"
    spec = importlib.util.spec_from_file_location("opplus_bench_tamper", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while defining
    spec.loader.exec_module(module)
    return module


tamper = _load_bench()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_untouched_logs_verify(backend: str) -> None:
    assert tamper.try_attack(tamper.CONTROL, backend) == (False, "verifies")


@pytest.mark.parametrize("attack", tamper.ATTACKS, ids=lambda a: a.name)
def test_every_attack_is_detected(attack, backend: str) -> None:
    if backend not in attack.backends:
        pytest.skip(f"{attack.name}: not on {backend}")
    found, detail = tamper.try_attack(attack, backend)
    assert found, f"{attack.name} on {backend} went unnoticed"
    assert detail


def test_a_rollback_is_named_by_the_witnessed_size(backend: str) -> None:
    """Caught by the witness alone: the older copy is consistent in itself."""
    rollback = next(a for a in tamper.ATTACKS if a.run is tamper._roll_back_database)
    found, detail = tamper.try_attack(rollback, backend)
    assert found
    assert f"size {tamper.BEFORE_COPY + tamper.BEFORE_CHECKPOINT}" in detail
