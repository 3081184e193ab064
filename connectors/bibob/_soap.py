"""The SOAP wire of the Bibob connector: zeep on an httpx async transport, errors mapped.

The shipped WSDL is parsed once, from the package files, when a :class:`SoapService`
is built; the endpoint address comes from the settings, so the same client talks to a
municipality's service or to the fake by URL. No WSDL or XSD is ever fetched over
the network (the WSDL loader's HTTP client refuses every request).

Per call, a :class:`contextvars.ContextVar` carries the trace context to the transport,
which sends the POST with :func:`plugins.send` (adds ``traceparent``, maps transport
failures) and keeps the ``httpx.Response`` so the raw SOAP answer can become
evidence. Every failure zeep or lxml can raise leaves :meth:`SoapService.call` as
one of the :mod:`plugins` errors:

- SOAP Fault with detail code AUTH -> AuthenticationFailed, VALIDATIE -> QueryRejected,
  NIET_BESCHIKBAAR -> RegistryUnavailable (transient), INTERN -> RegistryUnavailable;
  a fault without a code by ``faultcode`` (Client -> QueryRejected, Server ->
  RegistryUnavailable);
- HTTP 401/403 -> AuthenticationFailed, 429 -> RateLimited, 5xx -> RegistryUnavailable
  (502/503/504 transient), connect errors -> RegistryUnavailable, timeouts ->
  RegistryTimeout;
- a non-XML body, broken XML, DTDs or entities, a 2xx payload that breaks the
  shipped XSD, or an answer zeep cannot read -> BadResponse.
"""

from __future__ import annotations

import copy
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import zeep
from lxml import etree  # type: ignore[import-untyped]
from zeep import exceptions as zeep_errors
from zeep.proxy import AsyncServiceProxy
from zeep.transports import AsyncTransport

from plugins import (
    AuthenticationFailed,
    BadResponse,
    ConnectorError,
    QueryRejected,
    RegistryUnavailable,
    TraceContext,
    raise_for_status,
    send,
)

__all__ = ["BINDING", "NS", "WSDL_PATH", "SoapService"]

NS = "urn:opplus:vergunningregister:1"
BINDING = f"{{{NS}}}VergunningregisterSoapBinding"
WSDL_PATH = Path(__file__).parent / "wsdl" / "vergunningregister.wsdl"
XSD_PATH = WSDL_PATH.with_suffix(".xsd")
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
_XML_MEDIA_TYPES = frozenset({"text/xml", "application/xml", "application/soap+xml"})


@dataclass(slots=True)
class _Call:
    """One operation call: the trace context going out, the HTTP response coming back."""

    trace: TraceContext | None
    response: httpx.Response | None = None


_CURRENT: ContextVar[_Call | None] = ContextVar("opplus_bibob_call", default=None)


