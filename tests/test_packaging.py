"""What the built wheel carries for plugin authors."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import tomllib
import zipfile
from importlib.metadata import packages_distributions
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


#: runtime dependencies that production code never imports by name, and why they stay
_USED_INDIRECTLY = {
    # starlette parses the login and admin forms with it (request.form(), hub/web/auth.py)
    "python-multipart": "starlette",
    # httpx's httpcore imports it at every lock it takes and pays a failed import each time
    # without it (encode/httpcore#1103); tests/hub/test_http_stack.py
    "sniffio": "httpx",
}
#: needed only where fakes check requests against OpenAPI documents, and in tests
_DEV_ONLY = {"jsonschema", "itsdangerous"}


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _runtime_dependencies() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return {_normalise(re.split(r"[\[<>=!~; ]", d, maxsplit=1)[0]) for d in project["dependencies"]}


def _imported_distributions() -> set[str]:
    """The distributions whose modules the shipped packages import, lazily or not."""
    modules: set[str] = set()
    for package in ("hub", "plugins", "connectors"):
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, ast.Import):
                    modules |= {a.name.split(".")[0] for a in node.names}
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    modules.add(node.module.split(".")[0])
                elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") == (
                    "import_module"
                ):
                    arg = node.args[0] if node.args else None
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        modules.add(arg.value.split(".")[0])
    owners = packages_distributions()
    return {_normalise(d) for m in modules for d in owners.get(m, [])}


def test_every_runtime_dependency_is_used() -> None:
    """A runtime dependency nothing imports is weight every install carries (and a
    supply-chain risk): it goes, or it names here the library that needs it."""
    unused = _runtime_dependencies() - _imported_distributions() - set(_USED_INDIRECTLY)
    assert not unused
    assert not _runtime_dependencies() & _DEV_ONLY


def test_a_dependency_kept_for_a_library_is_that_librarys_need() -> None:
    for dependency, needed_by in _USED_INDIRECTLY.items():
        assert dependency in _runtime_dependencies()
        assert needed_by in _imported_distributions()
