"""Registers the fake zaaksysteem (entry-point group ``opplus.fakes``: fakes mode only)."""

from __future__ import annotations

from plugins import FakeSpec, fake_plugin

from ..client import Settings
from .app import FAKE_CLIENT_SECRET, MOUNT, create_app

__all__ = ["register_fakes"]

register_fakes = fake_plugin(
    FakeSpec(
        name="handhaving",
        mount=MOUNT,
        app_factory=create_app,
        openapi_documents={"zaken": "zaken.yaml", "documenten": "documenten.yaml"},
        test_env={Settings.model_fields["client_secret_env"].default: FAKE_CLIENT_SECRET},
    )
)
