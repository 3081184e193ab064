"""Registers the BRP Bewoning fake (entry-point group ``opplus.fakes``: fakes mode only)."""

from __future__ import annotations

from plugins import FakeSpec, fake_plugin

from ..client import Settings
from .app import FAKE_API_KEY, FAKE_CLIENT_SECRET, MOUNT, create_app

__all__ = ["register_fakes"]

register_fakes = fake_plugin(
    FakeSpec.serving(
        "bewoning",
        MOUNT,
        create_app,
        Settings,
        client_secret_env=FAKE_CLIENT_SECRET,
        api_key_env=FAKE_API_KEY,
        openapi_documents={"bewoning": "brp-bewoning.yaml"},
    )
)
