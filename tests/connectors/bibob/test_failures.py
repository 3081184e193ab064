"""Every failure the SOAP path can meet leaves the connector as the right plugins error.

respx mocks the SOAP POST; the connector's real zeep stack reads what it answers.
"""

from __future__ import annotations

import gzip
import random
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import respx

from connectors.bibob.client import BibobConnector, Settings
from plugins import (
    AuthenticationFailed,
    BadResponse,
    BusinessRef,
    ConnectorContext,
    ConnectorError,
    Query,
    QueryRejected,
    RateLimited,
    RegistryTimeout,
    RegistryUnavailable,
)

URL = "https://vergunningen.gemeente.example/soap/vergunningregister"
SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
NS = "urn:opplus:vergunningregister:1"
XML = {"content-type": "text/xml; charset=utf-8"}
HTML = {"content-type": "text/html"}

VERGUNNING = """<vr:vergunning>
  <vr:vergunningnummer>VG-2025-0190</vr:vergunningnummer>
  <vr:type>exploitatievergunning_seksinrichting</vr:type>
  <vr:status>geweigerd</vr:status>
  <vr:kvkNummer>97000035</vr:kvkNummer>
  <vr:naam>Lotus Massage</vr:naam>
  <vr:adres>
    <vr:straatnaam>Westerstraat</vr:straatnaam>
    <vr:huisnummer>201</vr:huisnummer>
    <vr:postcode>1601AM</vr:postcode>
    <vr:woonplaats>Enkhuizen</vr:woonplaats>
  </vr:adres>
  <vr:datumAanvraag>2025-03-18</vr:datumAanvraag>
  <vr:datumBesluit>2025-09-24</vr:datumBesluit>
  <vr:bibob>
    <vr:onderzoek>eigen_onderzoek</vr:onderzoek>
    <vr:datum>2025-07-02</vr:datum>
    <vr:mateVanGevaar>ernstig_gevaar</vr:mateVanGevaar>
    <vr:besluit>vergunning geweigerd op grond van art. 3 Wet Bibob</vr:besluit>
  </vr:bibob>
</vr:vergunning>"""


def envelope(body: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="{SOAP}" '
        f'xmlns:vr="{NS}"><soap:Body>{body}</soap:Body></soap:Envelope>'
    ).encode()


def answer(vergunningen: str = VERGUNNING) -> bytes:
    return envelope(
        f"<vr:ZoekVergunningenResponse><vr:vergunningen>{vergunningen}</vr:vergunningen>"
        "</vr:ZoekVergunningenResponse>"
    )


def fault(faultcode: str, code: str | None = None, text: str = "fout") -> bytes:
    detail = ""
    if code is not None:
        detail = (
            f"<detail><vr:VergunningregisterFout><vr:code>{code}</vr:code>"
            f"<vr:omschrijving>{text}</vr:omschrijving></vr:VergunningregisterFout></detail>"
        )
    return envelope(
        f"<soap:Fault><faultcode>soap:{faultcode}</faultcode><faultstring>{text}</faultstring>"
        f"{detail}</soap:Fault>"
    )


@pytest.fixture
def router() -> respx.MockRouter:
    return respx.MockRouter(assert_all_called=False)


@pytest.fixture
async def conn(router: respx.MockRouter) -> Any:
    connector = BibobConnector(
        Settings(base_url=URL),
        ConnectorContext(
            transport=httpx.MockTransport(router.async_handler),
            env={"OPPLUS_BIBOB_PASSWORD": "secret"},
        ),
    )
    yield connector
    await connector.aclose()


async def enrich(conn: BibobConnector, query_for: Callable[..., Query]) -> Any:
    return await conn.enrich(query_for(BusinessRef("97000035")))


async def test_the_mocked_happy_path_reads_facts(
    router: respx.MockRouter, conn: BibobConnector, query_for: Callable[..., Query]
):
    route = router.post(URL).respond(200, headers=XML, content=answer())
    result = await enrich(conn, query_for)
    assert {f.attribute: f.value for f in result.facts}["hoogsteMateVanGevaar"] == "ernstig_gevaar"
    request = route.calls.last.request
    assert request.headers["traceparent"] == result.query.trace.traceparent
    assert request.headers["authorization"].startswith("Basic ")


