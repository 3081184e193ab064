"""A stand-alone RIEC receiver for forwarding tests: the webhook fake on a real port.

``python tests/e2e/receiver.py PORT [RESPONSE_DELAY_S]`` — with a delay, the receiver
stores the first delivery at once and only answers after the delay (a sender killed in
between has delivered without knowing it); it answers a resend at once.
"""

from __future__ import annotations

import asyncio
import sys
from typing import Any

import uvicorn

from connectors.tables.webhook.fake import create_app
from hub.fakes import build_fakes_app
from plugins import FakeSpec


def delayed(app: Any, delay_s: float) -> Any:
    posted = 0

    async def wrapped(scope: Any, receive: Any, send: Any) -> None:
        nonlocal posted
        if scope["type"] != "http" or scope["method"] != "POST":
            await app(scope, receive, send)
            return
        posted += 1
        if posted > 1:  # the resend: the test waits for it, nothing is proven by waiting
            await app(scope, receive, send)
            return

        async def slow_send(message: Any) -> None:
            if message["type"] == "http.response.start":
                await asyncio.sleep(delay_s)
            await send(message)

        await app(scope, receive, slow_send)

    return wrapped


def receiver_app(delay_s: float = 0.0) -> Any:
    """The receiver's ASGI app (the tests serve it from a thread)."""
    spec = FakeSpec("riec", "/riec/informatieplein", create_app)
    app = build_fakes_app({"riec": spec})
    return delayed(app, delay_s) if delay_s else app


if __name__ == "__main__":
    port = int(sys.argv[1])
    delay = float(sys.argv[2]) if len(sys.argv) > 2 else 0.0
    uvicorn.run(receiver_app(delay), host="127.0.0.1", port=port, log_level="warning")
