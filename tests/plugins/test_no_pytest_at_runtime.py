"""The SDK and its test kits import without pytest: a plugin's runtime never needs it."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def run_without_pytest(code: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter where ``import pytest`` fails."""
    script = "import sys\nsys.modules['pytest'] = None\n" + textwrap.dedent(code)
    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )


def test_plugins_and_the_kit_import_without_pytest() -> None:
    proc = run_without_pytest(
        """
        import plugins, plugins.testing
        from plugins.testing import FAULTS, ContractCase, make_query
        assert FAULTS and ContractCase and make_query
        """
    )
    assert proc.returncode == 0, proc.stderr


def test_the_pytest_bound_classes_load_only_when_named() -> None:
    """Proof that the blocking works: naming a contract class does need pytest."""
    for name in ("ConnectorContract", "TableContract"):
        proc = run_without_pytest(f"from plugins.testing import {name}")
        assert proc.returncode != 0 and "pytest" in proc.stderr, name
