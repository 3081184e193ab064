"""The fake permit register against its SOAP contract (WSDL, XSD, faults, auth)."""

from __future__ import annotations

import asyncio
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from lxml import etree
from starlette.applications import Starlette
from starlette.routing import Mount

from connectors.bibob.fake import FAKE_PASSWORD, FAKE_USERNAME, MOUNT, NS, create_app, data

SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
WSDL_DIR = Path(__file__).parents[3] / "connectors" / "bibob" / "wsdl"
AUTH = (FAKE_USERNAME, FAKE_PASSWORD)
#: the endpoint URL exactly as a WSDL address has it (httpx would add a slash to "")
ENDPOINT = f"http://fake{MOUNT}"
ZOEK_ACTION = f'"{NS}/ZoekVergunningen"'
PING_ACTION = f'"{NS}/Ping"'
DOELBINDING = (
    "<vr:doelbinding><vr:verwerkingsactiviteitId>VA-MH-01</vr:verwerkingsactiviteitId>"
    "<vr:gebruiker>o-1</vr:gebruiker></vr:doelbinding>"
)


def envelope(body: str, header: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>'
        f'<soap:Envelope xmlns:soap="{SOAP}" xmlns:vr="{NS}">'
        f"{header}<soap:Body>{body}</soap:Body></soap:Envelope>"
    ).encode()


def zoek(search: str) -> bytes:
    return envelope(
        f"<vr:ZoekVergunningenRequest>{search}{DOELBINDING}</vr:ZoekVergunningenRequest>"
    )


async def post(
    client: httpx.AsyncClient,
    body: bytes,
    *,
    action: str | None = ZOEK_ACTION,
    auth: Any = AUTH,
    content_type: str = "text/xml; charset=utf-8",
) -> httpx.Response:
    headers = {"Content-Type": content_type}
    if action is not None:
        headers["SOAPAction"] = action
    return await client.post(ENDPOINT, content=body, headers=headers, auth=auth)


def parse(response: httpx.Response) -> Any:
    return etree.fromstring(response.content)


def fault_of(response: httpx.Response) -> tuple[str, str, str]:
    """(faultcode, detail code, faultstring) of a SOAP Fault answer."""
    assert response.status_code == 500
    assert response.headers["content-type"].startswith("text/xml")
    fault = parse(response).find(f"{{{SOAP}}}Body/{{{SOAP}}}Fault")
    assert fault is not None
    return (
        fault.findtext("faultcode"),
        fault.findtext(f"detail/{{{NS}}}VergunningregisterFout/{{{NS}}}code"),
        fault.findtext("faultstring"),
    )


def schema() -> Any:
    return etree.XMLSchema(etree.parse(str(WSDL_DIR / "vergunningregister.xsd")))


def payload(response: httpx.Response) -> Any:
    body = parse(response).find(f"{{{SOAP}}}Body")
    (element,) = list(body)
    return element


# -- WSDL and XSD -------------------------------------------------------------------


@pytest.mark.parametrize("path", ["", "/"])
async def test_wsdl_is_served_with_the_request_address(fake_client: httpx.AsyncClient, path: str):
    response = await fake_client.get(f"{ENDPOINT}{path}?wsdl")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/xml")
    wsdl = parse(response)
    address = wsdl.find(".//{http://schemas.xmlsoap.org/wsdl/soap/}address")
    expected = f"http://fake{MOUNT}{path}"
    assert address.get("location") == expected
    imported = wsdl.find(".//{http://www.w3.org/2001/XMLSchema}import")
    assert imported.get("schemaLocation") == f"{expected}?xsd=vergunningregister.xsd"
    shipped = etree.parse(str(WSDL_DIR / "vergunningregister.wsdl")).getroot()
    assert wsdl.get("targetNamespace") == shipped.get("targetNamespace") == NS
    assert [op.get("name") for op in wsdl.iter("{http://schemas.xmlsoap.org/wsdl/}operation")] == [
        op.get("name") for op in shipped.iter("{http://schemas.xmlsoap.org/wsdl/}operation")
    ]


