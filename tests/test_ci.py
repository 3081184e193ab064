"""The CI script runs the tests as strictly as the CI service does."""

from __future__ import annotations

from pathlib import Path

RUN = Path(__file__).resolve().parents[1] / ".ci" / "run"


def test_ci_script_sets_ci_before_it_runs_the_tests() -> None:
    """With CI set, a missing PostgreSQL or Chromium fails the run instead of skipping
    (tests/conftest.py, tests/web/test_browser.py); a developer running .ci/run must get
    that too, not only the CI service that sets CI itself."""
    lines = _commands()
    assert "export CI=true" in lines
    assert lines.index("export CI=true") < lines.index("uv run pytest")


def _commands() -> list[str]:
    return [line.strip() for line in RUN.read_text().splitlines()]


def test_ci_script_type_checks_all_production_code() -> None:
    """mypy --strict covers the hub and the connectors, not only the plugin contract."""
    mypy = [line for line in _commands() if line.startswith("uv run mypy")]
    assert mypy == ["uv run mypy --strict plugins/ hub/ connectors/"]
    assert _commands().index(mypy[0]) < _commands().index("uv run pytest")


def test_ci_script_checks_the_formatting() -> None:
    """An unformatted file fails CI (it only checks; it never rewrites the checkout)."""
    assert "uv run ruff format --check ." in _commands()
    assert not [c for c in _commands() if c.startswith("uv run ruff format") and "--check" not in c]
