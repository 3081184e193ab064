"""The administrator's view of the registries: every connector probed live, and the
configuration. Connector health is for an administrator or a monitoring system (role
``admin`` or ``monitor``); the configuration (which holds no secrets, only the names
of their variables) for an administrator. Both are written to the access log.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from plugins import ConnectorInfo, Health

from ..accountability import Actor
from ..config import Config
from ..runtime import Runtime
from .context import Context

__all__ = ["ConnectorHealth", "Registries", "RegistriesHealth"]


@dataclass(frozen=True)
class ConnectorHealth:
    name: str
    info: ConnectorInfo
    health: Health


@dataclass(frozen=True)
class RegistriesHealth:
    """Every configured connector's probe, in configuration order; the plugins loaded,
    and the connectors a plugin offers that the configuration does not use."""

    connectors: list[ConnectorHealth]
    plugins: list[str]
    unconfigured: list[str]

    @property
    def failing(self) -> list[str]:
        return sorted(c.name for c in self.connectors if not c.health.ok)


@dataclass(frozen=True)
class Registries:
    ctx: Context
    runtime: Runtime

    async def health(self, actor: Actor) -> RegistriesHealth:
        """Every connector probed live (``check()``), with its credentials."""
        action = "admin.connectors"
        self.ctx.require_any_role(actor, ("admin", "monitor"), action)
        runtime = self.runtime
        probes = await runtime.check()
        found = RegistriesHealth(
            [ConnectorHealth(h.name, h.connector.info, probes[h.name]) for h in runtime.handles],
            list(runtime.plugins.names),
            list(runtime.unconfigured),
        )
        await asyncio.to_thread(
            self.ctx.storage.record_access,
            actor,
            action,
            role="admin" if "admin" in actor.roles else "monitor",
            detail={"failing": ",".join(found.failing) or "-"},
        )
        return found

    def configuration(self, actor: Actor) -> Config:
        """The configuration (it holds no secrets: only the names of their variables)."""
        action = "admin.config"
        self.ctx.require_role(actor, "admin", action)
        self.ctx.storage.record_access(actor, action, role="admin")
        return self.ctx.config
