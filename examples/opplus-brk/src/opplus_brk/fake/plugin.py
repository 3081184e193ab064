"""Registration of the BRK fake (entry point ``opplus.fakes: brk``): only the hub's fakes
mode loads it, so a production hub never imports the fake or its records."""

from __future__ import annotations

from plugins import FakeSpec, fake_plugin

from ..client import Settings
from .app import FAKE_API_KEY, MOUNT, create_app

__all__ = ["FAKE", "register_fakes"]

FAKE = FakeSpec.serving("brk", MOUNT, create_app, Settings, api_key_env=FAKE_API_KEY)
register_fakes = fake_plugin(FAKE)
