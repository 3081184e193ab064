"""The zgw table transport writes only what the official Zaken 1.5.1 and Documenten
1.5.0 documents allow: a delivery to the fake, told to refuse everything else, succeeds
and its guard saw no violation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from connectors.handhaving.fake import OPENAPI_SERVED, create_app
from plugins import Delivery


async def test_a_delivery_writes_within_the_official_documents(
    official: Any, make_transport: Callable[..., Any], make_delivery: Callable[..., Delivery]
) -> None:
    strict = create_app(openapi={api: official(api) for api in OPENAPI_SERVED})
    transport = make_transport(httpx.ASGITransport(app=strict, root_path=""))
    receipt = await transport.deliver(make_delivery())
    repeated = await transport.deliver(make_delivery(attempt=2))
    log = strict.state.contract_log
    assert [(request, v.name, v.code) for request, v in log.violations] == []
    assert receipt.acknowledged and repeated.reference == receipt.reference
    # the writes went through the checks: the zaak, its rol, the documents and links
    assert log.checked >= 6
