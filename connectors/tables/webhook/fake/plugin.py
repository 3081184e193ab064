"""Registers the webhook receiver fake (entry-point group ``opplus.fakes``: fakes mode only)."""

from __future__ import annotations

from plugins import FakeSpec, fake_plugin

from ..transport import Settings
from .app import FAKE_SECRET, MOUNT, create_app

__all__ = ["register_fakes"]

register_fakes = fake_plugin(
    FakeSpec.serving("riec", MOUNT, create_app, Settings, secret_env=FAKE_SECRET)
)
