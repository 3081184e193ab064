"""A test double of a municipal permit register speaking the Vergunningenregister SOAP contract.

A real SOAP 1.1 endpoint (document/literal) as a FastAPI app, mounted at
``/vergunningregister``:

- ``GET ?wsdl`` serves the shipped WSDL with the service address rewritten to the
  request's URL and the schema import pointing at ``?xsd=vergunningregister.xsd``
  (``GET /vergunningregister.xsd`` works as well). The WSDL is public, as on most
  SOAP stacks; operations are not.
- ``POST`` takes a SOAP 1.1 envelope (``text/xml``, ``SOAPAction`` header). HTTP Basic
  is checked first, by the HTTP layer as a servlet container or IIS does: wrong or
  missing credentials get ``401`` with ``WWW-Authenticate`` and no SOAP processing.
  The envelope is parsed without DTDs, entities or network access, the body element
  is validated against the XSD, and every error is a SOAP Fault (HTTP 500, as SOAP 1.1
  prescribes) with a ``vr:VergunningregisterFout`` detail carrying the code.

Failure injection for tests and benchmarks: ``latency_s`` (per request) and
``fail_mode``: ``"fault"`` (NIET_BESCHIKBAAR fault), ``"500"`` (HTTP 500 with an INTERN
fault), ``"503"`` (a gateway's HTML maintenance page with ``Retry-After``), ``"html"``
(a 200 HTML page), ``"malformed"`` (a 200 ``text/xml`` body cut off mid-element).
"""

from __future__ import annotations

import base64
import binascii
import copy
import secrets
import uuid
from collections.abc import Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal

from fastapi import FastAPI, Request, Response
from lxml import etree  # type: ignore[import-untyped]

from plugins.fakes import remember, use_fake_middleware

from . import data

__all__ = ["FAIL_MODES", "FAKE_PASSWORD", "FAKE_USERNAME", "MOUNT", "NS", "create_app"]

MOUNT = "/vergunningregister"
NS = "urn:opplus:vergunningregister:1"
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
WSDL_NS = "http://schemas.xmlsoap.org/wsdl/"
WSDL_SOAP_NS = "http://schemas.xmlsoap.org/wsdl/soap/"
XSD_NS = "http://www.w3.org/2001/XMLSchema"
FAKE_USERNAME = "opplus"
FAKE_PASSWORD = "fake-bibob-password"  # noqa: S105 - the fake's public test credential
VERSION = "1.0.0"

FailMode = Literal["fault", "500", "503", "html", "malformed"]
FAIL_MODES: frozenset[str] = frozenset({"fault", "500", "503", "html", "malformed"})

_WSDL_DIR = Path(__file__).parent.parent / "wsdl"  # the contract the client ships
_WSDL_FILE = _WSDL_DIR / "vergunningregister.wsdl"
_XSD_NAME = "vergunningregister.xsd"
_XSD_FILE = _WSDL_DIR / _XSD_NAME
_XML = "text/xml; charset=utf-8"
_ORIGINAL_PATH = "opplus.original_path"

_ACTIONS = {
    f"{{{NS}}}ZoekVergunningenRequest": f"{NS}/ZoekVergunningen",
    f"{{{NS}}}PingRequest": f"{NS}/Ping",
}


class _Fault(Exception):
    """A SOAP Fault to answer with."""

    def __init__(self, faultcode: str, code: str, text: str) -> None:
        super().__init__(text)
        self.faultcode = faultcode
        self.code = code
        self.text = text


def _client_fault(text: str) -> _Fault:
    return _Fault("Client", "VALIDATIE", text)


