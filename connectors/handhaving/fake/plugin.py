"""Registers the fake zaaksysteem (entry-point group ``opplus.fakes``: fakes mode only)."""

from __future__ import annotations

from plugins import FakeSpec, fake_plugin

from ..client import Settings
from .app import FAKE_CLIENT_SECRET, MOUNT, create_app

__all__ = ["register_fakes"]

register_fakes = fake_plugin(
    FakeSpec.serving(
        "handhaving",
        MOUNT,
        create_app,
        Settings,
        client_secret_env=FAKE_CLIENT_SECRET,
        openapi_documents={"zaken": "zaken.yaml", "documenten": "documenten.yaml"},
    )
)
