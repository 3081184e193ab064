"""The hub at run time: configuration, loaded plugins, live connectors and their fakes."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from plugins import ConnectorContext, Health, Plugins, TableTransport, make_plugins

from .builtin import BUILTIN_PLUGINS
from .config import Config, ConfigError, FakesMode, connector_settings
from .engine import CallRecorder, ConnectorHandle, Enricher
from .fakes import FakesTransport, build_fakes_app, fakes_test_env
from .resilience import CircuitBreaker

__all__ = ["Runtime", "load_plugins"]

USER_AGENT = "opplus/0.1"


def load_plugins(config: Config) -> Plugins:
    return make_plugins(BUILTIN_PLUGINS, disabled=config.disabled_plugins)


@dataclass
class Runtime:
    """Everything an enrichment needs; use as ``async with Runtime.start(config) as rt``."""

    config: Config
    plugins: Plugins
    handles: list[ConnectorHandle]
    fakes_app: Any = None
    unconfigured: list[str] = field(default_factory=list)
    context: ConnectorContext = field(default_factory=ConnectorContext)

    @classmethod
    def build(cls, config: Config, *, fake_options: dict[str, Any] | None = None) -> Runtime:
        plugins = load_plugins(config)
        specs = plugins.connectors()
        env: dict[str, str] = {}
        transport = None
        fakes_app = None
        if config.fakes.mode != FakesMode.OFF:
            fakes = plugins.fakes()
            env.update(fakes_test_env(fakes))
            if config.fakes.mode == FakesMode.IN_PROCESS:
                options = {"latency_s": config.fakes.latency_s, **(fake_options or {})}
                fakes_app = build_fakes_app(fakes, **options)
                transport = FakesTransport(fakes_app, config.fakes.base_url)
        env.update(os.environ)  # real environment variables win over test credentials
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
        return cls(config, plugins, handles, fakes_app, unconfigured, context)

    def table_transport(self, name: str) -> TableTransport:
        """A live transport for table ``name`` (the caller closes it)."""
        table = self.config.tables[name]
        specs = self.plugins.tables()
        spec = specs.get(table.transport)
        if spec is None:
            raise ConfigError(
                f"{self.config.source}: tables.{name}.transport: unknown transport "
                f"{table.transport!r} (known: {', '.join(sorted(specs)) or 'none'})"
            )
        fakes = self.config.fakes.base_url.rstrip("/")
        values = {
            k: v.replace("{fakes}", fakes) if isinstance(v, str) else v
            for k, v in table.settings.items()
        }
        try:
            settings = spec.settings_model.model_validate(values)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
            )
            raise ConfigError(f"{self.config.source}: tables.{name}.settings: {problems}") from None
        return spec.factory(settings, self.context)

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
        if isinstance(self.context.transport, FakesTransport):
            await self.context.transport.close()

    async def __aenter__(self) -> Runtime:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()
