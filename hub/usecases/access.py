"""Refusing, the one way a use case does it: first the access-log line (who tried what,
and why not), then the typed :class:`~hub.usecases.errors.Refused` to raise."""

from __future__ import annotations

from typing import Any

from ..accountability import Actor, Storage
from .errors import Refused

__all__ = ["refuse", "require_role"]


def refuse(
    storage: Storage,
    actor: Actor,
    action: str,
    reason: str,
    field: str | None = None,
    **details: Any,
) -> Refused:
    """Log the refusal of ``action``; returns the error for the caller to raise."""
    storage.record_access(actor, action, result="refused", reason=reason, **details)
    return Refused(reason, field)


def require_role(storage: Storage, actor: Actor, role: str, action: str) -> None:
    """Refuse (logged) unless the actor has ``role``."""
    if role not in actor.roles:
        raise refuse(storage, actor, action, f"rol {role} vereist voor {action}")
