"""The Bibob connector against the fake permit register, in-process over real SOAP."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import zeep.client

from connectors.bibob import client as bibob_client
from connectors.bibob._soap import _NoNetwork
from connectors.bibob.client import BibobConnector, Settings
from connectors.bibob.fake import MOUNT, create_app
from plugins import (
    AddressRef,
    BusinessRef,
    Classification,
    Connector,
    PersonRef,
    Query,
    TraceContext,
)

BASE_URL = f"http://fake{MOUNT}"


def facts_of(result: Any) -> dict[str, Any]:
    return {fact.attribute: fact.value for fact in result.facts}


def test_declares_the_contract(connector: BibobConnector):
    assert isinstance(connector, Connector)
    info = connector.info
    assert (info.name, info.registry) == ("bibob", "Vergunningenregister (Bibob, SOAP)")
    assert info.subject_kinds == frozenset({"business", "address"})
    assert set(info.fields) == {
        "naam",
        "vergunningen",
        "hoogsteMateVanGevaar",
        "aantalVergunningen",
    }
    assert {spec.classification for spec in info.fields.values()} == {Classification.BIBOB}


def test_accepts_businesses_and_addresses_only(connector: BibobConnector):
    assert connector.accepts(BusinessRef("97000035"))
    assert connector.accepts(AddressRef("1621JH", 88))
    assert not connector.accepts(PersonRef("999993653"))


async def test_refused_sex_establishment_permit(
    app: Any, connector: BibobConnector, query_for: Callable[..., Query]
):
    query = query_for(BusinessRef("97000035"))
    result = await connector.enrich(query)
    facts = facts_of(result)
    # conflict-ready: KvK knows 97000035 as "Lotus Massage & Wellness"
    assert facts["naam"] == "Lotus Massage"
    assert facts["aantalVergunningen"] == 1
    assert facts["hoogsteMateVanGevaar"] == "ernstig_gevaar"
    assert facts["vergunningen"] == [
        {
            "vergunningnummer": "VG-2025-0190",
            "type": "exploitatievergunning_seksinrichting",
            "status": "geweigerd",
            "kvkNummer": "97000035",
            "adres": "Westerstraat 201, 1601 AM Enkhuizen",
            "datumAanvraag": "2025-03-18",
            "datumBesluit": "2025-09-24",
            "bibob": {
                "onderzoek": "eigen_onderzoek",
                "datum": "2025-07-02",
                "mateVanGevaar": "ernstig_gevaar",
                "besluit": "vergunning geweigerd op grond van art. 3 Wet Bibob",
            },
        }
    ]
    assert all(fact.subject == "business:97000035" for fact in result.facts)
    assert result.discovered == [AddressRef("1601AM", 201)]
    assert app.state.received_doelbindingen == [
        {"verwerkingsactiviteitId": "VA-MH-01", "gebruiker": "o-1"}
    ]


async def test_every_fact_is_classified_bibob(
    connector: BibobConnector, query_for: Callable[..., Query]
):
    subjects = [BusinessRef("97000035"), BusinessRef("97000011"), AddressRef("1671BD", 14)]
    results = [await connector.enrich(query_for(s)) for s in subjects]
    facts = [fact for result in results for fact in result.facts]
    assert len(facts) == 4 + 4 + 3
    assert {fact.classification for fact in facts} == {Classification.BIBOB}


async def test_address_query_discovers_the_permit_holder(
    connector: BibobConnector, query_for: Callable[..., Query]
):
    result = await connector.enrich(query_for(AddressRef("1621 jh", 88)))
    facts = facts_of(result)
    assert "naam" not in facts  # an address has no business name
    assert facts["aantalVergunningen"] == 1
    assert facts["hoogsteMateVanGevaar"] == "mindere_mate"
    (permit,) = facts["vergunningen"]
    assert permit["vergunningnummer"] == "VG-2026-0311"
    assert permit["type"] == "huisvesting_arbeidsmigranten"
    assert permit["status"] == "aangevraagd"
    assert permit["datumBesluit"] is None
    assert permit["adres"] == "Kleine Noord 88, 1621 JH Hoorn"
    assert permit["bibob"]["onderzoek"] == "lbb_advies"
    assert all(fact.subject == "address:1621JH-88" for fact in result.facts)
    assert result.discovered == [BusinessRef("97000011")]


async def test_horeca_permit_without_danger(
    connector: BibobConnector, query_for: Callable[..., Query]
):
    facts = facts_of(await connector.enrich(query_for(BusinessRef("97000059"))))
    assert facts["naam"] == "Eetcafé De Zuiderzeeklok"
    assert facts["hoogsteMateVanGevaar"] == "geen_gevaar"
    assert facts["vergunningen"][0]["status"] == "verleend"


@pytest.mark.parametrize(
    "subject",
    [BusinessRef("97000023"), AddressRef("1687AB", 5), AddressRef("1621JH", 88, huisletter="B")],
    ids=["business-without-permits", "story-3-address", "other-huisletter"],
)
async def test_no_permits_is_a_checked_none(
    connector: BibobConnector, query_for: Callable[..., Query], subject: Any
):
    result = await connector.enrich(query_for(subject))
    assert facts_of(result) == {
        "vergunningen": [],
        "aantalVergunningen": 0,
        "hoogsteMateVanGevaar": None,
    }
    assert result.discovered == []
    assert len(result.evidence) == 1


async def test_only_requested_fields_are_returned(
    connector: BibobConnector, query_for: Callable[..., Query]
):
    result = await connector.enrich(
        query_for(BusinessRef("97000035"), fields={"hoogsteMateVanGevaar", "brp.naam"})
    )
    assert facts_of(result) == {"hoogsteMateVanGevaar": "ernstig_gevaar"}


async def test_no_call_when_no_field_applies(
    app: Any, connector: BibobConnector, query_for: Callable[..., Query]
):
    result = await connector.enrich(query_for(BusinessRef("97000035"), fields={"kvk.naam"}))
    person = await connector.enrich(query_for(PersonRef("999993653")))
    address = await connector.enrich(query_for(AddressRef("1621JH", 88), fields={"naam"}))
    assert result.facts == [] and person.facts == [] and address.facts == []
    assert app.state.received_requests == []


async def test_provenance_points_at_the_raw_soap_answer(
    connector: BibobConnector, query_for: Callable[..., Query]
):
    trace = TraceContext.new_trace()
    result = await connector.enrich(query_for(BusinessRef("97000011"), trace=trace))
    (evidence,) = result.evidence
    assert evidence.operation == "ZoekVergunningen"
    assert evidence.status_code == 200
    assert evidence.media_type == "text/xml"
    assert evidence.url == BASE_URL
    assert b"<vr:vergunningnummer>VG-2026-0311</vr:vergunningnummer>" in evidence.body
    assert evidence.body.startswith(b"<?xml")
    for fact in result.facts:
        p = fact.provenance
        assert (p.connector, p.registry, p.operation) == (
            "bibob",
            "Vergunningenregister (Bibob, SOAP)",
            "ZoekVergunningen",
        )
        assert p.request_id == evidence.request_id != ""
        assert p.response_sha256 == hashlib.sha256(evidence.body).hexdigest()
        assert (p.trace_id, p.span_id) == (trace.trace_id, trace.span_id)


async def test_traceparent_reaches_the_fake(
    app: Any, connector: BibobConnector, query_for: Callable[..., Query]
):
    trace = TraceContext.new_trace()
    await connector.enrich(query_for(BusinessRef("97000035"), trace=trace))
    assert app.state.received_traceparents == [trace.traceparent]


async def test_concurrent_calls_keep_their_own_trace_and_evidence(
    app: Any, connector: BibobConnector, query_for: Callable[..., Query]
):
    """The per-call context lives in a ContextVar: parallel calls never mix."""
    slow = create_app(latency_s=0.01)
    conn = bibob_client.BibobConnector(
        Settings(base_url=BASE_URL),
        _context(httpx.ASGITransport(app=slow, root_path=MOUNT)),
    )
    subjects = [BusinessRef("97000035"), BusinessRef("97000011"), BusinessRef("97000059")] * 5
    queries = [query_for(s) for s in subjects]
    results = await asyncio.gather(*(conn.enrich(q) for q in queries))
    await conn.aclose()
    assert sorted(slow.state.received_traceparents) == sorted(q.trace.traceparent for q in queries)
    for query, result in zip(queries, results, strict=True):
        (evidence,) = result.evidence
        assert f"<vr:kvkNummer>{query.subject.kvkNummer}</vr:kvkNummer>".encode() in evidence.body


async def test_wsdl_is_parsed_once_and_never_fetched(
    monkeypatch: pytest.MonkeyPatch, query_for: Callable[..., Query]
):
    parsed: list[str] = []
    original = zeep.client.Document

    class Counting(original):  # type: ignore[misc, valid-type]
        def __init__(self, location: str, *args: Any, **kwargs: Any) -> None:
            parsed.append(location)
            super().__init__(location, *args, **kwargs)

    fetched: list[str] = []
    refuse = _NoNetwork.handle_request

    def spy(self: Any, request: httpx.Request) -> httpx.Response:
        fetched.append(str(request.url))
        return refuse(self, request)

    monkeypatch.setattr(zeep.client, "Document", Counting)
    monkeypatch.setattr(_NoNetwork, "handle_request", spy)
    app = create_app()
    conn = bibob_client.BibobConnector(
        Settings(base_url=BASE_URL), _context(httpx.ASGITransport(app=app, root_path=MOUNT))
    )
    for _ in range(10):
        await conn.enrich(query_for(BusinessRef("97000035")))
    assert (await conn.check()).ok
    await conn.aclose()
    assert len(parsed) == 1 and parsed[0].endswith("vergunningregister.wsdl")
    assert fetched == []
    assert app.state.received_requests == [f"POST {MOUNT}"] * 11


async def test_basic_auth_and_user_agent_are_sent(query_for: Callable[..., Query]):
    seen: list[httpx.Request] = []
    app = create_app()
    inner = httpx.ASGITransport(app=app, root_path=MOUNT)

    class Spy(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            seen.append(request)
            return await inner.handle_async_request(request)

    conn = bibob_client.BibobConnector(Settings(base_url=BASE_URL), _context(Spy()))
    await conn.enrich(query_for(BusinessRef("97000035")))
    await conn.aclose()
    (request,) = seen
    assert (
        request.headers["authorization"]
        == httpx.BasicAuth("opplus", "fake-bibob-password")._auth_header
    )
    assert request.headers["user-agent"] == "opplus"
    assert request.headers["content-type"] == "text/xml; charset=utf-8"
    assert request.headers["soapaction"] == '"urn:opplus:vergunningregister:1/ZoekVergunningen"'
    assert str(request.url) == BASE_URL


# -- check() -----------------------------------------------------------------------


async def test_check_ok_with_good_credentials(connector: BibobConnector):
    health = await connector.check()
    assert health.ok
    assert health.detail == "Ping OK, service version 1.0.0"
    assert health.latency_ms is not None and health.latency_ms >= 0


async def test_check_not_ok_with_a_wrong_password(app: Any, connector_factory: Any, mounted: Any):
    conn = connector_factory(mounted(app), env={"OPPLUS_BIBOB_PASSWORD": "wrong"})
    health = await conn.check()
    assert not health.ok
    assert "HTTP 401" in health.detail


async def test_check_not_ok_without_a_password(app: Any, connector_factory: Any, mounted: Any):
    conn = connector_factory(mounted(app), env={})
    health = await conn.check()
    assert not health.ok
    assert "HTTP 401" in health.detail
    assert "no password in OPPLUS_BIBOB_PASSWORD" in health.detail


@pytest.mark.parametrize("mode", ["fault", "503", "html", "malformed"])
async def test_check_not_ok_when_the_register_fails(
    connector_factory: Any, mounted: Any, mode: str
):
    conn = connector_factory(mounted(create_app(fail_mode=mode)))
    health = await conn.check()
    assert not health.ok
    assert health.detail


async def test_check_not_ok_when_unreachable(connector_factory: Any):
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    conn = connector_factory(httpx.MockTransport(refuse))
    health = await conn.check()
    assert not health.ok
    assert "cannot reach" in health.detail


# -- settings ----------------------------------------------------------------------


def test_settings_defaults():
    settings = Settings(base_url=BASE_URL)
    assert settings.username == "opplus"
    assert settings.password_env == "OPPLUS_BIBOB_PASSWORD"
    # TLS (ca_file, PKIoverheid client_cert_file / client_key_file) is the SDK's, as for
    # every connector: tests/plugins/test_tls.py
    assert settings.client_cert_file is None and settings.client_key_file is None


def _context(transport: Any) -> Any:
    from plugins import ConnectorContext

    return ConnectorContext(
        transport=transport, env={"OPPLUS_BIBOB_PASSWORD": "fake-bibob-password"}
    )


def _self_signed(tmp_path: Any) -> tuple[Any, Any]:
    from datetime import UTC, datetime, timedelta

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "opplus test")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path
