"""The request validator: our own small documents for each rule, and the official ones
for the registries' quirks."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from plugins.openapi import METHOD_NOT_ALLOWED, NOT_FOUND, OpenApiDocument, Violation

DOC_30 = {
    "openapi": "3.0.3",
    "servers": [{"url": "https://registry.test/api/v1/"}],
    "paths": {
        "/things": {
            "parameters": [
                {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}}
            ],
            "get": {
                "parameters": [
                    {"$ref": "#/components/parameters/kind"},
                    {
                        "name": "code",
                        "in": "query",
                        "required": True,
                        "schema": {"type": "string", "pattern": "^[0-9]{4}$"},
                    },
                    {
                        "name": "Accept-Crs",
                        "in": "header",
                        "required": True,
                        "schema": {"type": "string", "enum": ["EPSG:4326"]},
                    },
                    {
                        "name": "Content-Type",
                        "in": "header",
                        "required": True,
                        "schema": {"type": "string"},
                    },
                    {"name": "flag", "in": "query", "schema": {"type": "boolean"}},
                    {
                        "name": "ids",
                        "in": "query",
                        "explode": False,
                        "schema": {"type": "array", "items": {"type": "string", "maxLength": 3}},
                    },
                ],
                "responses": {"200": {"description": "ok"}},
            },
            "post": {
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}
                    },
                },
                "responses": {
                    "201": {
                        "description": "made",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}
                        },
                    }
                },
            },
        },
        "/things/{uuid}": {
            "get": {
                "parameters": [
                    {
                        "name": "uuid",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "format": "uuid"},
                    }
                ],
                "responses": {"200": {"description": "ok"}},
            }
        },
        "/things/_search": {"post": {"responses": {"200": {"description": "ok"}}}},
    },
    "components": {
        "parameters": {
            "kind": {
                "name": "kind",
                "in": "query",
                "schema": {"type": "array", "items": {"type": "string", "enum": ["a", "b"]}},
            },
        },
        "schemas": {
            "Thing": {
                "type": "object",
                "required": ["url", "name", "when"],
                "properties": {
                    "url": {"type": "string", "readOnly": True},
                    "name": {"type": "string", "maxLength": 5},
                    "when": {"type": "string", "format": "date", "nullable": True},
                    "size": {"type": "integer", "minimum": 0, "exclusiveMinimum": True},
                    "parent": {"$ref": "#/components/schemas/Parent"},
                },
            },
            "Parent": {
                "type": "object",
                "nullable": True,
                "properties": {"id": {"type": "string"}},
            },
        },
    },
}

OK_HEADERS = {"Accept-Crs": "EPSG:4326"}


@pytest.fixture(scope="module")
def doc() -> OpenApiDocument:
    return OpenApiDocument(DOC_30)


def codes(violations: list[Violation]) -> list[tuple[str, str]]:
    return [(v.name, v.code) for v in violations]


def test_base_path_is_the_first_servers_path(doc: OpenApiDocument) -> None:
    assert doc.base_path == "/api/v1"


def test_a_valid_request_has_no_violations(doc: OpenApiDocument) -> None:
    query = "code=0405&kind=a&kind=b&flag=true&ids=x,yz&page=2"
    assert doc.check_request("GET", "/things", query=query, headers=OK_HEADERS) == []


def test_unknown_path_and_method(doc: OpenApiDocument) -> None:
    assert codes(doc.check_request("GET", "/nothing")) == [("path", NOT_FOUND)]
    assert codes(doc.check_request("DELETE", "/things")) == [("method", METHOD_NOT_ALLOWED)]


def test_literal_path_wins_over_template(doc: OpenApiDocument) -> None:
    assert doc.check_request("POST", "/things/_search") == []


def test_path_parameter_against_its_schema(doc: OpenApiDocument) -> None:
    assert codes(doc.check_request("GET", "/things/not-a-uuid")) == [("uuid", "format")]


def test_query_parameters(doc: OpenApiDocument) -> None:
    query = "kind=a,b&code=405&extra=1&flag=yes&page=0&ids=abcd"
    found = codes(doc.check_request("GET", "/things", query=query, headers=OK_HEADERS))
    assert found == [
        ("extra", "unknownParam"),
        ("page", "minimum"),  # a path-level parameter
        ("kind.0", "enum"),  # an exploded array: comma-joined is one unknown value
        ("code", "pattern"),
        ("flag", "type"),
        ("ids.0", "maxLength"),
    ]


def test_required_parameter_and_repeated_scalar(doc: OpenApiDocument) -> None:
    found = doc.check_request("GET", "/things", query="flag=true&flag=false", headers=OK_HEADERS)
    assert codes(found) == [("code", "required"), ("flag", "repeated")]


def test_required_headers_and_their_values(doc: OpenApiDocument) -> None:
    # Content-Type is described by the media type, never as a header parameter
    assert codes(doc.check_request("GET", "/things", query="code=0405")) == [
        ("Accept-Crs", "required")
    ]
    wrong = doc.check_request("GET", "/things", query="code=0405", headers={"accept-crs": "x"})
    assert codes(wrong) == [("Accept-Crs", "enum")]
    waived = doc.check_request("GET", "/things", query="code=0405", optional_headers=["accept-crs"])
    assert waived == []


def post(doc: OpenApiDocument, body: object, content_type: str = "application/json"):
    return doc.check_request(
        "POST", "/things", body=json.dumps(body).encode(), headers={"Content-Type": content_type}
    )


def test_json_body_against_the_schema(doc: OpenApiDocument) -> None:
    # url is readOnly: required in answers, not in requests; when is nullable
    assert post(doc, {"name": "abc", "when": None, "parent": None}) == []
    assert codes(post(doc, {"name": "abcdef", "when": "2026-13-01", "size": 0})) == [
        ("name", "maxLength"),
        ("when", "format"),
        ("size", "exclusiveMinimum"),
    ]
    assert codes(post(doc, {"when": "2026-01-01"})) == [("name", "required")]


def test_body_media_type_and_presence(doc: OpenApiDocument) -> None:
    assert codes(post(doc, {}, "text/plain")) == [("Content-Type", "mediaType")]
    assert codes(doc.check_request("POST", "/things")) == [("body", "required")]
    bad = doc.check_request("POST", "/things", body=b"{", content_type="application/json")
    assert codes(bad) == [("body", "parse")]


def test_responses_need_read_only_properties(doc: OpenApiDocument) -> None:
    assert codes(doc.check_response("POST", "/things", 201, {"name": "a", "when": None})) == [
        ("url", "required")
    ]
    assert doc.check_response("POST", "/things", 201, {"url": "u", "name": "a", "when": None}) == []
    assert codes(doc.check_response("POST", "/things", 500, {})) == [("status", "status")]


def test_not_an_openapi_3_document() -> None:
    with pytest.raises(ValueError, match="OpenAPI 3"):
        OpenApiDocument({"swagger": "2.0"})


# --- the official documents --------------------------------------------------------------


def test_brp_discriminator_dispatches_on_type(official) -> None:
    brp = official("brp-personen")

    def ask(body: dict) -> list[tuple[str, str]]:
        raw = json.dumps(body).encode()
        return codes(
            brp.check_request("POST", "/personen", body=raw, content_type="application/json")
        )

    good = {
        "type": "RaadpleegMetBurgerservicenummer",
        "fields": ["naam"],
        "burgerservicenummer": ["999993653"],
    }
    assert ask(good) == []
    assert ask({**good, "burgerservicenummer": ["12"]}) == [("burgerservicenummer.0", "pattern")]
    assert ask({**good, "type": "ZoekMetIets"}) == [("type", "enum")]
    missing = {"type": "ZoekMetPostcodeEnHuisnummer", "fields": ["naam"], "postcode": "1621JH"}
    assert ask(missing) == [("huisnummer", "required")]


def test_kvk_type_is_a_repeated_parameter(official) -> None:
    zoeken = official("kvk-zoeken")
    assert (
        zoeken.check_request("GET", "/zoeken", query="type=hoofdvestiging&type=rechtspersoon") == []
    )
    joined = zoeken.check_request("GET", "/zoeken", query="type=hoofdvestiging,nevenvestiging")
    assert codes(joined) == [("type.0", "enum")]


def test_zaken_151_has_no_kvk_rol_filter(official) -> None:
    zaken = official("zaken")
    query = "rol__betrokkeneIdentificatie__nietNatuurlijkPersoon__kvkNummer=69599084"
    found = zaken.check_request(
        "GET",
        "/zaken",
        query=query,
        headers={"Accept-Crs": "EPSG:4326"},
        optional_headers=["Content-Crs"],
    )
    assert codes(found) == [
        ("rol__betrokkeneIdentificatie__nietNatuurlijkPersoon__kvkNummer", "unknownParam")
    ]


# --- the guard ---------------------------------------------------------------------------


def echo_app():
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def echo(request: Request) -> JSONResponse:
        return JSONResponse({"body": (await request.body()).decode(), "path": request.url.path})

    return Starlette(routes=[Route("/{rest:path}", echo, methods=["GET", "POST", "DELETE"])])


async def test_guard_records_without_refusing_and_replays_the_body(doc: OpenApiDocument) -> None:
    import httpx

    from plugins.openapi import Contract, ContractGuard, ContractLog

    log = ContractLog()
    guard = ContractGuard(echo_app(), [Contract("/api/v1", doc)], exempt=["/token"], log=log)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=guard), base_url="http://t"
    ) as client:
        posted = await client.post("/api/v1/things", json={"name": "toolong!"})
        await client.post("/token", content=b"grant_type=client_credentials")
        await client.get("/elsewhere")
    assert posted.json()["body"] == '{"name":"toolong!"}'  # the app still got the body
    assert [(r, v.name, v.code) for r, v in log.violations] == [
        ("POST /api/v1/things", "when", "required"),
        ("POST /api/v1/things", "name", "maxLength"),
        ("GET /elsewhere", "path", NOT_FOUND),
    ]
    assert log.checked == 2 and log.unchecked == ["POST /token"]


async def test_guard_refuses_with_the_status_of_the_violation(doc: OpenApiDocument) -> None:
    import httpx
    from starlette.responses import JSONResponse

    from plugins.openapi import Contract, ContractGuard, Refusal

    def refuse(refusal: Refusal) -> JSONResponse:
        return JSONResponse(
            [v.as_invalid_param() for v in refusal.violations], status_code=refusal.status
        )

    contract = Contract("/api/v1", doc, {"GET": ["Accept-Crs"]}, ["extra"])
    guard = ContractGuard(echo_app(), [contract], refuse=refuse)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=guard), base_url="http://t"
    ) as client:
        missing = await client.get("/api/v1/nothing")
        method = await client.delete("/api/v1/things")
        media = await client.post(
            "/api/v1/things", content=b"x", headers={"content-type": "text/plain"}
        )
        bad = await client.get("/api/v1/things", params={"code": "1"})
        waived = await client.get("/api/v1/things", params={"code": "0405", "extra": "1"})
    assert [r.status_code for r in (missing, method, media, bad, waived)] == [
        404,
        405,
        415,
        400,
        200,
    ]
    assert bad.json() == [
        {"name": "code", "code": "pattern", "reason": "Waarde voldoet niet aan patroon ^[0-9]{4}$."}
    ]


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, check=False
    )


def test_the_sdk_imports_without_jsonschema() -> None:
    """jsonschema is a development dependency: importing the SDK, its OpenAPI module
    included, never needs it (a production install has none)."""
    done = _python(
        """
        import sys
        sys.modules["jsonschema"] = None  # as if not installed
        sys.modules["referencing"] = None
        import plugins, plugins.openapi
        print("ok")
        """
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_a_document_without_jsonschema_says_what_to_install() -> None:
    """Where a document is given (a fake's strict mode starting), not at a first request."""
    done = _python(
        """
        import sys
        sys.modules["jsonschema"] = None
        from plugins.openapi import OpenApiDocument
        try:
            OpenApiDocument({"openapi": "3.1.0", "paths": {}})
        except ModuleNotFoundError as exc:
            print(exc.name, "|", exc)
        """
    )
    assert done.returncode == 0, done.stderr
    name, message = done.stdout.strip().split(" | ")
    assert name == "jsonschema"
    assert "development dependency" in message and "pip install jsonschema" in message
