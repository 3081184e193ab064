"""ASGI middleware that holds every request to a fake against the registry's official
OpenAPI documents, and refuses (or only records) what the documents do not allow."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ._openapi import MEDIA_TYPE, METHOD_NOT_ALLOWED, NOT_FOUND, OpenApiDocument, Violation

__all__ = ["Contract", "ContractGuard", "ContractLog", "Documents", "Refusal", "guard_app"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
#: a fake's ``openapi`` option: its APIs' documents by name, prepared or just parsed
Documents = Mapping[str, "OpenApiDocument | Mapping[str, Any]"]


@dataclass(frozen=True)
class Contract:
    """``document`` is served at ``base_path`` (relative to the app's mount point).

    ``optional_headers`` maps an upper-case method to headers the document requires
    but the real registry does not (a documented quirk of the official document);
    ``extensions`` are query parameters the served system adds to the document (e.g.
    Open Zaak's filters beyond ZGW Zaken 1.5.1), allowed only where it declares them.
    """

    base_path: str
    document: OpenApiDocument
    optional_headers: Mapping[str, Collection[str]] = field(default_factory=dict)
    extensions: Collection[str] = ()


@dataclass(frozen=True)
class Refusal:
    """What the guard found wrong: the registry's answer is the fake's to shape."""

    scope: Scope
    status: int  # 404 unknown path, 405 method, 415 media type, else 400
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
        await self.refuse(Refusal(scope, _status(violations), violations))(scope, replay, send)

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
                return [
                    v
                    for v in violations
                    if not (v.code == "unknownParam" and v.name in contract.extensions)
                ]
            found = found or violations
        return found or [Violation("path", NOT_FOUND, f"Pad {path} komt niet voor in de API.")]


def _status(violations: Sequence[Violation]) -> int:
    codes = {v.code for v in violations}
    for code, status in ((NOT_FOUND, 404), (METHOD_NOT_ALLOWED, 405), (MEDIA_TYPE, 415)):
        if code in codes:
            return status
    return 400


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


def guard_app(
    app: Any,
    documents: Documents,
    served: Mapping[str, str],
    refuse: Callable[[Refusal], ASGIApp],
    *,
    exempt: Sequence[str] = (),
    optional_headers: Mapping[str, Mapping[str, Collection[str]]] | None = None,
    extensions: Mapping[str, Collection[str]] | None = None,
) -> ContractLog:
    """Make a fake's Starlette/FastAPI ``app`` refuse what ``documents`` do not allow.

    ``served`` maps each API name the fake knows to its base path in the app;
    ``optional_headers`` and ``extensions`` hold per API name what :class:`Contract`
    says of them. The log is also ``app.state.contract_log``.
    """
    unknown = sorted(set(documents) - set(served))
    if unknown:
        raise ValueError(f"no API named {', '.join(unknown)} here (known: {', '.join(served)})")
    contracts = [
        Contract(
            served[name],
            doc if isinstance(doc, OpenApiDocument) else OpenApiDocument(doc),
            (optional_headers or {}).get(name, {}),
            (extensions or {}).get(name, ()),
        )
        for name, doc in documents.items()
    ]
    log = ContractLog()
    app.add_middleware(ContractGuard, contracts=contracts, refuse=refuse, exempt=exempt, log=log)
    app.state.contract_log = log
    return log
