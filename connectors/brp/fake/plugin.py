"""Registers the BRP fake (entry-point group ``opplus.fakes``: fakes mode only)."""

from __future__ import annotations

from plugins import FakeSpec, fake_plugin

from ..client import BrpSettings
from .app import FAKE_API_KEY, FAKE_CLIENT_SECRET, MOUNT, create_app

__all__ = ["register_fakes"]

register_fakes = fake_plugin(
    FakeSpec(
        name="brp",
        mount=MOUNT,
        app_factory=create_app,
        test_env={
            BrpSettings.model_fields["client_secret_env"].default: FAKE_CLIENT_SECRET,
            BrpSettings.model_fields["api_key_env"].default: FAKE_API_KEY,
        },
    )
)
