"""In-process fakes and the real network side by side, through one shared transport."""

from __future__ import annotations

import httpx
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from hub.fakes import FakesTransport


def app() -> Starlette:
    async def hello(request):
        return PlainTextResponse("fake")

    return Starlette(routes=[Route("/x", hello)])


async def test_fakes_host_in_process_other_hosts_to_the_network_and_survives_client_close():
    transport = FakesTransport(app(), "http://opplus-fakes")
    async with httpx.AsyncClient(transport=transport) as client:
        assert (await client.get("http://opplus-fakes/x")).text == "fake"
        try:
            await client.get("http://127.0.0.1:9/x", timeout=2)
        except httpx.ConnectError:
            pass  # it really went to the network (nothing listens on port 9)
        else:
            raise AssertionError("expected a network connect error")
    # a second client on the same transport still works after the first closed
    async with httpx.AsyncClient(transport=transport) as client:
        assert (await client.get("http://opplus-fakes/x")).status_code == 200
    await transport.close()