# -- transport ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("side_effect", "error", "transient"),
    [
        (httpx.ConnectError("refused"), RegistryUnavailable, True),
        (httpx.RemoteProtocolError("peer closed"), RegistryUnavailable, True),
        (httpx.ConnectTimeout("slow"), RegistryTimeout, True),
        (httpx.ReadTimeout("slow"), RegistryTimeout, True),
    ],
    ids=["connect", "protocol", "connect-timeout", "read-timeout"],
)
async def test_transport_failures(
    router: respx.MockRouter,
    conn: BibobConnector,
    query_for: Callable[..., Query],
    side_effect: Exception,
    error: type[ConnectorError],
    transient: bool,
):
    router.post(URL).mock(side_effect=side_effect)
    with pytest.raises(error) as caught:
        await enrich(conn, query_for)
    assert type(caught.value) is error
    assert caught.value.transient is transient


async def test_undecodable_body_is_a_bad_response(
    router: respx.MockRouter, conn: BibobConnector, query_for: Callable[..., Query]
):
    broken = httpx.Response(
        200,
        headers={**XML, "content-encoding": "gzip"},
        stream=httpx.ByteStream(b"not gzip at all"),
    )
    router.post(URL).mock(return_value=broken)
    with pytest.raises(BadResponse):
        await enrich(conn, query_for)


async def test_gzip_body_is_read(
    router: respx.MockRouter, conn: BibobConnector, query_for: Callable[..., Query]
):
    router.post(URL).respond(
        200, headers={**XML, "content-encoding": "gzip"}, content=gzip.compress(answer())
    )
    result = await enrich(conn, query_for)
    assert {f.attribute: f.value for f in result.facts}["aantalVergunningen"] == 1


# -- SOAP faults -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "body", "error", "transient"),
    [
        (500, fault("Server", "NIET_BESCHIKBAAR"), RegistryUnavailable, True),
        (500, fault("Server", "INTERN"), RegistryUnavailable, False),
        (500, fault("Client", "VALIDATIE"), QueryRejected, False),
        (500, fault("Client", "AUTH"), AuthenticationFailed, False),
        (200, fault("Client", "VALIDATIE"), QueryRejected, False),
        (500, fault("Client"), QueryRejected, False),
        (500, fault("Server"), RegistryUnavailable, False),
        (503, fault("Server"), RegistryUnavailable, True),
        (500, fault("Onbekend"), RegistryUnavailable, False),
        (200, fault("Onbekend"), BadResponse, False),
        (500, envelope("<vr:Iets/>"), RegistryUnavailable, False),
    ],
    ids=[
        "niet-beschikbaar",
        "intern",
        "validatie",
        "auth",
        "validatie-on-200",
        "client-no-code",
        "server-no-code",
        "503-server-no-code",
        "odd-faultcode-500",
        "odd-faultcode-200",
        "500-envelope-without-fault",
    ],
)
async def test_soap_faults_are_mapped(
    router: respx.MockRouter,
    conn: BibobConnector,
    query_for: Callable[..., Query],
    status: int,
    body: bytes,
    error: type[ConnectorError],
    transient: bool,
):
    router.post(URL).respond(status, headers=XML, content=body)
    with pytest.raises(error) as caught:
        await enrich(conn, query_for)
    assert type(caught.value) is error
    assert caught.value.transient is transient


async def test_fault_text_is_kept_as_detail(
    router: respx.MockRouter, conn: BibobConnector, query_for: Callable[..., Query]
):
    router.post(URL).respond(
        500, headers=XML, content=fault("Client", "VALIDATIE", "kvkNummer ongeldig")
    )
    with pytest.raises(QueryRejected) as caught:
        await enrich(conn, query_for)
    assert caught.value.detail == "kvkNummer ongeldig"
    assert "VALIDATIE" in str(caught.value)


