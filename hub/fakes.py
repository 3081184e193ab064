"""The fakes host: all registered fakes as one ASGI application, each at its registry's
official base path, and the fakes that do not speak HTTP (the mail server) beside it.

Served for real by ``opplus fakes serve``, or reached in-process through
``httpx.ASGITransport`` by the embedded default. Only fakes mode imports this module
(it brings Starlette): a production runtime (``[fakes] mode = "off"``) never does.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import structlog
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from plugins import FakeSpec

from .config import FAKES_HTTP_PORT, Config, ConfigError, FakesMode

__all__ = [
    "FAKES_HTTP_PORT",
    "FakePortError",
    "FakesHost",
    "FakesTransport",
    "build_fakes_app",
    "fakes_test_env",
    "other_fake_port",
    "serve_other_fakes",
]

log = structlog.get_logger(__name__)


def build_fakes_app(
    fakes: Mapping[str, FakeSpec],
    *,
    per_fake: Mapping[str, Mapping[str, Any]] | None = None,
    **options: Any,
) -> _Dispatcher:
    """One app mounting every fake.

    ``options`` (e.g. ``latency_s``) go to each factory that accepts them; ``per_fake``
    overrides them for one fake by name (e.g. ``{"brp": {"latency_s": 0.12}}``).
    ``GET /_fakes`` lists the fakes; ``GET /_fakes/traceparents`` returns the W3C
    ``traceparent`` headers each fake received, so tests can match trace ids;
    ``GET /_fakes/violations`` returns, per fake told ``openapi=`` documents, how many
    requests it checked and the ones outside the documents, so tests can prove that
    the hub's traffic stayed within the official contracts.
    """
    routes: list[Any] = []
    apps: dict[str, Any] = {}
    index = [
        {"name": spec.name, "mount": spec.mount or "/"}
        for spec in fakes.values()
        if spec.app_factory is not None
    ]

    async def list_fakes(request: Request) -> JSONResponse:
        return JSONResponse({"fakes": index})

    async def traceparents(request: Request) -> JSONResponse:
        return JSONResponse(
            {
                name: list(getattr(app.state, "received_traceparents", []))
                for name, app in apps.items()
            }
        )

    async def violations(request: Request) -> JSONResponse:
        logs = {name: app.state.contract_log for name, app in apps.items() if _guarded(app)}
        return JSONResponse(
            {
                name: {
                    "checked": log.checked,
                    "violations": [
                        {"request": seen, **violation.as_invalid_param()}
                        for seen, violation in log.violations
                    ],
                }
                for name, log in logs.items()
            }
        )

    routes.append(Route("/_fakes", list_fakes))
    routes.append(Route("/_fakes/traceparents", traceparents))
    routes.append(Route("/_fakes/violations", violations))
    mounts: list[tuple[str, Any]] = []
    for spec in fakes.values():
        if spec.app_factory is None:
            continue  # not an HTTP fake: see serve_other_fakes
        app = _create(spec, {**options, **(per_fake or {}).get(spec.name, {})})
        apps[spec.name] = app
        mounts.append((spec.mount.rstrip("/"), app))
    # Longest mount first, so a fake serving several roots at "" comes last.
    mounts.sort(key=lambda m: len(m[0]), reverse=True)
    index_app = Starlette(routes=routes)
    root = _Dispatcher(mounts, index_app)
    root.state.fakes = apps
    return root


def _guarded(app: Any) -> bool:
    """Whether ``app`` checks its requests against official documents (a ``ContractLog``
    in its state, as ``plugins.openapi.guard_app`` leaves it)."""
    return getattr(getattr(app, "state", None), "contract_log", None) is not None


class _Dispatcher:
    """Routes by mount path, including the bare mount path itself (a SOAP endpoint
    address has no trailing slash; Starlette's Mount would redirect it)."""

    def __init__(self, mounts: list[tuple[str, Any]], fallback: Starlette) -> None:
        self.mounts = mounts
        self.fallback = fallback
        self.state = fallback.state

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] in ("http", "websocket") and not scope["path"].startswith("/_fakes"):
            path = scope["path"]
            for mount, app in self.mounts:
                if not mount or path == mount or path.startswith(mount + "/"):
                    child = dict(scope)
                    child["root_path"] = scope.get("root_path", "") + mount
                    # Starlette >= 0.33 routes on path minus root_path; keep the full path.
                    await app(child, receive, send)
                    return
        await self.fallback(scope, receive, send)


def _create(spec: FakeSpec, options: Mapping[str, Any]) -> Any:
    import inspect

    assert spec.app_factory is not None
    params = inspect.signature(spec.app_factory).parameters
    accepted = {k: v for k, v in options.items() if k in params}
    return spec.app_factory(**accepted)


class FakePortError(Exception):
    """A fake that does not speak HTTP cannot listen on the port it must use (Dutch)."""


