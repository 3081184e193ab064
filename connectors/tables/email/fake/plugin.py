"""Registers the local demo mail server as a fake (entry-point group ``opplus.fakes``)."""

from __future__ import annotations

from plugins import FakeSpec, fake_plugin

from .demo import DEMO_PORT, serve_demo_mail

__all__ = ["register_fakes"]

register_fakes = fake_plugin(
    FakeSpec(
        name="smtp",
        mount="",
        app_factory=None,
        server_factory=serve_demo_mail,
        port=DEMO_PORT,
    )
)