# -- HTTP statuses -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "headers", "content", "error", "transient"),
    [
        (401, HTML, b"<html>401</html>", AuthenticationFailed, False),
        (401, {}, b"", AuthenticationFailed, False),
        (403, HTML, b"<html>403</html>", AuthenticationFailed, False),
        (401, XML, fault("Client", "AUTH"), AuthenticationFailed, False),
        (500, HTML, b"<html>oops</html>", RegistryUnavailable, False),
        (500, {}, b"", RegistryUnavailable, False),
        (500, XML, b"", RegistryUnavailable, False),
        (502, HTML, b"<html>bad gateway</html>", RegistryUnavailable, True),
        (503, HTML, b"<html>onderhoud</html>", RegistryUnavailable, True),
        (504, HTML, b"<html>gateway timeout</html>", RegistryUnavailable, True),
        (504, XML, b"<html><body>gateway timeout</body></html>", RegistryUnavailable, True),
        (404, HTML, b"<html>not found</html>", QueryRejected, False),
        (415, {"content-type": "text/plain"}, b"Unsupported Media Type", QueryRejected, False),
        (302, {"location": "https://sso.example/login"}, b"", BadResponse, False),
    ],
    ids=[
        "401-html",
        "401-empty",
        "403",
        "401-auth-fault",
        "500-html",
        "500-empty",
        "500-empty-xml",
        "502",
        "503",
        "504",
        "504-html-labelled-xml",
        "404",
        "415",
        "302-to-login",
    ],
)
async def test_http_statuses_are_mapped(
    router: respx.MockRouter,
    conn: BibobConnector,
    query_for: Callable[..., Query],
    status: int,
    headers: dict[str, str],
    content: bytes,
    error: type[ConnectorError],
    transient: bool,
):
    router.post(URL).respond(status, headers=headers, content=content)
    with pytest.raises(error) as caught:
        await enrich(conn, query_for)
    assert type(caught.value) is error
    assert caught.value.transient is transient


async def test_429_carries_retry_after(
    router: respx.MockRouter, conn: BibobConnector, query_for: Callable[..., Query]
):
    router.post(URL).respond(429, headers={"retry-after": "7", **HTML}, content=b"slow down")
    with pytest.raises(RateLimited) as caught:
        await enrich(conn, query_for)
    assert caught.value.retry_after == 7.0
    assert caught.value.transient


