"""The HTTP helpers: error mapping and messages that name the right URL."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
from pydantic import BaseModel

from plugins import (
    AuthenticationFailed,
    BadResponse,
    ConnectorContext,
    ConnectorSettings,
    QueryRejected,
    RateLimited,
    RegistryTimeout,
    RegistryUnavailable,
    TraceContext,
    hal_models,
    json_body,
    parse_model,
    parse_retry_after,
    raise_for_status,
    registry_client,
    send,
)


def client(handler) -> httpx.AsyncClient:
    settings = ConnectorSettings(base_url="http://registry.test/api/v2")
    return registry_client(settings, ConnectorContext(transport=httpx.MockTransport(handler)))


async def test_send_adds_traceparent_and_keeps_base_path():
    seen = {}

    def handler(request):
        seen["url"] = str(request.url)
        seen["tp"] = request.headers["traceparent"]
        return httpx.Response(200, json={})

    trace = TraceContext.new_trace()
    async with client(handler) as c:
        await send(c, "GET", "/zoeken", trace=trace, params={"q": "1"})
    assert seen["url"] == "http://registry.test/api/v2/zoeken?q=1"
    assert seen["tp"] == trace.traceparent


@pytest.mark.parametrize(
    ("exc", "kind"),
    [(httpx.ReadTimeout, RegistryTimeout), (httpx.ConnectError, RegistryUnavailable)],
)
async def test_transport_errors_are_mapped_and_name_the_full_url_without_query(exc, kind):
    def handler(request):
        raise exc("boom", request=request)

    async with client(handler) as c:
        with pytest.raises(kind) as info:
            await send(c, "GET", "/zoeken?bsn=999993653")
    assert "http://registry.test/api/v2/zoeken" in str(info.value)
    assert "999993653" not in str(info.value)
    assert info.value.transient


@pytest.mark.parametrize(
    ("status", "kind", "transient"),
    [
        (401, AuthenticationFailed, False),
        (403, AuthenticationFailed, False),
        (400, QueryRejected, False),
        (404, QueryRejected, False),
        (500, RegistryUnavailable, False),
        (502, RegistryUnavailable, True),
        (503, RegistryUnavailable, True),
        (504, RegistryUnavailable, True),
        (429, RateLimited, True),
    ],
)
def test_raise_for_status(status, kind, transient):
    request = httpx.Request("GET", "http://r.test/x?bsn=1")
    response = httpx.Response(
        status, request=request, headers={"retry-after": "3"}, json={"title": "uitleg"}
    )
    with pytest.raises(kind) as info:
        raise_for_status(response, detail=lambda r: r.json()["title"])
    assert info.value.transient is transient
    assert "uitleg" in str(info.value) and "bsn" not in str(info.value)
    if kind is RateLimited:
        assert info.value.retry_after == 3


def test_retry_after_http_date():
    now = datetime(2026, 11, 28, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("Sat, 28 Nov 2026 12:00:10 GMT", now=now) == 10
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


@pytest.mark.parametrize(
    ("ctype", "body"),
    [("text/html", b"<html/>"), ("application/json", b"{bad"), ("", b"{}")],
)
def test_json_body_refuses_non_json(ctype, body):
    request = httpx.Request("GET", "http://r.test/x")
    response = httpx.Response(
        200, request=request, content=body, headers={"content-type": ctype} if ctype else {}
    )
    with pytest.raises(BadResponse):
        json_body(response)


def test_json_body_accepts_problem_json():
    request = httpx.Request("GET", "http://r.test/x")
    response = httpx.Response(
        200,
        request=request,
        content=b'{"a": 1}',
        headers={"content-type": "application/problem+json"},
    )
    assert json_body(response) == {"a": 1}


def test_problem_detail_reads_rfc7807_with_invalid_params():
    from plugins import problem_detail

    request = httpx.Request("POST", "http://r.test/personen")
    body = {
        "title": "Een of meerdere parameters zijn niet correct.",
        "status": 400,
        "detail": "De foutieve parameter(s) zijn: fields[0].",
        "code": "paramsValidation",
        "invalidParams": [{"name": "fields[0]", "code": "fields", "reason": "onbekend"}],
    }
    text = problem_detail(httpx.Response(400, json=body, request=request))
    assert text == (
        "Een of meerdere parameters zijn niet correct.: De foutieve parameter(s) "
        "zijn: fields[0]. [paramsValidation] (fields[0] (fields): onbekend)"
    )
    same = {"title": "Niet geautoriseerd.", "detail": "Niet geautoriseerd.", "code": "auth"}
    assert problem_detail(httpx.Response(401, json=same, request=request)) == (
        "Niet geautoriseerd. [auth]"
    )
    old = {"title": "t", "invalid-params": [{"name": "postcode", "code": "pattern"}]}
    assert problem_detail(httpx.Response(400, json=old, request=request)) == (
        "t (postcode (pattern))"
    )
    assert problem_detail(httpx.Response(400, json=[1], request=request)) is None


# -- the answer size cap ---------------------------------------------------------------


def capped(handler, limit: int) -> httpx.AsyncClient:
    settings = ConnectorSettings(base_url="http://registry.test/api", max_response_bytes=limit)
    return registry_client(settings, ConnectorContext(transport=httpx.MockTransport(handler)))


async def test_an_answer_over_the_cap_is_refused_while_it_streams():
    produced = []

    async def endless():
        while len(produced) < 10_000:  # 160 MB, were it all read
            produced.append(16 * 1024)
            yield b" " * (16 * 1024)

    def handler(request):
        return httpx.Response(200, headers={"content-type": "application/json"}, content=endless())

    async with capped(handler, 64 * 1024) as c:
        with pytest.raises(BadResponse) as info:
            await send(c, "GET", "/zoeken?bsn=999993653")
    message = str(info.value)
    assert "max_response_bytes (65536 bytes)" in message and "/api/zoeken" in message
    assert "999993653" not in message
    assert sum(produced) <= 64 * 1024 + 16 * 1024, "read far past the cap"
    assert not info.value.transient


async def test_a_declared_length_over_the_cap_is_refused_before_reading():
    read = []

    async def body():
        read.append(1)
        yield b"{}"

    def handler(request):
        return httpx.Response(200, headers={"content-length": str(10**9)}, content=body())

    async with capped(handler, 4096) as c:
        with pytest.raises(BadResponse, match="max_response_bytes"):
            await send(c, "GET", "/x")
    assert read == []


async def test_the_cap_counts_decoded_bytes():
    import gzip

    packed = gzip.compress(b" " * 200_000)  # a few hundred bytes on the wire
    assert len(packed) < 4096

    def handler(request):
        return httpx.Response(200, headers={"content-encoding": "gzip"}, content=packed)

    async with capped(handler, 4096) as c:
        with pytest.raises(BadResponse, match="max_response_bytes"):
            await send(c, "GET", "/x")


async def test_an_answer_within_the_cap_reads_as_usual():
    def handler(request):
        return httpx.Response(200, json={"ok": True})

    async with capped(handler, 4096) as c:
        response = await send(c, "GET", "/x")
    assert json_body(response) == {"ok": True}


def test_importing_the_sdk_does_not_import_pytest_or_the_hub():
    import subprocess
    import sys

    code = (
        "import sys, plugins; "
        "print(sorted(m for m in ('pytest', 'hub', 'connectors') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_json_body_names_an_empty_answer():
    request = httpx.Request("GET", "http://registry.test/api/zoeken?bsn=999993653")
    response = httpx.Response(200, headers={"content-type": "application/json"}, request=request)
    with pytest.raises(BadResponse, match=r"^empty answer from /api/zoeken, expected JSON$"):
        json_body(response)


async def test_send_passes_auth_on_as_client_request_would():
    seen = {}

    def handler(request):
        seen["authorization"] = request.headers.get("authorization")
        return httpx.Response(200, json={})

    async with client(handler) as c:
        await send(c, "GET", "/x", auth=httpx.BasicAuth("opplus", "geheim"))
    assert seen["authorization"] == "Basic b3BwbHVzOmdlaGVpbQ=="  # opplus:geheim


async def test_a_large_error_answer_keeps_its_status_and_only_the_start_of_its_body():
    produced = []

    async def page():
        while len(produced) < 1000:
            produced.append(1)
            yield b"<p>Onderhoud</p>" * 1024

    def handler(request):
        return httpx.Response(503, headers={"content-type": "text/html"}, content=page())

    async with capped(handler, 4096) as c:
        response = await send(c, "GET", "/x")
    assert response.status_code == 503 and len(response.content) == 4096
    assert len(produced) <= 2
    with pytest.raises(RegistryUnavailable) as info:
        raise_for_status(response)
    assert info.value.transient


@pytest.mark.parametrize("value", ["²", "¹0", "³"])
def test_retry_after_in_non_ascii_digits_is_no_crash(value):
    # headers are latin-1: a hostile peer can send superscript digits, which
    # str.isdigit() accepts and float() refuses
    assert parse_retry_after(value) is None


async def test_a_content_length_in_superscript_digits_is_no_crash():
    transport = httpx.MockTransport(
        lambda r: httpx.Response(
            200, headers=[(b"content-length", "²".encode("latin-1"))], content=b"{}"
        )
    )
    async with httpx.AsyncClient(transport=transport, base_url="http://x") as client:
        response = await send(client, "GET", "/")
    assert response.status_code == 200


class _Thing(BaseModel):
    id: str
    size: int


def test_parse_model_names_where_an_answer_breaks_the_model_never_the_value():
    assert parse_model(_Thing, {"id": "a", "size": 3}, "/things") == _Thing(id="a", size=3)
    with pytest.raises(BadResponse) as caught:
        parse_model(_Thing, {"id": "a", "size": "groot"}, "/things")
    assert str(caught.value) == "/things: unexpected shape at size: int_parsing"
    assert "groot" not in str(caught.value)


def test_hal_models_read_each_item_of_a_collection():
    body = {
        "_links": {"self": {"href": "/things"}},
        "_embedded": {"things": [{"id": "a", "size": 1}, {"id": "b", "size": 2}]},
    }
    assert [t.id for t in hal_models(body, "things", "/things", _Thing)] == ["a", "b"]
    assert hal_models({"_links": {"self": {"href": "/things"}}}, "things", "/t", _Thing) == []
    body["_embedded"]["things"].append({"id": "c"})
    with pytest.raises(BadResponse, match=r"^/things: unexpected shape at size: missing$"):
        hal_models(body, "things", "/things", _Thing)
    with pytest.raises(BadResponse, match="no HAL collection"):
        hal_models({}, "things", "/things", _Thing)
