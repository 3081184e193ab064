"""What the built wheel carries for plugin authors."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_wheel_marks_the_plugin_sdk_as_typed(tmp_path: Path) -> None:
    """PEP 561: without ``plugins/py.typed`` in the wheel, mypy treats ``plugins`` as
    untyped in a plugin author's project and every SDK type becomes Any there."""
    uv = shutil.which("uv")
    assert uv is not None, "the tests run under uv (uv run pytest)"
    subprocess.run(
        [uv, "build", "--wheel", "--quiet", "--out-dir", str(tmp_path)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("opplus-*.whl")
    assert "plugins/py.typed" in zipfile.ZipFile(wheel).namelist()
