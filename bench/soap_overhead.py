"""What the SOAP path costs per call, next to a plain JSON POST of the same data.

Both run against in-process fakes with zero latency, so the figures are CPU overhead
only: envelope building, zeep serialising and parsing, the XSD checks on both sides,
and the ASGI round trip. Figures only; nothing is asserted.

    uv run python bench/soap_overhead.py [N]
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from datetime import date
from typing import Any

import httpx
import zeep
from fastapi import FastAPI, Request, Response
from lxml import etree
from requests import Response as RequestsResponse
from zeep.transports import Transport

from connectors.bibob._soap import WSDL_PATH
from connectors.bibob.client import FIELDS, BibobConnector, Settings
from connectors.bibob.fake import FAKE_PASSWORD, MOUNT, create_app, data
from plugins import BusinessRef, ConnectorContext, Officer, Purpose, Query, TraceContext

KVK = "97000035"
DOELBINDING = {"verwerkingsactiviteitId": "VA-MH-01", "gebruiker": "o-1"}


def json_fake() -> FastAPI:
    """The same records, as a JSON service would answer them."""
    records = data.vergunningen(date.today())
    app = FastAPI()

    @app.post("/vergunningen/_zoek")
    async def zoek(request: Request) -> Response:
        body = json.loads(await request.body())
        found = [asdict(v) for v in data.find_by_kvk(records, body["kvkNummer"])]
        return Response(
            json.dumps({"vergunningen": found}, default=str), media_type="application/json"
        )

    return app


def query() -> Query:
    return Query(
        subject=BusinessRef(KVK),
        fields=frozenset(FIELDS),
        purpose=Purpose("VA-MH-01", "Signaalverrijking mensenhandel", "bench"),
        officer=Officer("o-1", "Bench", "0405"),
        signal_id="bench",
        trace=TraceContext.new_trace(),
        municipality="0405",
    )


async def timed_async(n: int, call: Callable[[], Awaitable[Any]]) -> list[float]:
    await call()  # warm up
    times = []
    for _ in range(n):
        started = time.perf_counter()
        await call()
        times.append(time.perf_counter() - started)
    return times


def timed(n: int, call: Callable[[], Any]) -> list[float]:
    call()
    times = []
    for _ in range(n):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return times


def line(label: str, times: list[float]) -> str:
    ms = sorted(t * 1000 for t in times)
    p95 = ms[max(0, int(len(ms) * 0.95) - 1)]
    return (
        f"{label:<54} mean {statistics.fmean(ms):7.3f} ms  "
        f"median {statistics.median(ms):7.3f} ms  p95 {p95:7.3f} ms"
    )


async def end_to_end(n: int) -> dict[str, list[float]]:
    soap_app = create_app()
    connector = BibobConnector(
        Settings(base_url=f"http://fake{MOUNT}"),
        ConnectorContext(
            transport=httpx.ASGITransport(app=soap_app, root_path=MOUNT),
            env={"OPPLUS_BIBOB_PASSWORD": FAKE_PASSWORD},
        ),
    )
    json_client = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=json_fake()), base_url="http://fake"
    )

    async def soap_call() -> Any:
        return await connector.enrich(query())

    async def json_call() -> Any:
        response = await json_client.post(
            "/vergunningen/_zoek",
            content=json.dumps({"kvkNummer": KVK, "doelbinding": DOELBINDING}),
            headers={"Content-Type": "application/json", "traceparent": query().trace.traceparent},
        )
        return json.loads(response.content)["vergunningen"]

    results = {
        "SOAP: BibobConnector.enrich (zeep + fake, in-process)": await timed_async(n, soap_call),
        "JSON: httpx POST + json.loads (FastAPI, in-process)": await timed_async(n, json_call),
    }
    await connector.aclose()
    await json_client.aclose()
    return results


def client_side(n: int) -> dict[str, list[float]]:
    """Only the client's own work on one message, without any HTTP."""
    client = zeep.Client(str(WSDL_PATH), transport=Transport())
    service = client.service
    operation = service._binding.get("ZoekVergunningen")
    soap_answer = _canned_soap_answer()
    records = [asdict(v) for v in data.find_by_kvk(data.vergunningen(date.today()), KVK)]
    json_answer = json.dumps({"vergunningen": records}, default=str).encode()

    def soap_serialise_and_parse() -> Any:
        envelope = client.create_message(
            service, "ZoekVergunningen", kvkNummer=KVK, doelbinding=DOELBINDING
        )
        etree.tostring(envelope)
        reply = httpx.Response(200, headers={"content-type": "text/xml"}, content=soap_answer)
        return service._binding.process_reply(client, operation, _requests_like(reply))

    def json_serialise_and_parse() -> Any:
        json.dumps({"kvkNummer": KVK, "doelbinding": DOELBINDING}).encode()
        return json.loads(json_answer)["vergunningen"]

    return {
        "client only: zeep create_message + process_reply": timed(n, soap_serialise_and_parse),
        "client only: json.dumps + json.loads": timed(n, json_serialise_and_parse),
    }


def _requests_like(response: httpx.Response) -> Any:
    """zeep's sync binding reads a ``requests.Response``."""
    new = RequestsResponse()
    new._content = response.content
    new.status_code = response.status_code
    new.headers = response.headers
    return new


def _canned_soap_answer() -> bytes:
    async def fetch() -> bytes:
        app = create_app()
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, root_path=MOUNT), base_url="http://fake"
        ) as http:
            response = await http.post(
                f"http://fake{MOUNT}",
                content=(
                    '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" '
                    'xmlns:vr="urn:opplus:vergunningregister:1"><soap:Body>'
                    f"<vr:ZoekVergunningenRequest><vr:kvkNummer>{KVK}</vr:kvkNummer>"
                    "<vr:doelbinding><vr:verwerkingsactiviteitId>VA-MH-01"
                    "</vr:verwerkingsactiviteitId><vr:gebruiker>o-1</vr:gebruiker>"
                    "</vr:doelbinding></vr:ZoekVergunningenRequest></soap:Body></soap:Envelope>"
                ).encode(),
                headers={
                    "Content-Type": "text/xml",
                    "SOAPAction": '"urn:opplus:vergunningregister:1/ZoekVergunningen"',
                },
                auth=("opplus", FAKE_PASSWORD),
            )
            return response.content

    return asyncio.run(fetch())


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    print(f"N = {n} calls each, one permit in the answer, zero injected latency\n")
    for label, times in client_side(n).items():
        print(line(label, times))
    for label, times in asyncio.run(end_to_end(n)).items():
        print(line(label, times))


if __name__ == "__main__":
    main()
