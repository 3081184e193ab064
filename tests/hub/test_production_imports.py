"""A production hub (``[fakes] mode = "off"``) never imports a fake, its demo data or the
web framework the fakes are built on: not when building the runtime, not while enriching.

The registries are the fakes served over real HTTP on loopback by this test process, so
the hub in the subprocess talks to them exactly as to real registries.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from hub.builtin import BUILTIN_PLUGINS
from hub.fakes import build_fakes_app, fakes_test_env
from plugins import make_plugins

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import asyncio, json, sys
from pathlib import Path

from hub.config import load_config
from hub.runtime import Runtime
from hub.signal import load_signal
from plugins import Officer


async def main() -> None:
    runtime = Runtime.build(load_config(sys.argv[1]))
    signal = load_signal(Path(sys.argv[2]))
    officer = Officer("af-test", "Test Aandachtsfunctionaris", signal.municipality)
    try:
        run = await runtime.enricher().enrich(signal, officer)
    finally:
        await runtime.aclose()
    loaded = sorted(
        name
        for name in sys.modules
        if name.split(".")[0] in ("fastapi", "starlette")
        or (name.startswith("connectors.") and ".fake" in name)
        or name == "hub.fakes"
    )
    statuses = sorted({(o.connector, o.status) for o in run.dossier.outcomes})
    print(json.dumps({"loaded": loaded, "statuses": statuses, "facts": len(run.dossier.facts)}))


asyncio.run(main())
"""


@pytest.fixture(scope="module")
def registries() -> Iterator[str]:
    """Every built-in fake over HTTP on a free loopback port: the "real" registries."""
    app = build_fakes_app(make_plugins(BUILTIN_PLUGINS, environ={}).fakes())
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        thread.join(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)
    sock.close()


def test_enrich_with_fakes_off_imports_no_fake_and_no_fastapi(
    registries: str, tmp_path: Path
) -> None:
    text = (ROOT / "config" / "default.toml").read_text(encoding="utf-8")
    text = text.replace('mode = "in-process"', 'mode = "off"', 1).replace("{fakes}", registries)
    assert 'mode = "off"' in text
    config = tmp_path / "production.toml"
    config.write_text(text, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPPLUS_")}
    # fakes mode off fills in no test credentials: give them as a deployment would
    env.update(fakes_test_env(make_plugins(BUILTIN_PLUGINS, environ={}).fakes()))
    env["OPPLUS_HOME"] = str(tmp_path / "home")
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            SCRIPT,
            str(config),
            str(ROOT / "examples" / "1-arbeidsuitbuiting-hoorn.json"),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["loaded"] == [], report
    # not vacuous: the registries answered over loopback and the dossier has facts
    assert report["facts"] > 10
    assert ["brp", "ok"] in report["statuses"] and ["bag", "ok"] in report["statuses"]