async def test_xsd_is_served_both_ways(fake_client: httpx.AsyncClient):
    shipped = (WSDL_DIR / "vergunningregister.xsd").read_bytes()
    by_query = await fake_client.get("?xsd=vergunningregister.xsd")
    by_path = await fake_client.get("/vergunningregister.xsd")
    assert by_query.status_code == by_path.status_code == 200
    assert by_query.content == by_path.content == shipped


async def test_wsdl_needs_no_credentials_but_operations_do(fake_client: httpx.AsyncClient):
    assert (await fake_client.get("?wsdl", auth=None)).status_code == 200
    response = await post(fake_client, envelope("<vr:PingRequest/>"), action=PING_ACTION, auth=None)
    assert response.status_code == 401


def test_zeep_loads_the_served_wsdl_over_http():
    """A stock zeep client pointed at ``?wsdl`` finds the operations and the fake's address."""
    import zeep
    from zeep.transports import AsyncTransport

    app = create_app()
    fetched: list[str] = []

    async def over_asgi(request: httpx.Request) -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app, root_path=MOUNT)) as c:
            return await c.get(str(request.url))

    def bridge(request: httpx.Request) -> httpx.Response:  # zeep loads WSDLs synchronously
        fetched.append(str(request.url))
        answer = asyncio.run(over_asgi(request))
        return httpx.Response(answer.status_code, headers=answer.headers, content=answer.content)

    wsdl_http = httpx.Client(transport=httpx.MockTransport(bridge))
    transport = AsyncTransport(client=httpx.AsyncClient(), wsdl_client=wsdl_http)
    client = zeep.AsyncClient(f"http://fake{MOUNT}?wsdl", transport=transport)
    port = client.wsdl.services["VergunningregisterService"].ports["VergunningregisterPort"]
    assert port.binding_options["address"] == f"http://fake{MOUNT}"
    assert set(port.binding._operations) == {"ZoekVergunningen", "Ping"}
    assert fetched == [
        f"http://fake{MOUNT}?wsdl",
        f"http://fake{MOUNT}?xsd=vergunningregister.xsd",
    ]
    wsdl_http.close()


async def test_bare_mount_path_is_answered_under_a_starlette_mount_too():
    """Mounted with ``Mount``, ``/vergunningregister/`` works; the bare path is the hub's job."""
    outer = Starlette(routes=[Mount(MOUNT, app=create_app())])
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=outer), base_url="http://fake"
    ) as client:
        response = await client.post(
            f"{MOUNT}/",
            content=envelope("<vr:PingRequest/>"),
            headers={"Content-Type": "text/xml", "SOAPAction": PING_ACTION},
            auth=AUTH,
        )
    assert response.status_code == 200
    assert payload(response).findtext(f"{{{NS}}}status") == "OK"


# -- auth and HTTP layer ----------------------------------------------------------------


@pytest.mark.parametrize(
    "auth",
    [None, (FAKE_USERNAME, "wrong"), ("someone", FAKE_PASSWORD)],
    ids=["missing", "wrong-password", "wrong-user"],
)
async def test_bad_credentials_get_401_before_any_soap(fake_client: httpx.AsyncClient, auth: Any):
    response = await post(fake_client, b"not even xml", auth=auth)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Basic realm="Vergunningenregister"'
    assert response.headers["content-type"].startswith("text/html")


async def test_garbage_authorization_header_is_401(fake_client: httpx.AsyncClient):
    response = await fake_client.post(
        ENDPOINT,
        content=envelope("<vr:PingRequest/>"),
        headers={
            "Content-Type": "text/xml",
            "SOAPAction": PING_ACTION,
            "Authorization": "Basic ***",
        },
    )
    assert response.status_code == 401


async def test_wrong_content_type_is_415(fake_client: httpx.AsyncClient):
    response = await post(
        fake_client,
        envelope("<vr:PingRequest/>"),
        action=PING_ACTION,
        content_type="application/json",
    )
    assert response.status_code == 415


