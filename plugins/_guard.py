"""ASGI middleware that holds every request to a fake against the registry's official
OpenAPI documents, and refuses (or only records) what the documents do not allow."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ._openapi import METHOD_NOT_ALLOWED, NOT_FOUND, OpenApiDocument, Violation

__all__ = ["Contract", "ContractGuard", "ContractLog", "Refusal"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


@dataclass(frozen=True)
class Contract:
    """``document`` is served at ``base_path`` (relative to the app's mount point).

    ``optional_headers`` maps an upper-case method to headers the document requires
    but the real registry does not (a documented quirk of the official document).
    """

    base_path: str
    document: OpenApiDocument
    optional_headers: Mapping[str, Collection[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Refusal:
    """What the guard found wrong: the registry's answer is the fake's to shape."""

    scope: Scope
    status: int  # 404 unknown path, 405 method, else 400
    violations: Sequence[Violation]


@dataclass
class ContractLog:
    """What a guard checked, so a test can prove that the traffic was checked at all."""

    checked: int = 0
    unchecked: list[str] = field(default_factory=list)  # exempt requests, "METHOD path"
    violations: list[tuple[str, Violation]] = field(default_factory=list)


class ContractGuard:
    """Checks each HTTP request against the first contract whose ``base_path`` and path
    template match; answers a violating request with ``refuse(refusal)`` or, when
    ``refuse`` is None, only records it in ``log`` and lets the request through.

    Paths under one of ``exempt`` (e.g. a fake's own token endpoint, an API no document
    describes) pass unchecked.
    """

    def __init__(
        self,
        app: ASGIApp,
        contracts: Sequence[Contract],
        *,
        refuse: Callable[[Refusal], ASGIApp] | None = None,
        exempt: Sequence[str] = (),
        log: ContractLog | None = None,
    ) -> None:
        self.app = app
        self.contracts = sorted(contracts, key=lambda c: len(c.base_path), reverse=True)
        self.refuse = refuse
        self.exempt = tuple(e.rstrip("/") for e in exempt)
        self.log = log if log is not None else ContractLog()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = _relative(scope)
        method = str(scope["method"])
        if any(path == e or path.startswith(e + "/") for e in self.exempt):
            self.log.unchecked.append(f"{method} {path}")
            await self.app(scope, receive, send)
            return
        body, replay = await _buffer(receive)
        violations = self._check(scope, path, body)
        self.log.checked += 1
        if not violations:
            await self.app(scope, replay, send)
            return
        self.log.violations += [(f"{method} {path}", v) for v in violations]
        if self.refuse is None:
            await self.app(scope, replay, send)
            return
        codes = {v.code for v in violations}
        status = 404 if NOT_FOUND in codes else 405 if METHOD_NOT_ALLOWED in codes else 400
        await self.refuse(Refusal(scope, status, violations))(scope, replay, send)

    def _check(self, scope: Scope, path: str, body: bytes) -> list[Violation]:
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope.get("headers", [])}
        query = bytes(scope.get("query_string", b"")).decode("latin-1")
        found: list[Violation] | None = None
        for contract in self.contracts:
            base = contract.base_path.rstrip("/")
            if base and path != base and not path.startswith(base + "/"):
                continue
            method = str(scope["method"])
            violations = contract.document.check_request(
                method,
                path[len(base) :] or "/",
                query=query,
                headers=headers,
                body=body,
                optional_headers=contract.optional_headers.get(method, ()),
            )
            if [v.code for v in violations] != [NOT_FOUND]:
                return violations
            found = found or violations
        return found or [Violation("path", NOT_FOUND, f"Pad {path} komt niet voor in de API.")]


def _relative(scope: Scope) -> str:
    """The path below the app's mount point (Starlette keeps the full path in ``path``
    and the mount point in ``root_path``)."""
    path = str(scope.get("path", ""))
    root = str(scope.get("root_path", "")).rstrip("/")
    return path[len(root) :] if root and path.startswith(root) else path


async def _buffer(receive: Receive) -> tuple[bytes, Receive]:
    """The whole request body, and a ``receive`` that hands it to the app again."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(bytes(message.get("body", b"")))
        if not message.get("more_body", False):
            break
    body = b"".join(chunks)
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return body, replay
