"""A witness server: keeps the checkpoints hubs POST, answers the newest per log.

Run it where the hub's database administrator has no say (another machine, another
user): ``opplus audit witness serve --dir /var/lib/opplus-witness --public-key KEY``.
It accepts only checkpoints signed under one of its public keys (anyone else could
otherwise push a huge fake size and make every verification fail), and stores them
with :class:`~hub.audit.witness.FileWitness`, so the file format is the same.

* ``POST /v1/checkpoints`` — one checkpoint's JSON; 201, or 400/403/413.
* ``GET /v1/checkpoints/{log}`` — the newest checkpoint of ``log``; 404 when none.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from hub.store.keys import public_key_id

from .checkpoint import Checkpoint, load_public_key
from .witness import MAX_LINE, FileWitness, newest_per_log

__all__ = ["create_witness_app"]


def _problem(status: int, message: str) -> JSONResponse:
    return JSONResponse({"detail": message}, status_code=status)


async def _body(request: Request) -> bytes | None:
    """The request body, or None once it exceeds :data:`MAX_LINE` (read no further)."""
    data = b""
    async for chunk in request.stream():
        data += chunk
        if len(data) > MAX_LINE:
            return None
    return data


def create_witness_app(directory: Path, public_keys: Sequence[str]) -> Starlette:
    """The witness app over an existing ``directory``; ``public_keys`` base64 Ed25519.

    Raises :class:`~hub.audit.errors.WitnessError` for an unusable directory and
    ValueError for a key that is not an Ed25519 public key.
    """
    witness = FileWitness(directory)
    keys = {public_key_id(k): k for k in (load_public_key(text) for text in public_keys)}
    if not keys:
        raise ValueError("a witness needs at least one public key")

    async def publish(request: Request) -> JSONResponse:
        body = await _body(request)
        if body is None:
            return _problem(413, f"meer dan {MAX_LINE} bytes: geen checkpoint")
        try:
            checkpoint = Checkpoint.from_json(json.loads(body))
        except (ValueError, KeyError, TypeError):
            return _problem(400, "geen checkpoint (log, size, root_hash, timestamp, signature)")
        if not checkpoint.verify(keys):
            return _problem(403, "handtekening ongeldig of sleutel onbekend")
        await run_in_threadpool(witness.publish, [checkpoint])
        return JSONResponse(checkpoint.to_json(), status_code=201)

    async def newest(request: Request) -> JSONResponse:
        log = str(request.path_params["log"])
        held = await run_in_threadpool(witness.witnessed, [log])
        checkpoint = newest_per_log(held).get(log)
        if checkpoint is None:
            return _problem(404, f"geen checkpoint van logboek {log}")
        return JSONResponse(checkpoint.to_json())

    return Starlette(
        routes=[
            Route("/v1/checkpoints", publish, methods=["POST"]),
            Route("/v1/checkpoints/{log}", newest, methods=["GET"]),
        ]
    )
