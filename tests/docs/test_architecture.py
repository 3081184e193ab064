"""docs/architecture.md is the one-page map of the house: every room it names exists,
and every package of the house is on the map, so the map cannot drift from the code."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "architecture.md"
#: a file or folder name as the map writes it (``engine.py``, ``usecases/``)
_NAME = re.compile(r"^[a-z_<>]+(?:\.py|/)$")


def _rooms() -> list[Path]:
    """The paths the map's tree names: a top-level line (``hub/``) opens a room, the
    indented names under it (first column of names only) are inside it."""
    text = DOC.read_text(encoding="utf-8")
    tree = text.split("```", 2)[1]
    named: list[Path] = []
    top: Path | None = None
    for line in tree.splitlines()[1:]:
        if not line.strip():
            continue
        if not line.startswith(" "):
            top = Path(line.split()[0].replace("<name>", "brp"))
            named.append(top)
            continue
        if top is None or not line.startswith("  ") or line.startswith("   "):
            continue  # a description continued on the next line
        names = re.split(r"\s{2,}", line.strip())[0]  # then the description
        named += [top / word for word in names.split() if _NAME.match(word)]
    return named


def test_every_room_on_the_map_exists() -> None:
    rooms = _rooms()
    assert len(rooms) > 30
    missing = [str(p) for p in rooms if not (ROOT / p).exists()]
    assert missing == []


def test_every_package_of_the_hub_and_the_sdk_is_on_the_map() -> None:
    named = {str(p).rstrip("/") for p in _rooms()}
    packages = [
        f"hub/{p.name}"
        for p in (ROOT / "hub").iterdir()
        if p.is_dir() and (p / "__init__.py").exists()
    ]
    public_sdk = [f"plugins/{p.name}" for p in (ROOT / "plugins").glob("[a-z]*.py")]
    absent = [p for p in packages + public_sdk if p not in named and p != "plugins/__init__.py"]
    assert absent == []