class _MountRoot:
    """Route a request for the mount path itself (``/vergunningregister``) to ``/``.

    SOAP endpoint URLs have no trailing slash; Starlette routes would answer the bare
    mount path with a redirect, which a SOAP client does not follow.
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            root_path = scope.get("root_path", "")
            if root_path and scope["path"] == root_path:
                scope = dict(scope)
                scope[_ORIGINAL_PATH] = scope["path"]
                scope["path"] = root_path + "/"
                scope["raw_path"] = scope["path"].encode()
        await self.app(scope, receive, send)


def create_app(
    *,
    latency_s: float = 0.0,
    fail_mode: FailMode | None = None,
    today: date | None = None,
    username: str = FAKE_USERNAME,
    password: str = FAKE_PASSWORD,
) -> FastAPI:
    """A fresh fake permit register."""
    if fail_mode is not None and fail_mode not in FAIL_MODES:
        raise ValueError(f"unknown fail_mode {fail_mode!r}; one of {sorted(FAIL_MODES)}")
    records = data.vergunningen(today or date.today())
    schema = etree.XMLSchema(etree.parse(str(_XSD_FILE), _safe_parser()))
    app = FastAPI(title="Vergunningenregister (fake)", docs_url=None, redoc_url=None)
    app.add_middleware(_MountRoot)
    # injected failures are SOAP's own (fail_mode, after authentication): see soap()
    use_fake_middleware(app, _fault_body, latency_s=latency_s)
    app.state.received_requests = []
    app.state.received_doelbindingen = []

    def record(request: Request) -> None:
        query = f"?{request.url.query}" if request.url.query else ""
        path = request.scope.get(_ORIGINAL_PATH) or request.url.path
        remember(app.state.received_requests, f"{request.method} {path}{query}")

    @app.get("/")
    async def describe(request: Request) -> Response:
        record(request)
        params = request.query_params
        if "wsdl" in params:
            return Response(_wsdl_for(_endpoint_url(request)), media_type=_XML)
        if params.get("xsd") == _XSD_NAME:
            return Response(_XSD_FILE.read_bytes(), media_type=_XML)
        # What SOAP stacks answer a browser: a short page, no operation.
        return Response(
            "<html><body><h1>Vergunningenregister</h1><p>SOAP service; WSDL: ?wsdl</p>"
            "</body></html>",
            media_type="text/html",
        )

    @app.get(f"/{_XSD_NAME}")
    async def xsd(request: Request) -> Response:
        record(request)
        return Response(_XSD_FILE.read_bytes(), media_type=_XML)

    @app.post("/")
    async def soap(request: Request) -> Response:
        record(request)
        if not _authorised(request, username, password):
            return Response(
                "<html><body><h1>401 Unauthorized</h1></body></html>",
                status_code=401,
                media_type="text/html",
                headers={"WWW-Authenticate": 'Basic realm="Vergunningenregister"'},
            )
        media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media_type != "text/xml":
            return Response(
                "Unsupported Media Type: SOAP 1.1 expects text/xml",
                status_code=415,
                media_type="text/plain",
            )
        if fail_mode is not None:
            return _failure(fail_mode)
        body = await request.body()
        try:
            answer = _dispatch(body, request.headers.get("soapaction"), schema, records, app)
        except _Fault as fault:
            return _fault_response(fault)
        return _xml_response(answer, 200)

    return app


def _fault_body(request: Request, status: int, *, headers: Mapping[str, str]) -> Response:
    """The register's answer to an injected failure: a SOAP Server fault."""
    response = _fault_response(_Fault("Server", "NIET_BESCHIKBAAR", "niet beschikbaar"))
    response.status_code = status
    response.headers.update(headers)
    return response


def _endpoint_url(request: Request) -> str:
    path = request.scope.get(_ORIGINAL_PATH) or request.url.path
    return str(request.url.replace(path=path, query=""))


