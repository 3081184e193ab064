"""Fixtures for the web service: an app on the embedded default in a fresh data
directory, users of every kind, and clients that act as them (httpx over ASGI)."""

from __future__ import annotations

import json
import secrets
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher

from hub.accountability import Storage
from hub.config import Config, load_config
from hub.runtime import Runtime
from hub.web.app import WebState, create_app
from hub.web.auth import PRE_COOKIE, SESSION_COOKIE
from hub.web.csrf import csrf_token
from hub.web.users import User

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
PASSWORD = "correct horse battery staple 42"


def example(name: str) -> dict[str, Any]:
    path = next(EXAMPLES.glob(f"{name}*.json"))
    data: dict[str, Any] = json.loads(path.read_text())
    return data


HOORN = "1-arbeidsuitbuiting-hoorn"
ENKHUIZEN = "2-seksuele-uitbuiting-enkhuizen"


#: argon2id at the lowest cost it allows (RFC 9106: t=1, 8 KiB): these tests prove who
#: may log in, not how long a guess takes; the production cost stays the library's
#: default, which test_accounts.py holds on to
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture(autouse=True)
def cheap_password_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every password hashed in a web test costs ~0.1 ms instead of ~0.15 s."""
    monkeypatch.setattr("hub.web.users._hasher", CHEAP_HASHER)
    monkeypatch.setattr("hub.web.users._DUMMY_HASH", None)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh data directory, and no configuration from the environment."""
    for name in ("OPPLUS_CONFIG", "OPPLUS_FAKES_URL", "OPPLUS_LOAD_PLUGINS"):
        monkeypatch.delenv(name, raising=False)
    path = tmp_path / "home"
    monkeypatch.setenv("OPPLUS_HOME", str(path))
    return path


def web_config(**web: Any) -> Config:
    """The embedded default with some ``[web]`` settings changed."""
    config = load_config()
    return config.model_copy(update={"web": config.web.model_copy(update=web)})


class Client(httpx.AsyncClient):
    """A client acting as one principal; ``csrf`` is the token its forms carry."""

    csrf: str = ""
    name: str = ""


@dataclass
class Hub:
    """A running app (lifespan entered) with helpers to act as anyone."""

    app: Any
    web: WebState
    users: dict[str, User] = field(default_factory=dict)

    def add_user(
        self,
        login: str,
        roles: tuple[str, ...],
        municipalities: tuple[str, ...] = (),
        *,
        password: str | None = PASSWORD,
        source: str = "local",
    ) -> User:
        user = self.web.accounts.add(
            login,
            f"Test {login}",
            roles,
            municipalities,
            source=source,  # type: ignore[arg-type]
            password=password,
        )
        self.users[login] = user
        return user

    def _client(self, name: str, **kwargs: Any) -> Client:
        client = Client(
            transport=httpx.ASGITransport(app=self.app),
            base_url="https://testserver",
            follow_redirects=False,
            **kwargs,
        )
        client.name = name
        return client

    def anonymous(self) -> Client:
        pre = secrets.token_urlsafe(32)
        client = self._client("anonymous", cookies={PRE_COOKIE: pre})
        client.csrf = csrf_token(pre)
        return client

    def as_user(self, login: str) -> Client:
        """A browser logged in as ``login`` (a fresh session)."""
        token = self.web.sessions.create(login, "password")
        client = self._client(
            login,
            cookies={SESSION_COOKIE: token},
            headers={"X-CSRF-Token": csrf_token(token)},
        )
        client.csrf = csrf_token(token)
        return client

    def with_token(self, login: str) -> Client:
        """A system calling the API with a new token of ``login``."""
        _, secret = self.web.accounts.create_token(login, "test", "test")
        return self._client(f"token:{login}", headers={"Authorization": f"Bearer {secret}"})

    async def enrich(self, login: str, signal: dict[str, Any]) -> str:
        """Enrich as ``login`` through the API; returns the stored dossier's id."""
        async with self.as_user(login) as client:
            response = await client.post("/api/v1/signals", json=signal)
            assert response.status_code == 202, response.text
            job_id = response.json()["job_id"]
            await self.web.jobs.wait_idle()
            job = (await client.get(f"/api/v1/jobs/{job_id}")).json()
        assert job["state"] == "done", job
        return str(job["dossier_id"])

    def access_log(self) -> list[dict[str, Any]]:
        log = self.web.context.storage.trail.access
        return [log.entry(i).payload or {} for i in range(log.size())]


async def start_hub(config: Config, **kwargs: Any) -> tuple[Hub, Any]:
    app = create_app(config, **kwargs)
    lifespan = app.router.lifespan_context(app)
    await lifespan.__aenter__()
    return Hub(app, app.state.web), lifespan


@pytest.fixture
async def hub(home: Path) -> AsyncIterator[Hub]:
    """The embedded default with officers of Hoorn and Enkhuizen, an auditor, an
    administrator and a system account (officer for Hoorn) that uses API tokens."""
    # no delivery worker in the background: a test delivers when it wants to
    found, lifespan = await start_hub(web_config(max_jobs_per_user=50), delivery_worker=False)
    found.add_user("af-hoorn", ("officer",), ("0405",))
    found.add_user("af-enkhuizen", ("officer",), ("0388",))
    found.add_user("auditor", ("auditor",))
    found.add_user("beheerder", ("admin",))
    found.add_user("systeem-hoorn", ("officer",), ("0405",), password=None, source="system")
    try:
        yield found
    finally:
        await lifespan.__aexit__(None, None, None)


@pytest.fixture
def storage_and_runtime(home: Path) -> Iterator[tuple[Storage, Runtime]]:
    config = load_config()
    storage = Storage.open(config)
    runtime = Runtime.build(config)
    yield storage, runtime
    storage.close()


class Flaky:
    """A connector that fails (the registry is down) until ``failing`` is switched off."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.info = inner.info
        self.failing = True

    def accepts(self, subject: Any) -> bool:
        return bool(self.inner.accepts(subject))

    async def enrich(self, query: Any) -> Any:
        from plugins import RegistryUnavailable

        if self.failing:
            raise RegistryUnavailable("zaaksysteem antwoordt niet (test)", transient=False)
        return await self.inner.enrich(query)

    async def check(self) -> Any:
        from plugins import Health

        if self.failing:
            return Health(ok=False, detail="zaaksysteem antwoordt niet (test)")
        return await self.inner.check()

    async def aclose(self) -> None:
        await self.inner.aclose()


def make_flaky(hub: Hub, name: str = "handhaving") -> Flaky:
    handle = next(h for h in hub.web.enrich.runtime.handles if h.name == name)
    flaky = Flaky(handle.connector)
    handle.connector = flaky  # type: ignore[assignment]
    return flaky


def heal(hub: Hub, flaky: Flaky, name: str = "handhaving") -> None:
    """The registry is back (and its breaker forgot the failures, as after a while)."""
    flaky.failing = False
    handle = next(h for h in hub.web.enrich.runtime.handles if h.name == name)
    handle.breaker.record_success()