# -- operations ---------------------------------------------------------------------


async def test_ping(fake_client: httpx.AsyncClient):
    response = await post(fake_client, envelope("<vr:PingRequest/>"), action=PING_ACTION)
    assert response.status_code == 200
    answer = payload(response)
    assert answer.tag == f"{{{NS}}}PingResponse"
    assert answer.findtext(f"{{{NS}}}status") == "OK"
    assert answer.findtext(f"{{{NS}}}versie") == "1.0.0"
    assert schema().validate(etree.ElementTree(answer))


async def test_zoek_by_kvk_returns_the_refused_permit(fake_client: httpx.AsyncClient):
    response = await post(fake_client, zoek("<vr:kvkNummer>97000035</vr:kvkNummer>"))
    assert response.status_code == 200
    assert response.headers["x-request-id"]
    answer = payload(response)
    assert schema().validate(etree.ElementTree(answer)), schema().error_log
    (permit,) = answer.findall(f"{{{NS}}}vergunningen/{{{NS}}}vergunning")
    get = lambda path: permit.findtext("/".join(f"{{{NS}}}{p}" for p in path.split("/")))  # noqa: E731
    assert get("vergunningnummer") == "VG-2025-0190"
    assert get("type") == "exploitatievergunning_seksinrichting"
    assert get("status") == "geweigerd"
    assert get("naam") == "Lotus Massage"
    assert get("adres/straatnaam") == "Westerstraat"
    assert get("adres/postcode") == "1601AM"
    assert get("bibob/onderzoek") == "eigen_onderzoek"
    assert get("bibob/mateVanGevaar") == "ernstig_gevaar"
    assert get("bibob/besluit") == "vergunning geweigerd op grond van art. 3 Wet Bibob"


async def test_zoek_by_address_with_recent_dates():
    today = date(2026, 5, 1)
    app = create_app(today=today)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, root_path=MOUNT), base_url=f"http://fake{MOUNT}"
    ) as client:
        response = await post(
            client,
            zoek(
                "<vr:adres><vr:postcode>1621JH</vr:postcode><vr:huisnummer>88</vr:huisnummer></vr:adres>"
            ),
        )
    answer = payload(response)
    assert schema().validate(etree.ElementTree(answer))
    (permit,) = answer.findall(f"{{{NS}}}vergunningen/{{{NS}}}vergunning")
    assert permit.findtext(f"{{{NS}}}vergunningnummer") == "VG-2026-0311"
    assert permit.findtext(f"{{{NS}}}kvkNummer") == "97000011"
    assert permit.findtext(f"{{{NS}}}status") == "aangevraagd"
    assert permit.find(f"{{{NS}}}datumBesluit") is None
    assert permit.findtext(f"{{{NS}}}datumAanvraag") == (today - timedelta(days=55)).isoformat()
    assert permit.findtext(f"{{{NS}}}bibob/{{{NS}}}onderzoek") == "lbb_advies"
    assert (
        permit.findtext(f"{{{NS}}}bibob/{{{NS}}}datum") == (today - timedelta(days=14)).isoformat()
    )
    assert permit.findtext(f"{{{NS}}}bibob/{{{NS}}}mateVanGevaar") == "mindere_mate"


@pytest.mark.parametrize(
    "search",
    [
        "<vr:kvkNummer>97000099</vr:kvkNummer>",
        "<vr:adres><vr:postcode>1621JH</vr:postcode><vr:huisnummer>88</vr:huisnummer>"
        "<vr:huisletter>A</vr:huisletter></vr:adres>",
        "<vr:adres><vr:postcode>1687AB</vr:postcode><vr:huisnummer>5</vr:huisnummer></vr:adres>",
    ],
    ids=["unknown-kvk", "other-huisletter", "story-3-no-permits"],
)
async def test_no_permits_is_an_empty_list(fake_client: httpx.AsyncClient, search: str):
    response = await post(fake_client, zoek(search))
    assert response.status_code == 200
    answer = payload(response)
    assert schema().validate(etree.ElementTree(answer))
    vergunningen = answer.find(f"{{{NS}}}vergunningen")
    assert vergunningen is not None and len(vergunningen) == 0


