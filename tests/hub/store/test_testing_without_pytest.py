"""hub.store.testing (used by bench/tamper.py too) imports without pytest."""

from __future__ import annotations

import subprocess
import sys


def test_store_testing_imports_without_pytest() -> None:
    script = (
        "import sys\nsys.modules['pytest'] = None\n"
        "from hub.store.testing import STORE_ATTACKS, sample_response, temporary_database\n"
        "assert STORE_ATTACKS and sample_response() and temporary_database\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert proc.returncode == 0, proc.stderr


def test_backends_are_pytest_parameters_when_named() -> None:
    from hub.store.testing import BACKENDS

    assert [param.id for param in BACKENDS] == ["sqlite", "postgresql"]
