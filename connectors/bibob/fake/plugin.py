"""Registers the fake permit register (entry-point group ``opplus.fakes``: fakes mode only)."""

from __future__ import annotations

from plugins import FakeSpec, fake_plugin

from ..client import Settings
from .app import FAKE_PASSWORD, MOUNT, create_app

__all__ = ["register_fakes"]

register_fakes = fake_plugin(
    FakeSpec(
        name="bibob",
        mount=MOUNT,
        app_factory=create_app,
        test_env={Settings.model_fields["password_env"].default: FAKE_PASSWORD},
    )
)