def test_every_demo_permit_fits_the_schema():
    """The data module's records serialise to valid XML (and agree with the demo world)."""
    records = data.vergunningen(date(2026, 5, 1))
    assert {v.vergunningnummer: v.kvkNummer for v in records} == {
        "VG-2026-0311": "97000011",
        "VG-2025-0190": "97000035",
        "VG-2024-0457": "97000059",
    }
    assert {v.bibob.mateVanGevaar for v in records} == {
        "mindere_mate",
        "ernstig_gevaar",
        "geen_gevaar",
    }


async def test_doelbinding_and_traceparent_are_recorded(app: Any, fake_client: httpx.AsyncClient):
    traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    await fake_client.post(
        ENDPOINT,
        content=zoek("<vr:kvkNummer>97000011</vr:kvkNummer>"),
        headers={"Content-Type": "text/xml", "SOAPAction": ZOEK_ACTION, "traceparent": traceparent},
        auth=AUTH,
    )
    assert app.state.received_traceparents == [traceparent]
    assert app.state.received_doelbindingen == [
        {"verwerkingsactiviteitId": "VA-MH-01", "gebruiker": "o-1"}
    ]
    assert app.state.received_requests == [f"POST {MOUNT}"]


# -- faults ------------------------------------------------------------------------


KVK = "<vr:kvkNummer>97000035</vr:kvkNummer>"
ADRES = "<vr:adres><vr:postcode>1621JH</vr:postcode><vr:huisnummer>88</vr:huisnummer></vr:adres>"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (zoek("<vr:kvkNummer>9700003</vr:kvkNummer>"), "pattern"),
        (
            envelope(f"<vr:ZoekVergunningenRequest>{KVK}</vr:ZoekVergunningenRequest>"),
            "doelbinding",
        ),
        (zoek(KVK + ADRES), "adres"),
        (zoek(ADRES.replace("1621JH", "1621 JH")), "pattern"),
        (zoek(KVK).replace(b"VA-MH-01", b""), "verwerkingsactiviteitId"),
    ],
    ids=["kvk-pattern", "no-doelbinding", "kvk-and-adres", "postcode-with-space", "empty-activity"],
)
async def test_schema_violations_are_validatie_faults(
    fake_client: httpx.AsyncClient, body: bytes, reason: str
):
    faultcode, code, text = fault_of(await post(fake_client, body))
    assert (faultcode, code) == ("soap:Client", "VALIDATIE")
    assert reason in text


@pytest.mark.parametrize(
    ("body", "action", "faultcode", "reason"),
    [
        (b"<soap:Envelope", ZOEK_ACTION, "soap:Client", "geen geldige XML"),
        (b"", ZOEK_ACTION, "soap:Client", "leeg bericht"),
        (b"<Bericht/>", ZOEK_ACTION, "soap:Client", "geen SOAP Envelope"),
        (envelope("<vr:Onbekend/>"), ZOEK_ACTION, "soap:Client", "onbekende operatie"),
        (envelope("<vr:PingRequest/><vr:PingRequest/>"), PING_ACTION, "soap:Client", "precies één"),
        (envelope("<vr:PingRequest/>"), ZOEK_ACTION, "soap:Client", "SOAPAction"),
        (envelope("<vr:PingRequest/>"), None, "soap:Client", "SOAPAction-header ontbreekt"),
        (
            b'<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body/></e:Envelope>',
            ZOEK_ACTION,
            "soap:VersionMismatch",
            "SOAP 1.1",
        ),
        (
            envelope(
                "<vr:PingRequest/>",
                header=(
                    '<soap:Header><x:Beveiliging xmlns:x="urn:x" soap:mustUnderstand="1"/>'
                    "</soap:Header>"
                ),
            ),
            PING_ACTION,
            "soap:MustUnderstand",
            "niet begrepen",
        ),
    ],
    ids=[
        "broken",
        "empty",
        "no-envelope",
        "unknown-op",
        "two-ops",
        "wrong-action",
        "no-action",
        "soap12",
        "must-understand",
    ],
)
async def test_envelope_errors_are_faults(
    fake_client: httpx.AsyncClient, body: bytes, action: str | None, faultcode: str, reason: str
):
    got_faultcode, code, text = fault_of(await post(fake_client, body, action=action))
    assert (got_faultcode, code) == (faultcode, "VALIDATIE")
    assert reason in text


