"""`opplus serve` as an operator starts it (a real server on loopback, its own data
directory) and `opplus users ...`: the first start's accounts, logging in over HTTP,
an enrichment through the API, tokens and metrics; the second start prints nothing."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from ..opplus_cli import run_in_process
from .conftest import HOORN, ROOT, example
from .oidc_provider import free_port

pytestmark = pytest.mark.e2e

OPPLUS = [sys.executable, "-m", "hub"]


def env_for(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPPLUS_")}
    env["OPPLUS_HOME"] = str(home)
    return env


@dataclass
class Server:
    url: str
    process: subprocess.Popen[str]
    stderr: list[str] = field(default_factory=list)

    def passwords(self) -> dict[str, str]:
        found = {}
        for line in self.stderr:
            match = re.match(r"^  (\S+)\s+(\S{20,})\s{3}", line)
            if match:
                found[match.group(1)] = match.group(2)
        return found


def start_server(home: Path) -> Server:
    port = free_port()
    process = subprocess.Popen(
        [*OPPLUS, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env_for(home),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    server = Server(f"http://127.0.0.1:{port}", process)
    assert process.stderr is not None
    deadline = time.monotonic() + 60
    while True:
        line = process.stderr.readline()
        if line:
            server.stderr.append(line.rstrip("\n"))
        if "luistert op" in line:
            break
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("opplus serve did not start:\n" + "\n".join(server.stderr))
    while True:
        try:
            if httpx.get(f"{server.url}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("opplus serve did not answer /healthz")
        time.sleep(0.1)


def stop(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.process.kill()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    found = start_server(tmp_path / "home")
    yield found
    stop(found)


class Browser:
    """Cookies by hand: the session cookie is Secure, and httpx (rightly) does not send
    a Secure cookie over plain http; a browser treats 127.0.0.1 as a secure context."""

    def __init__(self, url: str) -> None:
        self.http = httpx.Client(base_url=url, follow_redirects=False, timeout=30)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, **kwargs: object) -> httpx.Response:
        headers = dict(kwargs.pop("headers", None) or {})  # type: ignore[call-overload]
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        response = self.http.request(method, path, headers=headers, **kwargs)  # type: ignore[arg-type]
        for header in response.headers.get_list("set-cookie"):
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if "max-age=0" in header.lower() or not value or value == '""':
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        return response

    def csrf(self, html: str) -> str:
        match = re.search(r'name="csrf_token" value="([^"]+)"', html)
        assert match
        return match.group(1)

    def login(self, login: str, password: str) -> httpx.Response:
        page = self.request("GET", "/")
        return self.request(
            "POST",
            "/inloggen",
            data={"csrf_token": self.csrf(page.text), "login": login, "password": password},
        )


def test_first_start_serve_and_use(server: Server, tmp_path: Path):
    passwords = server.passwords()
    assert set(passwords) == {"beheerder", "af-hoorn", "auditor"}
    assert any("Hoorn" in line and "af-hoorn" in line for line in server.stderr)
    officer = Browser(server.url)
    assert officer.request("GET", "/").status_code == 200
    logged_in = officer.login("af-hoorn", passwords["af-hoorn"])
    assert logged_in.status_code == 303 and "opplus_session" in officer.cookies
    form = officer.request("GET", "/signalen/nieuw").text
    token = officer.csrf(form)
    accepted = officer.request(
        "POST", "/api/v1/signals", json=example(HOORN), headers={"X-CSRF-Token": token}
    )
    assert accepted.status_code == 202, accepted.text
    deadline = time.monotonic() + 30
    while True:
        job = officer.request("GET", accepted.json()["status_url"]).json()
        if job["state"] != "running" or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert job["state"] == "done"
    page = officer.request("GET", job["dossier_url"])
    assert page.status_code == 200 and "Katarzyna" in page.text

    admin = Browser(server.url)
    assert admin.login("beheerder", passwords["beheerder"]).status_code == 303
    headers = {"X-CSRF-Token": admin.csrf(admin.request("GET", "/beheer/gebruikers").text)}
    created = admin.request(
        "POST",
        "/api/v1/users",
        json={
            "login": "zaaksysteem",
            "name": "Zaaksysteem",
            "roles": ["officer"],
            "municipalities": ["0405"],
            "system": True,
        },
        headers=headers,
    )
    assert created.status_code == 201 and created.json()["password"] is None
    # its municipality waits for a second administrator (here: another CLI operator)
    change_id = created.json()["municipality_change"]["id"]
    approved = run(tmp_path / "home", "users", "approve", change_id, config=second_admin(tmp_path))
    assert approved.returncode == 0, approved.stderr
    secret = admin.request(
        "POST", "/api/v1/users/zaaksysteem/tokens", json={"label": "koppeling"}, headers=headers
    ).json()["secret"]
    system = httpx.get(
        f"{server.url}/api/v1/dossiers", headers={"Authorization": f"Bearer {secret}"}
    )
    assert system.status_code == 200 and system.json()[0]["municipality"] == "0405"
    metrics = admin.request("GET", "/metrics").text
    assert 'opplus_connector_calls_total{connector="brp",status="ok"}' in metrics
    assert httpx.get(f"{server.url}/metrics").status_code == 401

    stop(server)
    again = start_server(tmp_path / "home")
    try:
        assert again.passwords() == {}
        assert Browser(again.url).login("af-hoorn", passwords["af-hoorn"]).status_code == 303
    finally:
        stop(again)
    # the passwords were shown once and are nowhere on disk
    for path in (tmp_path / "home").rglob("*"):
        if path.is_file():
            assert passwords["af-hoorn"].encode() not in path.read_bytes()


def run(home: Path, *args: str, config: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``opplus <args>`` with ``home`` as data directory; in this process (the command
    line, not the process, is what these tests prove: see tests/opplus_cli.py)."""
    argv = [*(["--config", str(config)] if config else []), *args]
    done = run_in_process(argv, env_for(home), ROOT)
    return subprocess.CompletedProcess(argv, done.code, done.out, done.err)


