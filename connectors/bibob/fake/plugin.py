"""Registers the fake permit register (entry-point group ``opplus.fakes``: fakes mode only)."""

from __future__ import annotations

from plugins import FakeSpec, fake_plugin

from ..client import Settings
from .app import FAKE_PASSWORD, MOUNT, create_app

__all__ = ["register_fakes"]

register_fakes = fake_plugin(
    FakeSpec.serving("bibob", MOUNT, create_app, Settings, password_env=FAKE_PASSWORD)
)