async def test_empty_soapaction_is_allowed(fake_client: httpx.AsyncClient):
    response = await post(fake_client, envelope("<vr:PingRequest/>"), action='""')
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("doctype", "ref"),
    [
        ('<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>', "&x;"),
        ('<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>', "&b;"),
    ],
    ids=["xxe", "entity-expansion"],
)
async def test_doctype_and_entities_are_refused_unexpanded(
    fake_client: httpx.AsyncClient, doctype: str, ref: str
):
    body = (
        f'<?xml version="1.0"?>{doctype}<soap:Envelope xmlns:soap="{SOAP}" xmlns:vr="{NS}">'
        f"<soap:Body><vr:ZoekVergunningenRequest><vr:kvkNummer>{ref}</vr:kvkNummer>"
        f"{DOELBINDING}</vr:ZoekVergunningenRequest></soap:Body></soap:Envelope>"
    ).encode()
    response = await post(fake_client, body)
    faultcode, code, text = fault_of(response)
    assert (faultcode, code) == ("soap:Client", "VALIDATIE")
    assert "DOCTYPE" in text
    assert "root:" not in response.text and "aaaaaaaaaaaaaaaaaaaa" not in response.text


# -- failure injection ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "status", "media_type"),
    [
        ("fault", 500, "text/xml"),
        ("500", 500, "text/xml"),
        ("503", 503, "text/html"),
        ("html", 200, "text/html"),
        ("malformed", 200, "text/xml"),
    ],
)
async def test_fail_modes(mode: str, status: int, media_type: str):
    app = create_app(fail_mode=mode)  # type: ignore[arg-type]
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, root_path=MOUNT), base_url=f"http://fake{MOUNT}"
    ) as client:
        response = await post(client, envelope("<vr:PingRequest/>"), action=PING_ACTION)
        assert response.status_code == status
        assert response.headers["content-type"].startswith(media_type)
        if mode == "fault":
            assert fault_of(response)[:2] == ("soap:Server", "NIET_BESCHIKBAAR")
        if mode == "500":
            assert fault_of(response)[:2] == ("soap:Server", "INTERN")
        if mode == "503":
            assert response.headers["retry-after"] == "30"
        if mode == "malformed":
            with pytest.raises(etree.XMLSyntaxError):
                etree.fromstring(response.content)
        # the WSDL stays available, and bad credentials still come first
        assert (await client.get("?wsdl")).status_code == 200
        assert (await post(client, b"", auth=None)).status_code == 401


def test_unknown_fail_mode_is_refused():
    with pytest.raises(ValueError, match="fail_mode"):
        create_app(fail_mode="slow")  # type: ignore[arg-type]


async def test_latency_is_injected():
    app = create_app(latency_s=0.05)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, root_path=MOUNT), base_url=f"http://fake{MOUNT}"
    ) as client:
        started = time.perf_counter()
        await post(client, envelope("<vr:PingRequest/>"), action=PING_ACTION)
        assert time.perf_counter() - started >= 0.05


async def test_traceparents_are_capped():
    app = create_app()
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, root_path=MOUNT), base_url=f"http://fake{MOUNT}"
    ) as client:
        for i in range(1005):
            await client.get("?wsdl", headers={"traceparent": f"00-{i:032x}-{i:016x}-01"})
    assert len(app.state.received_traceparents) == 1000
    assert app.state.received_traceparents[-1] == f"00-{1004:032x}-{1004:016x}-01"
