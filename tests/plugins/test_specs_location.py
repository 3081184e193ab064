"""Where the tests find the official OpenAPI documents: missing documents skip the tests
that need them, except on CI, where such a test fails loudly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NEEDS_SPECS = "tests/plugins/test_openapi.py::test_kvk_type_is_a_repeated_parameter"


def run(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k != "CI"}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", NEEDS_SPECS],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**base, "OPPLUS_SPECS_DIR": str(tmp_path / "nowhere"), **env},
        timeout=120,
    )


@pytest.mark.parametrize(("ci", "outcome"), [("", "1 skipped"), ("true", "1 error")])
def test_missing_documents_skip_or_fail_on_ci(tmp_path: Path, ci: str, outcome: str) -> None:
    result = run(tmp_path, **({"CI": ci} if ci else {}))
    assert outcome in result.stdout, result.stdout
    assert "official OpenAPI documents not found" in result.stdout
