"""End-to-end fixtures: `opplus fakes serve` as a real server on loopback, strict as the
registries, and the CLI run as a user runs it.

The CLI runs in this process (:func:`run_opplus`) unless the process itself is what a
test proves (:func:`spawn_opplus`); see tests/opplus_cli.py.
"""

from __future__ import annotations

import base64
import http.server
import os
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from ..conftest import specs_dir
from ..opplus_cli import OPPLUS, Result, run_in_process, run_process

__all__ = ["OPPLUS", "Result"]

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


_HOME = Path(tempfile.mkdtemp(prefix="opplus-e2e-home-"))


def clean_env(**extra: str) -> dict[str, str]:
    """The environment of a fresh user: no OPPLUS_* settings, a data directory of its own
    (the PostgreSQL DSN for tests is kept, so tests can pass it on explicitly)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPPLUS_")}
    env["OPPLUS_HOME"] = str(_HOME)
    env.update(extra)
    return env


def run_opplus(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> Result:
    """``opplus <args>`` in this process, as a fresh user (:func:`clean_env`) in the
    checkout unless told otherwise; see :func:`tests.opplus_cli.run_in_process`."""
    return run_in_process(args, env or clean_env(), cwd or ROOT)


def spawn_opplus(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None, timeout: float = 120
) -> Result:
    """``opplus <args>`` as a real process, where the process is what a test proves."""
    return run_process(args, env or clean_env(), cwd or ROOT, timeout)


def _serve(argv: list[str], probe_url: str, *, env: dict[str, str] | None = None, ready: int = 200):
    """``opplus <argv>`` as a subprocess, returned once GET ``probe_url`` answers ``ready``
    (stderr piped, as text)."""
    proc = subprocess.Popen(
        [*OPPLUS, *argv],
        env=env or clean_env(),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(probe_url, timeout=1).status_code == ready:
                return proc
        except httpx.TransportError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(f"{argv[0]} server did not start: {proc.communicate()[1]}")
        time.sleep(0.1)


@contextmanager
def opplus_server(*args: str, probe: str, ready: int = 200) -> Iterator[str]:
    """``opplus <args> --port P`` as a subprocess on loopback, once GET ``probe``
    answers ``ready``; yields its base URL and stops it afterwards."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = _serve([*args, "--port", str(port)], f"{url}{probe}", ready=ready)
    try:
        yield url
    finally:
        proc.terminate()
        proc.communicate(timeout=10)