def other_fake_port(spec: FakeSpec, http_port: int) -> int:
    """The port of ``spec`` (a fake that does not speak HTTP) beside HTTP fakes on
    ``http_port``: its conventional port, moved as far as the HTTP port moved from
    :data:`FAKES_HTTP_PORT`; 0 (a free port) when ``http_port`` is 0 or it has none."""
    if http_port == 0 or spec.port is None:
        return 0
    port = spec.port - FAKES_HTTP_PORT + http_port
    if not 0 < port < 65536:
        raise FakePortError(
            f"de nep-server {spec.name} zou op poort {port} moeten luisteren (poort "
            f"{spec.port} schuift mee met --port {http_port}); kies een andere --port"
        )
    return port


@asynccontextmanager
async def serve_other_fakes(
    fakes: Mapping[str, FakeSpec], data_dir: Path, *, http_port: int = 0
) -> AsyncIterator[dict[str, int]]:
    """Run the fakes that do not speak HTTP (e.g. the mail server) while entered,
    yielding the port each listens on, by fake name.

    ``http_port`` 0 (the in-process fakes): each on a free port, so runs never meet;
    else beside the HTTP fakes on that port (:func:`other_fake_port`). A port in use
    is a :class:`FakePortError`: whatever listens there would answer in the fake's
    place (a mail server with another certificate, say), so it is never ignored.
    """
    ports: dict[str, int] = {}
    async with AsyncExitStack() as stack:
        for spec in fakes.values():
            if spec.server_factory is None:
                continue
            port = other_fake_port(spec, http_port)
            try:
                server = spec.server_factory(data_dir, port)
                ports[spec.name] = await stack.enter_async_context(server)
            except OSError as exc:
                raise FakePortError(
                    f"poort {port} voor de nep-server {spec.name} is al in gebruik "
                    f"({exc.strerror or exc}); kies een andere --port (poort {port} schuift "
                    "mee), of stop het programma dat die poort gebruikt"
                ) from None
            log.info("fake_started", fake=spec.name, port=ports[spec.name])
        yield ports


def fakes_test_env(fakes: Mapping[str, FakeSpec]) -> dict[str, str]:
    """The fakes' public test credentials, by environment variable name."""
    env: dict[str, str] = {}
    for spec in fakes.values():
        env.update(spec.test_env)
    return env


class FakesTransport(httpx.AsyncBaseTransport):
    """Requests to the fakes' host go to the in-process fakes; all others to the network.

    So a configuration can mix in-process fakes with a real registry or receiver.
    """

    def __init__(self, app: Any, base_url: str) -> None:
        url = httpx.URL(base_url)
        self._host = (url.host, url.port)
        self._fakes = httpx.ASGITransport(app=app)
        self._network = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if (request.url.host, request.url.port) == self._host:
            return await self._fakes.handle_async_request(request)
        return await self._network.handle_async_request(request)

    async def aclose(self) -> None:
        """Clients share this transport and close it with themselves: keep it open;
        its owner (the runtime) calls :meth:`close` at the end."""

    async def close(self) -> None:
        await self._fakes.aclose()
        await self._network.aclose()


class FakesHost:
    """The fakes of one runtime in fakes mode: their public test credentials, in-process
    the app and the transport that reaches it, and the servers of the fakes that do not
    speak HTTP while :meth:`start_other` has them running."""

    def __init__(
        self,
        config: Config,
        specs: Mapping[str, FakeSpec],
        options: Mapping[str, Any] | None = None,
    ) -> None:
        self.config = config
        self.specs = dict(specs)
        self.test_env = fakes_test_env(specs)
        self.app: Any = None
        self.transport: FakesTransport | None = None
        if config.fakes.mode == FakesMode.IN_PROCESS:
            self.app = build_fakes_app(
                specs, **{"latency_s": config.fakes.latency_s, **(options or {})}
            )
            self.transport = FakesTransport(self.app, config.fakes.base_url)
        self._ports: dict[str, int] | None = None

    def port(self, name: str, where: str) -> int:
        """The port of fake ``name`` that does not speak HTTP: where this process runs
        it (started first by :meth:`start_other`), or beside the remote fakes' port."""
        spec = self.specs.get(name)
        mode = self.config.fakes.mode
        if spec is None or spec.server_factory is None:
            raise ConfigError(f"{self.config.source}: {where}: geen nep-server {name!r}")
        if mode == FakesMode.IN_PROCESS and self._ports and name in self._ports:
            return self._ports[name]
        if mode == FakesMode.REMOTE:
            url = httpx.URL(self.config.fakes.base_url)
            return other_fake_port(spec, url.port or (443 if url.scheme == "https" else 80))
        raise ConfigError(
            f"{self.config.source}: {where}: de nep-server {name} draait niet "
            f"(fakes.mode = {mode.value})"
        )

    async def start_other(self, stack: AsyncExitStack) -> None:
        """In-process: run the fakes that do not speak HTTP until ``stack`` closes."""
        if self.config.fakes.mode != FakesMode.IN_PROCESS or self._ports is not None:
            return
        self._ports = {}
        data_dir = self.config.resolved_storage().data_dir.expanduser()
        self._ports = await stack.enter_async_context(serve_other_fakes(self.specs, data_dir))
        stack.callback(self._forget_ports)

    def _forget_ports(self) -> None:
        self._ports = None

    async def aclose(self) -> None:
        if self.transport is not None:
            await self.transport.close()
