"""Registers the webhook receiver fake (entry-point group ``opplus.fakes``: fakes mode only)."""

from __future__ import annotations

from plugins import FakeSpec, fake_plugin

from ..transport import Settings
from .app import FAKE_SECRET, MOUNT, create_app

__all__ = ["register_fakes"]

register_fakes = fake_plugin(
    FakeSpec(
        name="riec",
        mount=MOUNT,
        app_factory=create_app,
        test_env={Settings.model_fields["secret_env"].default: FAKE_SECRET},
    )
)
