"""Registers the KvK fake (entry-point group ``opplus.fakes``: fakes mode only)."""

from __future__ import annotations

from plugins import FakeSpec, fake_plugin

from ..client import Settings
from .app import FAKE_API_KEY, MOUNT, create_app

__all__ = ["register_fakes"]

register_fakes = fake_plugin(
    FakeSpec.serving(
        "kvk",
        MOUNT,
        create_app,
        Settings,
        api_key_env=FAKE_API_KEY,
        openapi_documents={
            "zoeken": "kvk-zoeken.yaml",
            "basisprofiel": "kvk-basisprofiel.yaml",
            "vestigingsprofiel": "kvk-vestigingsprofiel.yaml",
        },
    )
)
