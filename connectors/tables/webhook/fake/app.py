"""A webhook receiver for tests and the embedded default: the RIEC information plaza.

Mounted at ``/riec/informatieplein``. Endpoints:

- ``POST /signalen`` — receive a delivery. Checks, in this order: the signature
  (``X-Opplus-Signature`` with the secret of ``X-Opplus-Key-Id``, timestamp within
  ``tolerance_s``; 401 problem+json otherwise), ``Content-Type: application/json``
  (415), an ``Idempotency-Key`` (400) and a JSON object body (400). A new key is stored
  and answered 201 ``{id, status: "ontvangen", acknowledged: true, payload_sha256,
  received_at}``; a repeat of a known key with the same body gets the SAME answer with
  200 and ``Idempotent-Replayed: true`` and is not stored again; the same key with
  another body is 422.
- ``GET /signalen`` — the probe: 200 ``{"status": "ok"}`` when the signature over an
  empty body is valid, 401 otherwise.
- ``GET /deliveries`` — what was received, ``{count, results}`` (test inspection).

``app.state.deliveries`` holds the stored deliveries, ``app.state.received_traceparents``
the last 1000 ``traceparent`` headers. Failure injection: ``latency_s`` (sleep per
request), ``fail_times`` (the first N deliveries answer 503 with ``Retry-After: 1``,
before anything is checked or stored), ``down`` (every request answers 503, as a
gateway in front of a stopped service does).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

from plugins.fakes import use_fake_middleware

from ..transport import SIGNATURE_TOLERANCE_S, verify

__all__ = ["FAKE_KEY_ID", "FAKE_SECRET", "MOUNT", "create_app"]

#: where ``opplus fakes serve`` mounts the receiver (the RIEC informatieplein)
MOUNT = "/riec/informatieplein"

#: public test credentials of the fake (never a real secret)
FAKE_SECRET = "fake-webhook-secret"  # noqa: S105 - public test credential
FAKE_KEY_ID = "opplus"


def _problem(status: int, title: str, detail: str, **headers: str) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    return JSONResponse(
        body, status_code=status, media_type="application/problem+json", headers=headers
    )


def _down(request: Request, status: int, *, headers: Mapping[str, str]) -> Response:
    detail = "Het informatieplein is niet bereikbaar."
    return _problem(status, "Service Unavailable", detail, **headers)


def create_app(
    *,
    secret: str = FAKE_SECRET,
    key_id: str = FAKE_KEY_ID,
    tolerance_s: float = SIGNATURE_TOLERANCE_S,
    latency_s: float = 0.0,
    fail_times: int = 0,
    down: bool = False,
) -> FastAPI:
    """A fresh receiver; see the module docstring."""
    app = FastAPI(title="Fake RIEC informatieplein (opplus)", openapi_url=None, docs_url=None)
    app.state.deliveries = []
    app.state.answers = {}  # Idempotency-Key -> (body sha256, answer)
    app.state.failures_left = fail_times

    # a gateway in front of a stopped service: 503 to everything, without Retry-After
    use_fake_middleware(
        app, _down, latency_s=latency_s, fail_status=503 if down else None, retry_after=None
    )

    def unauthorised(request: Request, body: bytes) -> Response | None:
        if request.headers.get("x-opplus-key-id", key_id) != key_id:
            return _problem(401, "Unauthorized", "Onbekende sleutel (X-Opplus-Key-Id).")
        why = verify(
            secret, request.headers.get("x-opplus-signature"), body, tolerance_s=tolerance_s
        )
        if why is not None:
            return _problem(401, "Unauthorized", f"Handtekening afgewezen: {why}.")
        return None

    @app.post("/signalen")
    async def receive(request: Request) -> Response:
        if app.state.failures_left > 0:
            app.state.failures_left -= 1
            return _problem(
                503, "Service Unavailable", "Tijdelijk niet beschikbaar.", **{"Retry-After": "1"}
            )
        body = await request.body()
        refused = unauthorised(request, body)
        if refused is not None:
            return refused
        media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media_type != "application/json":
            return _problem(415, "Unsupported Media Type", "Verwacht application/json.")
        key = request.headers.get("idempotency-key", "").strip()
        if not key:
            return _problem(400, "Bad Request", "Idempotency-Key ontbreekt.")
        try:
            payload = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return _problem(400, "Bad Request", "De inhoud is geen geldige JSON.")
        if not isinstance(payload, dict):
            return _problem(400, "Bad Request", "De inhoud is geen JSON-object.")
        digest = hashlib.sha256(body).hexdigest()
        known = app.state.answers.get(key)
        if known is not None:
            if known[0] != digest:
                reused = "Idempotency-Key is al gebruikt met andere inhoud."
                return _problem(422, "Unprocessable Content", reused)
            return JSONResponse(known[1], status_code=200, headers={"Idempotent-Replayed": "true"})
        number = len(app.state.deliveries) + 1
        received_at = datetime.now(UTC).isoformat()
        answer = {
            "id": f"IP-{datetime.now(UTC).year}-{number:06d}",
            "status": "ontvangen",
            "acknowledged": True,
            "payload_sha256": digest,
            "received_at": received_at,
        }
        app.state.answers[key] = (digest, answer)
        app.state.deliveries.append(
            {
                "id": answer["id"],
                "idempotency_key": key,
                "delivery": request.headers.get("x-opplus-delivery"),
                "key_id": request.headers.get("x-opplus-key-id", key_id),
                "traceparent": request.headers.get("traceparent"),
                "received_at": received_at,
                "payload_sha256": digest,
                "payload": payload,
            }
        )
        return JSONResponse(answer, status_code=201)

    @app.get("/signalen")
    async def probe(request: Request) -> Response:
        refused = unauthorised(request, b"")
        return refused or JSONResponse({"status": "ok"})

    @app.get("/deliveries")
    async def deliveries() -> Response:
        return JSONResponse(
            {"count": len(app.state.deliveries), "results": list(app.state.deliveries)}
        )

    return app
