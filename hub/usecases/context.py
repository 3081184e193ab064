"""What every use case is given: the configuration and the store (with its logs), and
the one way to refuse an actor — a refusal is always written to the access log before
it is raised, so no adapter can forget to log one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..accountability import Actor, Storage
from ..config import Config
from .errors import NotFound, Refused

__all__ = ["Context"]


@dataclass(frozen=True)
class Context:
    config: Config
    storage: Storage

    def refuse(
        self, actor: Actor, action: str, reason: str, field: str | None = None, **details: Any
    ) -> Refused:
        """Log a refusal of ``action`` and return the error to raise."""
        self.storage.record_access(actor, action, result="refused", reason=reason, **details)
        return Refused(reason, field)

    def not_yours(self, actor: Actor, action: str, dossier_id: str, municipality: str) -> NotFound:
        """Another municipality's dossier, answered exactly like an unknown id, so a
        caller cannot learn that it exists or whose it is; the municipality is for the
        access log only."""
        self.storage.record_access(
            actor,
            action,
            result="refused",
            reason=f"dossier hoort bij gemeente {municipality}",
            dossier_id=dossier_id,
            municipality=municipality,
        )
        return NotFound("dossier", dossier_id, "dossier_id")

    def require_role(self, actor: Actor, role: str, action: str) -> None:
        if role not in actor.roles:
            raise self.refuse(actor, action, f"rol {role} vereist voor {action}")

    def require_any_role(self, actor: Actor, roles: Sequence[str], action: str) -> None:
        if not set(roles) & set(actor.roles):
            wanted = " of ".join(roles)
            raise self.refuse(actor, action, f"rol {wanted} vereist voor {action}")