# -- bodies that break the contract -------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "content"),
    [
        (HTML, b"<html><body>Inloggen</body></html>"),
        ({"content-type": "application/json"}, b'{"vergunningen": []}'),
        ({}, answer()),
        (XML, b""),
        (XML, b"<soap:Envelope"),
        (XML, b"\x00\xff\xfe garbage"),
        (XML, b"<vergunningen/>"),
        (XML, b"<html><body>Inloggen</body></html>"),
        (XML, envelope("")),
        (XML, envelope("<vr:PingResponse><vr:status>OK</vr:status></vr:PingResponse>")),
        (XML, envelope("<vr:ZoekVergunningenResponse/>")),
        (
            XML,
            b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            + answer().split(b"?>", 1)[1],
        ),
        (
            XML,
            b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
            + answer(VERGUNNING.replace("Lotus Massage", "&b;")).split(b"?>", 1)[1],
        ),
    ],
    ids=[
        "html-200",
        "json-200",
        "no-content-type",
        "empty",
        "truncated",
        "binary",
        "not-soap",
        "html-labelled-xml",
        "empty-body",
        "other-operation",
        "no-vergunningen",
        "xxe",
        "entity-expansion",
    ],
)
async def test_unreadable_answers_are_bad_responses(
    router: respx.MockRouter,
    conn: BibobConnector,
    query_for: Callable[..., Query],
    headers: dict[str, str],
    content: bytes,
):
    router.post(URL).respond(200, headers=headers, content=content)
    with pytest.raises(BadResponse):
        await enrich(conn, query_for)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("exploitatievergunning_seksinrichting", "sauna"),
        ("<vr:status>geweigerd</vr:status>", "<vr:status>afgewezen</vr:status>"),
        ("<vr:status>geweigerd</vr:status>", ""),
        ("ernstig_gevaar", "groot_gevaar"),
        ("<vr:onderzoek>eigen_onderzoek</vr:onderzoek>", "<vr:onderzoek>ja</vr:onderzoek>"),
        ("2025-03-18", "gisteren"),
        ("2025-07-02", "2025-13-45"),
        ("<vr:kvkNummer>97000035</vr:kvkNummer>", "<vr:kvkNummer>9700</vr:kvkNummer>"),
        ("<vr:naam>Lotus Massage</vr:naam>", "<vr:naam>  </vr:naam>"),
        ("<vr:postcode>1601AM</vr:postcode>", "<vr:postcode>ABCD</vr:postcode>"),
        ("<vr:huisnummer>201</vr:huisnummer>", "<vr:huisnummer>twee</vr:huisnummer>"),
        ("<vr:huisnummer>201</vr:huisnummer>", "<vr:huisnummer>0</vr:huisnummer>"),
        (VERGUNNING[VERGUNNING.index("  <vr:bibob>") :], "</vr:vergunning>"),
        ("<vr:adres>", "<vr:onbekend>x</vr:onbekend><vr:adres>"),
        ("<vr:datumAanvraag>2025-03-18</vr:datumAanvraag>", ""),
    ],
    ids=[
        "type",
        "status",
        "status-missing",
        "mate",
        "onderzoek",
        "date-text",
        "date-invalid",
        "kvk",
        "naam-blank",
        "postcode",
        "huisnummer-text",
        "huisnummer-zero",
        "bibob-missing",
        "unexpected-element",
        "datum-aanvraag-missing",
    ],
)
async def test_wrong_shapes_are_bad_responses(
    router: respx.MockRouter,
    conn: BibobConnector,
    query_for: Callable[..., Query],
    old: str,
    new: str,
):
    assert old in VERGUNNING
    router.post(URL).respond(200, headers=XML, content=answer(VERGUNNING.replace(old, new)))
    with pytest.raises(BadResponse):
        await enrich(conn, query_for)


async def test_nothing_unmapped_escapes_from_zeep(
    router: respx.MockRouter, conn: BibobConnector, query_for: Callable[..., Query]
):
    """Truncations and random byte flips of a valid answer: always a plugins error."""
    valid = answer(VERGUNNING * 2)
    rng = random.Random(28)
    bodies = [valid[:cut] for cut in range(0, len(valid), 37)]
    for _ in range(150):
        mutated = bytearray(valid)
        for _ in range(rng.randint(1, 6)):
            mutated[rng.randrange(len(mutated))] = rng.randrange(256)
        bodies.append(bytes(mutated))
    escaped: list[str] = []
    for status in (200, 500):
        for body in bodies:
            router.post(URL).respond(status, headers=XML, content=body)
            try:
                await enrich(conn, query_for)
            except ConnectorError:
                continue
            except Exception as exc:
                escaped.append(f"{status}: {type(exc).__module__}.{type(exc).__name__}")
    assert escaped == []


async def test_schema_errors_name_the_place_not_the_value(
    router: respx.MockRouter,
    conn: BibobConnector,
    query_for: Callable[..., Query],
    caplog: pytest.LogCaptureFixture,
):
    """Bibob values stay out of error texts and logs (art. 28 Wet Bibob)."""
    broken = VERGUNNING.replace("ernstig_gevaar", "zeer_ernstig").replace(
        "2025-07-02", "2025-13-45"
    )
    router.post(URL).respond(200, headers=XML, content=answer(broken))
    with caplog.at_level("DEBUG"):
        with pytest.raises(BadResponse) as caught:
            await enrich(conn, query_for)
    text = f"{caught.value} {caught.value.detail}"
    assert "vergunning" in (caught.value.detail or "")
    assert "zeer_ernstig" not in text and "2025-13-45" not in text
    assert "zeer_ernstig" not in caplog.text and "2025-13-45" not in caplog.text
