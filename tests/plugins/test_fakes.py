"""The SDK's one fake middleware: what every fake gets without writing it again."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

from plugins.fakes import (
    HAAL_CENTRAAL_ERRORS,
    TRACEPARENTS_KEPT,
    InvalidParam,
    Problems,
    accepts,
    remember,
    use_fake_middleware,
)

TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


def error(request: Request, status: int, *, headers: Mapping[str, str]) -> Response:
    return JSONResponse({"fout": status}, status_code=status, headers=dict(headers))


def fake(**options: Any) -> FastAPI:
    app = FastAPI()

    @app.get("/x")
    async def x() -> dict[str, str]:
        return {"ok": "ja"}

    use_fake_middleware(app, error, **options)
    return app


async def get(app: FastAPI, times: int = 1, **headers: str) -> list[httpx.Response]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://f") as client:
        return [await client.get("/x", headers=headers) for _ in range(times)]


async def test_traceparents_are_recorded_and_capped() -> None:
    app = fake()
    await get(app, traceparent=TRACEPARENT)
    assert app.state.received_traceparents == [TRACEPARENT]
    kept = [str(n) for n in range(TRACEPARENTS_KEPT + 5)]
    many: list[str] = []
    for value in kept:
        remember(many, value)
    assert many == kept[-TRACEPARENTS_KEPT:]


@pytest.mark.parametrize(("status", "retry_after"), [(429, "1"), (503, "1"), (500, None)])
async def test_injected_failures_in_the_fakes_error_body(status: int, retry_after: str | None):
    app = fake(fail_status=status)
    [response] = await get(app, traceparent=TRACEPARENT)
    assert (response.status_code, response.json()) == (status, {"fout": status})
    assert response.headers.get("retry-after") == retry_after
    assert app.state.received_traceparents == [TRACEPARENT]  # recorded even when failing


async def test_fail_times_then_answers_and_error_rate_is_repeatable() -> None:
    statuses = [r.status_code for r in await get(fake(fail_status=503, fail_times=2), 4)]
    assert statuses == [503, 503, 200, 200]
    runs = [
        [r.status_code for r in await get(fake(fail_status=503, error_rate=0.5, seed=7), 20)]
        for _ in range(2)
    ]
    assert runs[0] == runs[1] and {200, 503} == set(runs[0])


async def test_gate_and_default_headers() -> None:
    def gate(request: Request) -> Response | None:
        return None if request.headers.get("x-api-key") == "k" else error(request, 401, headers={})

    app = fake(gate=gate, headers={"api-version": "2.0.0"})
    [refused] = await get(app)
    [allowed] = await get(app, **{"x-api-key": "k"})
    assert refused.status_code == 401 and "api-version" not in refused.headers
    assert allowed.status_code == 200 and allowed.headers["api-version"] == "2.0.0"


async def test_rate_limit_answers_429_with_retry_after_and_reports_the_bucket() -> None:
    responses = await get(fake(rate_limit_per_s=2.0), 3)
    assert [r.status_code for r in responses] == [200, 200, 429]
    assert responses[0].headers["x-rate-limit-limit"] == "2"
    assert responses[2].headers["retry-after"] == "1"
    nominal = await get(fake(nominal_rate_per_s=50.0), 1)
    assert nominal[0].headers["x-rate-limit-limit"] == "50"


def test_accepts() -> None:
    assert accepts("", "application/json")
    assert accepts("application/hal+json; q=1", "application/json", "application/hal+json")
    assert accepts("*/*", "application/json")
    assert not accepts("text/html", "application/json")


async def test_problems_write_a_haal_centraal_error_body() -> None:
    problem = Problems(
        {400: ("Parameters niet correct.", "paramsValidation")},
        type_of=lambda status: f"https://example.test/errors#{status}",
        headers={"api-version": "1.0.0"},
        invalid_key="invalid-params",
    )
    app = FastAPI()

    @app.get("/x")
    async def x(request: Request) -> Response:
        invalid = [*InvalidParam.unknown(request, {"postcode"})]
        invalid.append(InvalidParam.pattern("postcode", re.compile(r"^[0-9]{4}[A-Z]{2}$")))
        return problem(request, 400, invalid=invalid)

    use_fake_middleware(app, problem, fail_status=503, fail_times=1)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://f") as client:
        failed = await client.get("/x")
        refused = await client.get("/x", params={"postcode": "x", "extra": "1"})
    assert failed.status_code == 503
    assert failed.headers["content-type"] == "application/problem+json"
    assert failed.headers["retry-after"] == "1"
    assert failed.json() == {
        "type": "https://example.test/errors#503",
        "title": "Interne server fout.",
        "status": 503,
        "detail": "Interne server fout.",
        "instance": "http://f/x",
        "code": "serverError",
    }
    assert refused.headers["api-version"] == "1.0.0"
    body = refused.json()
    assert (body["title"], body["code"]) == ("Parameters niet correct.", "paramsValidation")
    assert [(p["name"], p["code"]) for p in body["invalid-params"]] == [
        ("extra", "unknownParam"),
        ("postcode", "pattern"),
    ]
    assert body["invalid-params"][1]["reason"] == (
        "Waarde voldoet niet aan patroon ^[0-9]{4}[A-Z]{2}$."
    )


async def test_problems_gate_an_api_key_and_answer_unknown_paths() -> None:
    problem = Problems(HAAL_CENTRAAL_ERRORS, type_of=str)
    app = FastAPI()

    @app.get("/x")
    async def x(request: Request) -> dict[str, Any]:
        checks = [("a", re.compile(r"^[0-9]$")), ("b", re.compile(r"^[0-9]$"))]
        return {"invalid": [p.name for p in InvalidParam.patterns(request.query_params, checks)]}

    problem.answer_http_errors(app)
    use_fake_middleware(app, problem, gate=problem.api_key_gate("geheim"))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://f") as client:
        no_key = await client.get("/x")
        not_json = await client.get("/x", headers={"x-api-key": "geheim", "accept": "text/xml"})
        unknown = await client.get("/y", headers={"x-api-key": "geheim"})
        checked = await client.get("/x?a=1&b=x", headers={"x-api-key": "geheim"})
    assert (no_key.status_code, no_key.json()["code"]) == (401, "authentication")
    assert (not_json.status_code, not_json.json()["code"]) == (406, "notAcceptable")
    assert (unknown.status_code, unknown.json()["code"]) == (404, "notFound")
    assert checked.json() == {"invalid": ["b"]}
