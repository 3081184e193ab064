"""Shared test helpers, and the real PostgreSQL server the storage tests run against."""

from __future__ import annotations

import functools
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from hub.openapi_documents import read_document
from plugins.openapi import OpenApiDocument

_ROOT = Path(__file__).resolve().parents[1]
DSN_ENV = "OPPLUS_TEST_POSTGRES_DSN"


def _start_postgres() -> str | None:
    """Make sure a real PostgreSQL server is there for the ``postgres`` tests; returns a
    problem description when there is none.

    ``OPPLUS_TEST_POSTGRES_DSN`` set: use that server. Otherwise start one with
    ``.ci/postgres.sh`` (which installs PostgreSQL with apt-get when missing).
    ``OPPLUS_TEST_POSTGRES=off`` skips those tests instead; in CI they never skip.
    Runs when this conftest is imported: before the test packages' own conftests,
    which decide at import whether PostgreSQL cases run.
    """
    if os.environ.get(DSN_ENV) or os.environ.get("OPPLUS_TEST_POSTGRES") == "off":
        return None
    try:
        proc = subprocess.run(
            ["bash", str(_ROOT / ".ci" / "postgres.sh")],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"could not start PostgreSQL for the tests: {exc}"
    for line in proc.stdout.splitlines():
        if proc.returncode == 0 and line.startswith(f"export {DSN_ENV}="):
            os.environ[DSN_ENV] = line.split("=", 1)[1].strip().strip("'\"")
            return None
    return f"could not start PostgreSQL for the tests: {proc.stderr.strip()[-500:]}"


_POSTGRES_PROBLEM = _start_postgres()


def pytest_configure(config: pytest.Config) -> None:
    if _POSTGRES_PROBLEM is None:
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(_POSTGRES_PROBLEM)
    config.issue_config_time_warning(pytest.PytestConfigWarning(_POSTGRES_PROBLEM), stacklevel=2)


# --- the registries' official OpenAPI documents ---------------------------------------
# They are not ours to copy into the repository: CI keeps them in ../shared beside the
# checkout; OPPLUS_SPECS_DIR points elsewhere.
SPECS_ENV = "OPPLUS_SPECS_DIR"
Official = Callable[[str], OpenApiDocument]


def specs_dir() -> Path:
    return Path(os.environ.get(SPECS_ENV) or _ROOT.parent / "shared" / "registries" / "specs")


@functools.cache
def _official(path: Path) -> OpenApiDocument:
    return OpenApiDocument(read_document(path))


@pytest.fixture(scope="session")
def official() -> Official:
    """``official("zaken")``: the parsed official document ``<name>.yaml``, cached.

    Missing documents skip the test with the reason, except on CI (``CI=true``), where
    a test that cannot check the contract must fail loudly.
    """
    directory = specs_dir()
    if not directory.is_dir():
        message = f"official OpenAPI documents not found in {directory} (set {SPECS_ENV})"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return lambda name: _official(directory / f"{name}.yaml")