def _authorised(request: Request, username: str, password: str) -> bool:
    header = request.headers.get("authorization", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded:
        return False
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return False
    user, sep, given = decoded.partition(":")
    if not sep:
        return False
    user_ok = secrets.compare_digest(user.encode(), username.encode())
    password_ok = secrets.compare_digest(given.encode(), password.encode())
    return user_ok and password_ok


def _safe_parser() -> Any:
    """An lxml parser that resolves no entities, loads no DTD and never goes online."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def _wsdl_for(address: str) -> bytes:
    tree = etree.parse(str(_WSDL_FILE), _safe_parser())
    for node in tree.iterfind(f".//{{{WSDL_SOAP_NS}}}address"):
        node.set("location", address)
    for node in tree.iterfind(f".//{{{XSD_NS}}}import"):
        node.set("schemaLocation", f"{address}?xsd={_XSD_NAME}")
    result: bytes = etree.tostring(tree, xml_declaration=True, encoding="UTF-8")
    return result


# -- the SOAP layer -----------------------------------------------------------------


def _dispatch(
    body: bytes,
    soap_action: str | None,
    schema: Any,
    records: list[data.Vergunning],
    app: FastAPI,
) -> Any:
    request = _request_element(body)
    expected = _ACTIONS.get(request.tag)
    if expected is None:
        raise _client_fault(f"onbekende operatie: {etree.QName(request).localname}")
    if soap_action is None:
        raise _client_fault("SOAPAction-header ontbreekt")
    action = soap_action.strip().strip('"')
    if action and action != expected:
        raise _client_fault(f"SOAPAction {action!r} past niet bij het bericht")
    standalone = etree.ElementTree(copy.deepcopy(request))
    if not schema.validate(standalone):
        error = schema.error_log.last_error
        raise _client_fault(f"bericht voldoet niet aan het schema: {error.message}")
    if request.tag == f"{{{NS}}}PingRequest":
        return _ping_response()
    return _zoek_response(request, records, app)


def _request_element(body: bytes) -> Any:
    if not body:
        raise _client_fault("leeg bericht")
    try:
        root = etree.fromstring(body, _safe_parser())
    except etree.XMLSyntaxError as exc:
        raise _client_fault(f"geen geldige XML: {exc.msg}") from exc
    if root.getroottree().docinfo.doctype:
        raise _client_fault("DOCTYPE is niet toegestaan")
    qname = etree.QName(root)
    if qname.localname != "Envelope":
        raise _client_fault("geen SOAP Envelope")
    if qname.namespace != SOAP_ENV:
        raise _Fault("VersionMismatch", "VALIDATIE", "alleen SOAP 1.1 wordt ondersteund")
    header = root.find(f"{{{SOAP_ENV}}}Header")
    if header is not None:
        for entry in header:
            if isinstance(entry.tag, str) and entry.get(f"{{{SOAP_ENV}}}mustUnderstand") == "1":
                raise _Fault(
                    "MustUnderstand", "VALIDATIE", f"header {entry.tag} wordt niet begrepen"
                )
    body_node = root.find(f"{{{SOAP_ENV}}}Body")
    if body_node is None:
        raise _client_fault("SOAP Body ontbreekt")
    children = [child for child in body_node if isinstance(child.tag, str)]
    if len(children) != 1:
        raise _client_fault("de SOAP Body bevat precies één bericht")
    return children[0]


def _text(node: Any, name: str) -> str | None:
    child = node.find(f"{{{NS}}}{name}")
    return None if child is None or child.text is None else str(child.text).strip()


def _zoek_response(request: Any, records: list[data.Vergunning], app: FastAPI) -> Any:
    doelbinding = request.find(f"{{{NS}}}doelbinding")
    remember(
        app.state.received_doelbindingen,
        {
            "verwerkingsactiviteitId": _text(doelbinding, "verwerkingsactiviteitId"),
            "gebruiker": _text(doelbinding, "gebruiker"),
        },
    )
    kvk_nummer = _text(request, "kvkNummer")
    if kvk_nummer is not None:
        found = data.find_by_kvk(records, kvk_nummer)
    else:
        adres = request.find(f"{{{NS}}}adres")
        found = data.find_by_adres(
            records,
            postcode=_text(adres, "postcode") or "",
            huisnummer=int(_text(adres, "huisnummer") or 0),
            huisletter=_text(adres, "huisletter"),
            huisnummertoevoeging=_text(adres, "huisnummertoevoeging"),
        )
    response = etree.Element(f"{{{NS}}}ZoekVergunningenResponse", nsmap={"vr": NS})
    lijst = _sub(response, "vergunningen")
    for vergunning in found:
        _vergunning(lijst, vergunning)
    return response


def _sub(parent: Any, name: str, text: object | None = None) -> Any:
    node = etree.SubElement(parent, f"{{{NS}}}{name}")
    if text is not None:
        node.text = text.isoformat() if isinstance(text, date) else str(text)
    return node


def _optional(parent: Any, name: str, value: object | None) -> None:
    if value is not None:
        _sub(parent, name, value)


def _vergunning(parent: Any, v: data.Vergunning) -> None:
    node = _sub(parent, "vergunning")
    _sub(node, "vergunningnummer", v.vergunningnummer)
    _sub(node, "type", v.type)
    _sub(node, "status", v.status)
    _sub(node, "kvkNummer", v.kvkNummer)
    _sub(node, "naam", v.naam)
    adres = _sub(node, "adres")
    _sub(adres, "straatnaam", v.adres.straatnaam)
    _sub(adres, "huisnummer", v.adres.huisnummer)
    _optional(adres, "huisletter", v.adres.huisletter)
    _optional(adres, "huisnummertoevoeging", v.adres.huisnummertoevoeging)
    _sub(adres, "postcode", v.adres.postcode)
    _sub(adres, "woonplaats", v.adres.woonplaats)
    _sub(node, "datumAanvraag", v.datumAanvraag)
    _optional(node, "datumBesluit", v.datumBesluit)
    bibob = _sub(node, "bibob")
    _sub(bibob, "onderzoek", v.bibob.onderzoek)
    _optional(bibob, "datum", v.bibob.datum)
    _optional(bibob, "mateVanGevaar", v.bibob.mateVanGevaar)
    _optional(bibob, "besluit", v.bibob.besluit)


def _ping_response() -> Any:
    response = etree.Element(f"{{{NS}}}PingResponse", nsmap={"vr": NS})
    _sub(response, "status", "OK")
    _sub(response, "versie", VERSION)
    _sub(response, "tijdstip", datetime.now(UTC).replace(microsecond=0).isoformat())
    return response


def _envelope(payload: Any) -> bytes:
    envelope = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"soap": SOAP_ENV})
    body = etree.SubElement(envelope, f"{{{SOAP_ENV}}}Body")
    body.append(payload)
    result: bytes = etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")
    return result


def _xml_response(payload: Any, status_code: int) -> Response:
    return Response(
        _envelope(payload),
        status_code=status_code,
        media_type=_XML,
        headers={"X-Request-ID": str(uuid.uuid4())},
    )


def _fault_response(fault: _Fault) -> Response:
    node = etree.Element(f"{{{SOAP_ENV}}}Fault", nsmap={"soap": SOAP_ENV})
    # SOAP 1.1: faultcode, faultstring and detail are unqualified children.
    etree.SubElement(node, "faultcode").text = f"soap:{fault.faultcode}"
    etree.SubElement(node, "faultstring").text = fault.text
    detail = etree.SubElement(node, "detail")
    fout = etree.SubElement(detail, f"{{{NS}}}VergunningregisterFout", nsmap={"vr": NS})
    etree.SubElement(fout, f"{{{NS}}}code").text = fault.code
    etree.SubElement(fout, f"{{{NS}}}omschrijving").text = fault.text
    return _xml_response(node, 500)


def _failure(fail_mode: str) -> Response:
    if fail_mode == "fault":
        return _fault_response(
            _Fault("Server", "NIET_BESCHIKBAAR", "het vergunningensysteem is niet bereikbaar")
        )
    if fail_mode == "500":
        return _fault_response(_Fault("Server", "INTERN", "interne fout in de service"))
    if fail_mode == "503":
        return Response(
            "<html><body><h1>503 Service Unavailable</h1><p>Onderhoud</p></body></html>",
            status_code=503,
            media_type="text/html",
            headers={"Retry-After": "30"},
        )
    if fail_mode == "html":
        return Response(
            "<html><head><title>Inloggen</title></head><body><form>...</form></body></html>",
            media_type="text/html",
        )
    # "malformed": a 200 SOAP answer cut off mid-element
    whole = _envelope(etree.Element(f"{{{NS}}}PingResponse", nsmap={"vr": NS}))
    return Response(whole[: len(whole) // 2], media_type=_XML)