@contextmanager
def served_in_thread(app: Any, port: int = 0) -> Iterator[str]:
    """``app`` served by uvicorn on loopback (on ``port``, else a free one) from a thread
    of this process, where the command that would start it is not what a test proves;
    yields its base URL."""
    import uvicorn

    config = uvicorn.Config(app, host="127.0.0.1", port=port or free_port(), log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "server did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)


def strict() -> list[str]:
    """The options that make `opplus fakes serve` as strict as the registries: every
    request outside an official OpenAPI document refused in the registry's own format
    (where the documents are at hand; see tests/conftest.py)."""
    return ["--openapi-dir", str(specs_dir())] if specs_dir().is_dir() else []


def start_fakes(
    port: int, *options: str, env: dict[str, str] | None = None
) -> subprocess.Popen[str]:
    """Strict `opplus fakes serve` on ``port``, once it answers (stderr piped, as text)."""
    argv = ["fakes", "serve", "--host", "127.0.0.1", "--port", str(port), *strict(), *options]
    return _serve(argv, f"http://127.0.0.1:{port}/_fakes", env=env)


@pytest.fixture(scope="session")
def strict_fakes_url() -> Iterator[str]:
    """One strict `opplus fakes serve` for the session."""
    with opplus_server(
        "fakes", "serve", "--host", "127.0.0.1", "--no-mail", *strict(), probe="/_fakes"
    ) as url:
        yield url


def violations(fakes_url: str) -> dict[str, list[dict[str, str]]]:
    """The requests each strict fake refused so far, by fake name."""
    seen = httpx.get(f"{fakes_url}/_fakes/violations").json()
    return {name: found["violations"] for name, found in seen.items() if found["violations"]}


@pytest.fixture
def fakes_url(strict_fakes_url: str) -> Iterator[str]:
    """The session's strict fakes; a test whose requests strayed outside an official
    document fails, naming them (they were refused: the test saw the refusals too)."""
    before = violations(strict_fakes_url)
    yield strict_fakes_url
    after = violations(strict_fakes_url)
    assert after == before, f"requests outside the official documents: {after}"


class _Misbehaving(http.server.BaseHTTPRequestHandler):
    """Answers every request the way the first path segment says."""

    def log_message(self, *args: object) -> None:
        pass

    def _answer(self) -> None:
        mode = self.path.strip("/").split("/")[0]
        length = int(self.headers.get("content-length") or 0)
        if length:
            self.rfile.read(length)
        if mode == "hang":
            time.sleep(5)
            return
        status, ctype, body = {
            "html": (200, "text/html", b"<html><body>Onderhoud</body></html>"),
            "garbage": (200, "application/json", b'{"personen": [tru'),
            "500": (500, "text/plain", b"internal error"),
            "503": (503, "text/plain", b"unavailable"),
        }.get(mode, (404, "text/plain", b"?"))
        self.send_response(status)
        self.send_header("content-type", ctype)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer


@pytest.fixture(scope="session")
def misbehaving_url() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Misbehaving)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def config_with(
    tmp_path: Path, fakes_url: str, connector: str, base_url: str, timeout_s: float = 5.0
) -> Path:
    """The embedded default, on the fakes server, with one connector pointed elsewhere."""
    text = (ROOT / "config" / "default.toml").read_text()
    text = text.replace('mode = "in-process"', 'mode = "remote"')
    text = text.replace('base_url = "http://opplus-fakes"', f'base_url = "{fakes_url}"')
    header = f"[connectors.{connector}]\n"
    start = text.index(header)
    end = text.find("\n[", start + len(header))
    section = text[start : end if end != -1 else len(text)]
    lines = [
        ln
        for ln in section.splitlines()[1:]
        if not ln.startswith(("base_url", "timeout_s", "max_attempts"))
    ]
    new = "\n".join(
        [
            header.strip(),
            f'base_url = "{base_url}"',
            f"timeout_s = {timeout_s}",
            "max_attempts = 2",
            *lines,
        ]
    )
    text = text.replace(section, new)
    path = tmp_path / f"{connector}.toml"
    path.write_text(text)
    return path


# -- PostgreSQL --------------------------------------------------------------------


@pytest.fixture
def pg_schema() -> Iterator[tuple[str, str]]:
    """``(dsn, schema)``: a fresh schema on the test server, dropped afterwards."""
    dsn = os.environ.get("OPPLUS_TEST_POSTGRES_DSN")
    if not dsn:
        pytest.skip("no PostgreSQL server (OPPLUS_TEST_POSTGRES_DSN)")
    schema = f"e2e_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    yield dsn, schema
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


def pg_config(path: Path, dsn: str, schema: str, *, audit: str = "") -> Path:
    """The embedded default on ``schema``, its keys from the variables :func:`pg_keys`
    fills; ``audit`` adds lines to the ``[audit]`` table."""
    text = (ROOT / "config" / "default.toml").read_text()
    url = f"{dsn}?options=-csearch_path%3D{schema}"
    text += f"""
[storage]
url = "{url}"
encryption_key_env = "OPPLUS_TEST_ENC_KEY"

[audit]
signing_key_env = "OPPLUS_TEST_SIGNING_KEY"
pseudonym_key_env = "OPPLUS_TEST_PSEUDONYM_KEY"
{audit}
"""
    path.write_text(text)
    return path


def pg_keys() -> dict[str, str]:
    """Fresh keys for :func:`pg_config`, as environment variables."""
    return {
        name: base64.b64encode(os.urandom(32)).decode()
        for name in ("OPPLUS_TEST_ENC_KEY", "OPPLUS_TEST_SIGNING_KEY", "OPPLUS_TEST_PSEUDONYM_KEY")
    }
