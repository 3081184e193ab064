"""The hub at run time: configuration, loaded plugins, live connectors and their fakes."""

from __future__ import annotations

import os
import re
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from plugins import ConnectorContext, Health, Plugins, TableTransport, make_plugins

from .builtin import BUILTIN_PLUGINS
from .config import Config, ConfigError, FakesMode, connector_settings, expand
from .engine import CallRecorder, ConnectorHandle, Enricher
from .resilience import CircuitBreaker

if TYPE_CHECKING:
    from .fakes import FakesHost

__all__ = ["Runtime", "load_plugins"]

USER_AGENT = "opplus/0.1"

#: a setting that is the port of a fake that does not speak HTTP, e.g. the mail server
_FAKE_PORT = re.compile(r"\{fakes\.([a-z0-9_-]+)\.port\}")


def load_plugins(config: Config) -> Plugins:
    return make_plugins(BUILTIN_PLUGINS, disabled=config.disabled_plugins)


@dataclass
class Runtime:
    """Everything an enrichment needs; use as ``async with Runtime.start(config) as rt``."""

    config: Config
    plugins: Plugins
    handles: list[ConnectorHandle]
    #: the fakes host, in fakes mode only
    fakes: FakesHost | None = None
    unconfigured: list[str] = field(default_factory=list)
    context: ConnectorContext = field(default_factory=ConnectorContext)
    _stack: AsyncExitStack = field(default_factory=AsyncExitStack, repr=False)

    @classmethod
    def build(cls, config: Config, *, fake_options: dict[str, Any] | None = None) -> Runtime:
        plugins = load_plugins(config)
        specs = plugins.connectors()
        fakes = None
        if config.fakes.mode != FakesMode.OFF:
            from .fakes import FakesHost  # only fakes mode loads the fakes and Starlette

            fakes = FakesHost(config, plugins.fakes(), fake_options)
        # real environment variables win over the fakes' test credentials
        env = {**(fakes.test_env if fakes else {}), **os.environ}
        transport = fakes.transport if fakes else None
        context = ConnectorContext(transport=transport, env=env, user_agent=USER_AGENT)
        handles = []
        unconfigured = []
        for name in sorted(specs):
            spec = specs[name]
            settings = connector_settings(config, spec)
            if settings is None:
                unconfigured.append(name)
                continue
            if not settings.enabled:
                continue
            try:
                connector = spec.factory(settings, context)
            except Exception as exc:
                raise ConfigError(f"connectors.{name}: cannot start: {exc}") from exc
            handles.append(
                ConnectorHandle(
                    name=name,
                    connector=connector,
                    settings=settings,
                    breaker=CircuitBreaker(settings.breaker_threshold, settings.breaker_reset_s),
                )
            )
        for name in config.connectors:
            if name not in specs:
                raise ConfigError(
                    f"{config.source}: connectors.{name}: no plugin registers a connector "
                    f"named {name!r} (loaded: {', '.join(sorted(specs)) or 'none'})"
                )
        return cls(config, plugins, handles, fakes, unconfigured, context)

    @property
    def fakes_app(self) -> Any:
        """The in-process fakes' ASGI app (None unless ``fakes.mode = "in-process"``)."""
        return self.fakes.app if self.fakes else None

    def table_transport(self, name: str, *, notice_to: str | None = None) -> TableTransport:
        """A live transport for table ``name`` — or, with ``notice_to``, the notices
        transport addressed to that person (the caller closes it)."""
        if notice_to is not None:
            kind, raw, where = (
                self.config.notices.transport,
                {**self.config.notices.settings, "to": [notice_to]},
                "notices",
            )
        else:
            table = self.config.tables[name]
            kind, raw, where = table.transport, table.settings, f"tables.{name}"
        specs = self.plugins.tables()
        spec = specs.get(kind)
        if spec is None:
            raise ConfigError(
                f"{self.config.source}: {where}.transport: unknown transport "
                f"{kind!r} (known: {', '.join(sorted(specs)) or 'none'})"
            )
        values = {k: self._setting(v, f"{where}.settings.{k}") for k, v in raw.items()}
        try:
            settings = spec.settings_model.model_validate(values)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
            )
            raise ConfigError(f"{self.config.source}: {where}.settings: {problems}") from None
        return spec.factory(settings, self.context)

    def _setting(self, value: Any, where: str) -> Any:
        if not isinstance(value, str):
            return value
        fake = _FAKE_PORT.fullmatch(value)
        return self.fake_port(fake.group(1), where) if fake else expand(self.config, value)

    def fake_port(self, name: str, where: str) -> int:
        """The port of fake ``name`` that does not speak HTTP (``"{fakes.NAME.port}"``
        in a setting): see :meth:`hub.fakes.FakesHost.port`."""
        if self.fakes is None:
            raise ConfigError(
                f"{self.config.source}: {where}: de nep-server {name} draait niet "
                f"(fakes.mode = {self.config.fakes.mode.value})"
            )
        return self.fakes.port(name, where)

    def enricher(self, recorders: list[CallRecorder] | None = None) -> Enricher:
        return Enricher(self.config, self.handles, recorders or [])

    async def check(self) -> dict[str, Health]:
        import asyncio

        async def one(handle: ConnectorHandle) -> Health:
            try:
                async with asyncio.timeout(handle.settings.timeout_s + 1):
                    return await handle.connector.check()
            except TimeoutError:
                return Health(ok=False, detail="check timed out")
            except Exception as exc:  # a probe must report, not crash
                return Health(ok=False, detail=f"{type(exc).__name__}: {exc}")

        results = await asyncio.gather(*(one(h) for h in self.handles))
        return {h.name: r for h, r in zip(self.handles, results, strict=True)}

    async def aclose(self) -> None:
        for handle in self.handles:
            await handle.connector.aclose()
        if self.fakes is not None:
            await self.fakes.aclose()

    async def start_other_fakes(self) -> None:
        """In-process fakes mode: run the fakes that do not speak HTTP (the mail server)
        until the runtime is left — called by whoever is about to deliver to them."""
        if self.fakes is not None:
            await self.fakes.start_other(self._stack)

    async def stop_other_fakes(self) -> None:
        """Stop what :meth:`start_other_fakes` started, for a runtime that is not used
        as a context manager (the delivery worker of ``opplus serve``)."""
        await self._stack.aclose()
        self._stack = AsyncExitStack()

    async def __aenter__(self) -> Runtime:
        self._stack = AsyncExitStack()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._stack.aclose()
        await self.aclose()