class _NoNetwork(httpx.BaseTransport):
    """The WSDL loader's transport: the contract comes from package files, never the wire."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("WSDL and XSD are loaded from the package only", request=request)


class _Transport(AsyncTransport):
    """zeep's async transport, posting through :func:`plugins.send` and keeping the response.

    A 2xx answer must fit the shipped XSD before zeep reads it: zeep turns a value it
    cannot convert (a date like ``2025-13-45``) into ``None`` and logs the value, which
    would hide a broken answer and put Bibob data in a log.
    """

    def __init__(
        self, *, client: httpx.AsyncClient, wsdl_client: httpx.Client, schema: Any
    ) -> None:
        super().__init__(client=client, wsdl_client=wsdl_client)  # type: ignore[no-untyped-call]
        self.schema = schema

    async def post(self, address: str, message: bytes, headers: dict[str, str]) -> httpx.Response:
        call = _CURRENT.get()
        response = await send(
            self.client,
            "POST",
            address,
            trace=call.trace if call is not None else None,
            content=message,
            headers=headers,
        )
        if call is not None:
            call.response = response
        _screen(response)
        if 200 <= response.status_code < 300:
            _check_contract(response, self.schema)
        return response


def _screen(response: httpx.Response) -> None:
    """Stop answers zeep should not try to read as SOAP."""
    if response.status_code in (401, 403, 429):
        raise_for_status(response, detail=_fault_text)
    media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in _XML_MEDIA_TYPES:
        raise_for_status(response, detail=_fault_text)
        raise BadResponse(
            f"expected a SOAP envelope from {_where(response)}, "
            f"got {media_type or 'no content type'}"
        )


def _check_contract(response: httpx.Response, schema: Any) -> None:
    """BadResponse unless the body is an envelope whose payload is a fault or fits the XSD.

    The message names where the answer breaks the schema, never the value found there.
    """
    root = parse_safely(response.content)
    if root is None:
        raise BadResponse(f"malformed XML, or XML with a DOCTYPE, from {_where(response)}")
    body = root.find(f"{{{SOAP_ENV}}}Body")
    payload = [] if body is None else [child for child in body if isinstance(child.tag, str)]
    if root.tag != f"{{{SOAP_ENV}}}Envelope" or len(payload) != 1:
        raise BadResponse(f"no SOAP 1.1 envelope with one message from {_where(response)}")
    (message,) = payload
    if message.tag == f"{{{SOAP_ENV}}}Fault":
        return
    if not schema.validate(etree.ElementTree(copy.deepcopy(message))):
        error = schema.error_log.last_error
        raise BadResponse(
            f"answer from {_where(response)} breaks the Vergunningenregister schema",
            detail=f"{error.path}: {error.type_name}",
        )


class SoapService:
    """The Vergunningenregister service at ``address``, through ``http``."""

    def __init__(self, http: httpx.AsyncClient, address: str) -> None:
        headers = dict(http.headers)
        self._wsdl_http = httpx.Client(transport=_NoNetwork())
        self._transport = _Transport(
            client=http,
            wsdl_client=self._wsdl_http,
            schema=etree.XMLSchema(etree.parse(str(XSD_PATH), _safe_parser())),
        )
        # AsyncTransport replaces the client's headers with zeep's User-Agent only.
        http.headers = httpx.Headers(headers)
        settings = zeep.Settings(
            strict=True, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
        client = zeep.AsyncClient(  # type: ignore[no-untyped-call]
            str(WSDL_PATH), transport=self._transport, settings=settings
        )
        # AsyncClient.create_service returns a synchronous proxy in zeep 4.3; build the
        # async one over the same binding.
        binding = client.wsdl.bindings[BINDING]
        self._service = AsyncServiceProxy(  # type: ignore[no-untyped-call]
            client, binding, address=address
        )
        self.address = address

    async def call(
        self, operation: str, trace: TraceContext | None, **kwargs: Any
    ) -> tuple[Any, httpx.Response]:
        """Call ``operation``; its zeep-parsed answer and the HTTP response it came in."""
        call = _Call(trace)
        token = _CURRENT.set(call)
        try:
            answer = await self._service[operation](**kwargs)
        except ConnectorError:
            raise
        except zeep_errors.Fault as exc:
            raise _from_fault(exc, call.response, self.address) from exc
        except zeep_errors.TransportError as exc:
            raise _from_unreadable(call.response, self.address) from exc
        except httpx.DecodingError as exc:  # a body that does not decode as labelled
            raise BadResponse(f"undecodable answer from {self.address}") from exc
        except httpx.HTTPError as exc:  # what send() does not map (e.g. too many redirects)
            raise RegistryUnavailable(f"{type(exc).__name__} talking to {self.address}") from exc
        except Exception as exc:
            # zeep and lxml raise a zoo of types (XMLParseError, DTDForbidden,
            # ValidationError, ValueError from date parsing...); none may escape.
            if call.response is None:
                raise QueryRejected(
                    f"{operation}: the request does not fit the WSDL contract; nothing sent",
                    detail=str(exc),
                ) from exc
            raise BadResponse(
                f"{operation}: unreadable SOAP answer from {self.address}: {type(exc).__name__}",
                detail=str(exc)[:300],
            ) from exc
        finally:
            _CURRENT.reset(token)
        if call.response is None:  # zeep answered without a POST: cannot happen
            raise BadResponse(f"{operation}: no HTTP response from {self.address}")
        return answer, call.response

    async def aclose(self) -> None:
        await self._transport.aclose()  # type: ignore[no-untyped-call]
        self._wsdl_http.close()


def _from_fault(
    fault: zeep_errors.Fault, response: httpx.Response | None, address: str
) -> ConnectorError:
    code = _fault_code(fault, response)
    text = str(fault.message or "")
    message = f"SOAP fault {code or fault.code} from {address}: {text}"
    if code == "AUTH":
        return AuthenticationFailed(message, detail=text)
    if code == "VALIDATIE":
        return QueryRejected(message, detail=text)
    if code == "NIET_BESCHIKBAAR":
        return RegistryUnavailable(message, transient=True, detail=text)
    if code == "INTERN":
        return RegistryUnavailable(message, transient=False, detail=text)
    if response is not None and response.status_code in (502, 503, 504):
        return _status_error(response) or BadResponse(message)
    faultcode = str(fault.code or "").rpartition(":")[2]
    if faultcode.startswith("Client"):
        return QueryRejected(message, detail=text)
    if faultcode.startswith("Server"):
        return RegistryUnavailable(message, transient=False, detail=text)
    if response is not None and not 200 <= response.status_code < 300:
        error = _status_error(response)
        if error is not None:
            return error
    return BadResponse(message, detail=text)


def _from_unreadable(response: httpx.Response | None, address: str) -> ConnectorError:
    """zeep could not read the body as XML, or got an empty non-200 answer.

    zeep's own message quotes the whole body; it is not passed on.
    """
    if response is not None:
        error = _status_error(response)
        if error is not None:
            return error
    return BadResponse(f"malformed SOAP answer from {address}")


def _status_error(response: httpx.Response) -> ConnectorError | None:
    """The plugins error for a non-2xx response, or None for a 2xx one."""
    try:
        raise_for_status(response, detail=_fault_text)
    except ConnectorError as exc:
        return exc
    return None


def _fault_code(fault: zeep_errors.Fault, response: httpx.Response | None) -> str | None:
    """The service's own code: from zeep's fault detail, else from the raw answer."""
    if isinstance(fault.detail, etree._Element):
        code = fault.detail.findtext(f".//{{{NS}}}code")
        if code:
            return str(code).strip()
    fout = _fout(response)
    return fout[0] if fout else None


def _fault_text(response: httpx.Response) -> str | None:
    """``raise_for_status`` detail: the fault's description when the body is a fault."""
    fout = _fout(response)
    return fout[1] if fout else None


def _fout(response: httpx.Response | None) -> tuple[str, str] | None:
    """(code, omschrijving) of a vr:VergunningregisterFout in the body, if any."""
    if response is None or not response.content:
        return None
    root = parse_safely(response.content)
    if root is None:
        return None
    node = root.find(f".//{{{NS}}}VergunningregisterFout")
    if node is None:
        return None
    code = node.findtext(f"{{{NS}}}code") or ""
    text = node.findtext(f"{{{NS}}}omschrijving") or ""
    return str(code).strip(), str(text).strip()


def _safe_parser() -> Any:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def parse_safely(content: bytes) -> Any:
    """An XML root parsed without DTDs, entities or network, or None when it is not XML."""
    try:
        root = etree.fromstring(content, _safe_parser())
    except etree.XMLSyntaxError:
        return None
    if root is None or root.getroottree().docinfo.doctype:
        return None
    return root


def _where(response: httpx.Response) -> str:
    return str(response.request.url.copy_with(query=None))
