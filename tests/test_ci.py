"""The CI script runs the tests as strictly as the CI service does."""

from __future__ import annotations

from pathlib import Path

RUN = Path(__file__).resolve().parents[1] / ".ci" / "run"


def test_ci_script_sets_ci_before_it_runs_the_tests() -> None:
    """With CI set, a missing PostgreSQL or Chromium fails the run instead of skipping
    (tests/conftest.py, tests/web/test_browser.py); a developer running .ci/run must get
    that too, not only the CI service that sets CI itself."""
    lines = [line.strip() for line in RUN.read_text().splitlines()]
    assert "export CI=true" in lines
    assert lines.index("export CI=true") < lines.index("uv run pytest")
