"""The BRK fake: a test double of BRK Bevragen v2 with its demo records (``data``)."""

from .app import API_VERSION, FAKE_API_KEY, MOUNT, create_app

__all__ = ["API_VERSION", "FAKE_API_KEY", "MOUNT", "create_app"]