def second_admin(tmp_path: Path) -> Path:
    """The embedded default, with another operator: a second administrator."""
    second = tmp_path / "second.toml"
    second.write_text(
        (ROOT / "config" / "default.toml")
        .read_text()
        .replace('id = "demo-af-westfriesland"', 'id = "tweede-beheerder"')
    )
    return second


def test_users_commands(tmp_path: Path):
    home = tmp_path / "home"
    added = run(
        home,
        "users",
        "add",
        "af-enkhuizen",
        "--name",
        "AF Enkhuizen",
        "--role",
        "officer",
        "--municipality",
        "0388",
    )
    assert added.returncode == 0, added.stderr
    password = re.search(r"wachtwoord \(alleen nu getoond\): (\S+)", added.stderr).group(1)
    listed = run(home, "users", "list")
    assert "af-enkhuizen" in listed.stdout and password not in listed.stdout
    bad = run(home, "users", "add", "x y", "--name", "X", "--role", "officer")
    assert bad.returncode == 2 and "login:" in bad.stderr
    reset = run(home, "users", "reset", "af-enkhuizen")
    assert reset.returncode == 0 and "alleen nu getoond" in reset.stderr
    # a person's tokens are its own: the administrator makes them only for a system account
    minted = run(home, "users", "token", "af-enkhuizen", "--label", "stiekem")
    assert minted.returncode == 2 and "systeemaccount" in minted.stderr and not minted.stdout
    system = ["--name", "Koppeling", "--role", "officer", "--municipality", "0388", "--system"]
    assert run(home, "users", "add", "koppeling", *system).returncode == 0
    token = run(home, "users", "token", "koppeling", "--label", "test")
    assert token.returncode == 0 and token.stdout.startswith("opp_")
    token_id = token.stdout.split("_")[1]
    assert run(home, "users", "revoke-token", token_id).returncode == 0
    # widening an officer's municipalities needs a second administrator
    widen = run(
        home,
        "users",
        "municipalities",
        "af-enkhuizen",
        "--municipality",
        "0388",
        "--municipality",
        "0405",
    )
    assert widen.returncode == 0 and "tweede beheerder" in widen.stderr, widen.stderr
    change_id = re.search(r"wijziging (\S+):", widen.stderr).group(1)
    assert change_id in run(home, "users", "list").stdout
    own = run(home, "users", "approve", change_id)
    assert own.returncode == 2 and "vier ogen" in own.stderr
    second = second_admin(tmp_path)
    assert run(home, "users", "approve", change_id, config=second).returncode == 0
    assert run(home, "users", "approve", "onbekend", config=second).returncode == 2
    assert "0388,0405" in run(home, "users", "list").stdout
    assert run(home, "users", "disable", "af-enkhuizen").returncode == 0
    assert "uitgeschakeld" in run(home, "users", "list").stdout
    assert run(home, "users", "disable", "niemand").returncode == 2
    officer_only = tmp_path / "officer.toml"
    officer_only.write_text(
        (ROOT / "config" / "default.toml")
        .read_text()
        .replace('roles = ["officer", "auditor", "admin"]', 'roles = ["officer"]')
    )
    refused = run(home, "users", "list", config=officer_only)
    assert refused.returncode == 2 and "geweigerd" in refused.stderr
    search = run(home, "audit", "search", "--log", "access")
    assert '"users.add"' in search.stdout and '"refused"' in search.stdout
    assert password not in search.stdout
