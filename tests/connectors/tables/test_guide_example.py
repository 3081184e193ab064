"""The third-party table transport of the guide (section 10) works as printed: taken from
the page, loaded as a plugin through ``register_tables``, delivering twice writes once."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from plugins import Delivery, DeliveryFailed, TableTransport, make_plugins

GUIDE = Path(__file__).resolve().parents[3] / "docs" / "writing-a-connector.md"
MODULE = "opplus_filedrop_guide.plugin"


def guide_block(heading: str) -> str:
    """The first ``text`` code block under ``heading`` in the guide."""
    text = GUIDE.read_text()
    section = text[text.index(heading) :]
    match = re.search(r"```text\n(.*?)```", section, re.S)
    assert match is not None, f"the guide's example under {heading!r} is missing"
    return match.group(1)


def example_source() -> str:
    return guide_block("### A third-party transport: a secure file drop")


@pytest.fixture
def spec(monkeypatch: pytest.MonkeyPatch) -> Any:
    module = types.ModuleType(MODULE)
    exec(compile(example_source(), str(GUIDE), "exec"), module.__dict__)
    monkeypatch.setitem(sys.modules, MODULE, module)
    plugins = make_plugins([MODULE], load_entry_points=False, environ={})
    assert plugins.names == ["opplus_filedrop_guide"]
    return plugins.tables()["filedrop"]


async def test_the_guide_example_delivers_once(
    spec: Any, tmp_path: Path, make_delivery: Callable[..., Delivery]
) -> None:
    settings = spec.settings_model.model_validate({"directory": str(tmp_path)})
    transport = spec.factory(settings, None)
    assert isinstance(transport, TableTransport)
    assert (await transport.check()).ok

    delivery = make_delivery()
    first = await transport.deliver(delivery)
    again = await transport.deliver(make_delivery(attempt=2))
    assert first.reference == again.reference
    files = sorted(p.name for p in tmp_path.iterdir())  # noqa: ASYNC240
    assert len(files) == 2 and not any(name.endswith(".part") for name in files)
    assert (tmp_path / str(first.reference)).read_bytes() == delivery.payload_json
    html = tmp_path / str(first.reference).replace(".json", ".html")
    assert html.read_text() == delivery.rendering_html

    await transport.deliver(make_delivery(id="dl-2", idempotency_key="another"))
    assert len(list(tmp_path.iterdir())) == 4  # noqa: ASYNC240
    await transport.aclose()


async def test_the_guide_example_fails_as_documented(
    spec: Any, tmp_path: Path, make_delivery: Callable[..., Delivery]
) -> None:
    missing = spec.factory(
        spec.settings_model.model_validate({"directory": str(tmp_path / "gone")}), None
    )
    assert not (await missing.check()).ok
    with pytest.raises(DeliveryFailed) as failed:
        await missing.deliver(make_delivery())
    assert failed.value.transient is True  # the share may come back
    with pytest.raises(ValueError):
        spec.settings_model.model_validate({"directory": str(tmp_path), "secret": "x"})


def test_the_guide_transport_passes_the_table_contract_kit(tmp_path: Path) -> None:
    """Both blocks as printed: the file drop as package ``opplus_filedrop``, the kit's
    example as its test module, run by pytest in a fresh interpreter."""
    package = tmp_path / "opplus_filedrop"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "plugin.py").write_text(example_source())
    (tmp_path / "test_filedrop_contract.py").write_text(guide_block("### The table contract kit"))
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs", tmp_path.name],
        capture_output=True,
        text=True,
        cwd=tmp_path.parent,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert re.search(r"\b1[0-9] passed", proc.stdout), proc.stdout[-800:]
