"""The contract test kits: the same checks for every plugin, ours and yours.

For a connector, opt in from a test module of your plugin::

    import pytest
    from plugins.testing import ConnectorContract, ContractCase

    class TestMyConnector(ConnectorContract):
        @pytest.fixture
        def case(self) -> ContractCase:
            return ContractCase(
                spec=my_plugin.SPEC,            # your ConnectorSpec
                fake=my_plugin.FAKE,            # your FakeSpec
                settings={"base_url": "http://fake.test/my/base"},
                known=[PersonRef("999993653")],  # subjects your fake has data for
                unknown=[PersonRef("999990019")],
                bad_credentials={"OPPLUS_MY_API_KEY": "wrong"},
            )

Every ``test_*`` method of :class:`ConnectorContract` then runs against your connector
and its fake: declared fields and classifications; only requested, declared fields come
back; every fact carries full provenance matching a recorded response; each failure on
the wire (timeout, connect error, 5xx, 429 with Retry-After, malformed or non-JSON
body, 401) maps to the documented error; cancellation is honoured; ``check()`` fails on
bad credentials; no secret and no BSN reaches a log. The base URL's host must be
``fake.test``: the kit routes it to your fake in-process, without a network.

The fault matrix (:data:`FAULTS`) then runs your connector through the hub's engine
with each fault injected at the transport in front of your fake — connect refused, a
hang, 500, 502/503 and 429 followed by a good answer, 401/403, malformed, empty,
wrongly shaped and oversized bodies, SOAP faults — and checks that each ends in an
honest outcome: never ``ok`` or ``empty`` from bad data, and no indicator derived.

A table transport has its kit too: :class:`TableContract` with a :class:`TableCase`
(see the guide). :func:`make_query` builds a query as the engine does, for your own tests.

Importing this module does not import pytest (a plugin's runtime never needs it): the
pytest-bound classes :class:`ConnectorContract` and :class:`TableContract` (with
:class:`TableCase`, :class:`TableReceiver` and :data:`TABLE_FAULTS`) load from their own
modules the first time they are named.
"""

from __future__ import annotations

import asyncio
import hashlib
import importlib
import json
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Any, Protocol

import httpx

from ._connector import (
    DEFAULT_MAX_RESPONSE_BYTES,
    Connector,
    ConnectorContext,
    ConnectorSettings,
    ConnectorSpec,
    FakeSpec,
)
from ._facts import EnrichResult
from ._query import Officer, Purpose, Query, TraceContext
from ._subjects import PersonRef, Subject
from ._table import Delivery, TableSpec

if TYPE_CHECKING:
    from ._connector_contract import ConnectorContract
    from ._table_contract import TABLE_FAULTS, TableCase, TableContract, TableFault, TableReceiver

__all__ = [
    "ENGINE_RUNNER",
    "FAULTS",
    "SAMPLE_PAYLOAD",
    "TABLE_FAULTS",
    "TEST_OFFICER",
    "TEST_PURPOSE",
    "ConnectorContract",
    "ContractCase",
    "EngineRunner",
    "EngineVerdict",
    "Fault",
    "TableCase",
    "TableContract",
    "TableFault",
    "TableReceiver",
    "make_delivery",
    "make_query",
    "table_spec",
]

#: where the pytest-bound names live; loaded on first use (PEP 562), never at import
_LAZY = {
    "ConnectorContract": "._connector_contract",
    "TABLE_FAULTS": "._table_contract",
    "TableCase": "._table_contract",
    "TableContract": "._table_contract",
    "TableFault": "._table_contract",
    "TableReceiver": "._table_contract",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module, __package__), name)


_KINDS = {"person", "address", "business"}


@dataclass
class ContractCase:
    """What the kit needs to know about a connector under test."""

    spec: ConnectorSpec
    fake: FakeSpec
    settings: Mapping[str, Any]
    known: list[Subject]
    unknown: list[Subject] = field(default_factory=list)
    bad_credentials: Mapping[str, str] = field(default_factory=dict)
    #: options for the fake's factory (e.g. no latency)
    fake_options: Mapping[str, Any] = field(default_factory=dict)


#: the processing activity of :func:`make_query`'s queries
TEST_PURPOSE = Purpose("VA-MH-01", "Signaalverrijking mensenhandel", "art. 6 lid 1 sub e AVG")
#: the officer of :func:`make_query`'s queries (municipality 0405, Hoorn)
TEST_OFFICER = Officer("o-1", "Test Officer", "0405")


def make_query(
    subject: Subject,
    fields: Iterable[str] | None = None,
    *,
    declared: Iterable[str] = (),
    trace: TraceContext | None = None,
    purpose: Purpose = TEST_PURPOSE,
    officer: Officer = TEST_OFFICER,
    signal_id: str = "s-1",
) -> Query:
    """A query as the engine builds one, for connector tests.

    ``fields`` are the fields asked for; left out, all of ``declared`` (bind a
    connector's declared fields once: ``functools.partial(make_query, declared=FIELDS)``).
    A new trace unless ``trace`` is given; the municipality is the officer's.
    """
    return Query(
        subject=subject,
        fields=frozenset(declared if fields is None else fields),
        purpose=purpose,
        officer=officer,
        signal_id=signal_id,
        trace=trace or TraceContext.new_trace(),
        municipality=officer.municipality,
    )


#: the payload of :func:`make_delivery` unless one is given: a minimised dossier with
#: one person (a BSN of the test range) and one fact
SAMPLE_PAYLOAD: Mapping[str, Any] = {
    "schema": "opplus-tafel-payload/2",
    "table": "test",
    "dossier_id": "d-test-0001",
    "signal_id": "s-1",
    "purpose": {"id": TEST_PURPOSE.id, "name": TEST_PURPOSE.name},
    "subjects": [
        {
            "key": "person:999993653",
            "kind": "person",
            "identifiers": {"burgerservicenummer": "999993653"},
        }
    ],
    "facts": [
        {
            "id": "f1",
            "subject": "person:999993653",
            "attribute": "leeftijd",
            "value": 16,
            "classification": "personal",
        }
    ],
}


def make_delivery(payload: Mapping[str, Any] | None = None, **overrides: Any) -> Delivery:
    """A delivery as the hub's outbox builds one, for table transport tests.

    ``payload_json`` and ``payload_sha256`` are computed from ``payload`` (default
    :data:`SAMPLE_PAYLOAD`) as the hub computes them; any field can be overridden.
    """
    payload = SAMPLE_PAYLOAD if payload is None else payload
    body = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    values: dict[str, Any] = {
        "id": "dl-0001",
        "idempotency_key": "a3f1c2d4e5b6a7980123456789abcdef",
        "table": str(payload.get("table", "test")),
        "table_label": "Testtafel",
        "dossier_id": str(payload.get("dossier_id", "d-test-0001")),
        "signal_id": str(payload.get("signal_id", "s-1")),
        "payload": payload,
        "payload_json": body,
        "payload_sha256": hashlib.sha256(body).hexdigest(),
        "rendering_html": "<!doctype html><html lang='nl'><body><h1>Signaal</h1></body></html>",
        "officer": TEST_OFFICER,
        "purpose": TEST_PURPOSE,
        "trace": TraceContext.new_trace(),
    }
    values.update(overrides)
    return Delivery(**values)


def table_spec(module: ModuleType) -> TableSpec:
    """The one transport a plugin module registers through its ``register_tables`` hook."""
    specs: list[TableSpec] = []
    module.register_tables(register=specs.append)
    if len(specs) != 1:
        raise AssertionError(f"{module.__name__} registers {len(specs)} transports, not one")
    return specs[0]


class _Harness:
    def __init__(self, case: ContractCase) -> None:
        self.case = case
        self.settings = case.spec.settings_model.model_validate(dict(case.settings))
        probe = self.connector()
        self.info = probe.info
        _run(probe.aclose())

    def connector(
        self,
        transport: httpx.AsyncBaseTransport | None = None,
        env: Mapping[str, str] | None = None,
    ) -> Connector:
        return self.case.spec.factory(self.settings, self.context(transport, env))

    def context(
        self,
        transport: httpx.AsyncBaseTransport | None = None,
        env: Mapping[str, str] | None = None,
    ) -> ConnectorContext:
        """What the hub hands the factory, on a fresh fake unless ``transport`` is given."""
        return ConnectorContext(
            transport=transport or self.fake_transport(),
            env={**self.case.fake.test_env, **(env or {})},
        )

    def fake_transport(self) -> httpx.AsyncBaseTransport:
        factory = self.case.fake.app_factory
        assert factory is not None, "the contract kit needs an HTTP fake"
        app = factory(**self.case.fake_options)
        # The fake's routes are relative to its mount, as when the hub mounts it.
        return httpx.ASGITransport(app=app, root_path=self.case.fake.mount)

    @property
    def all_fields(self) -> frozenset[str]:
        return frozenset(self.info.fields)


def _run(coro: Any) -> Any:
    return asyncio.run(coro)


async def _enrich(conn: Connector, query: Query) -> EnrichResult:
    try:
        return await conn.enrich(query)
    finally:
        await conn.aclose()


# -- the fault matrix ---------------------------------------------------------------------

#: where the fault matrix finds the hub's engine. It is looked up when a fault test runs,
#: not imported: importing ``plugins`` or this kit never imports the hub.
ENGINE_RUNNER = "hub.testing:run_connector"

_CHUNK = 16 * 1024
#: a path segment that is an identifier (a number, a UUID, a BAG or KvK id)
_IDENTIFIER = re.compile(r"(?<=/)[0-9a-fA-F-]*[0-9][0-9a-fA-F-]*(?=/|$)")
_SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
_XML_MEDIA_TYPES = frozenset({"text/xml", "application/xml", "application/soap+xml"})


@dataclass(frozen=True)
class EngineVerdict:
    """What the hub's engine recorded for one connector call."""

    #: the outcome status in the dossier: ok, empty, failed, timeout, ...
    status: str
    error: str | None
    attempts: int
    #: facts the connector contributed to the dossier
    facts: int
    #: derived facts and aandachtspunten in the dossier
    indicators: int
    #: seconds the engine waited between attempts (recorded, not spent)
    waits: tuple[float, ...]


class EngineRunner(Protocol):
    """Runs the connector of ``spec`` on ``subject`` through the engine, all its
    declared fields allowed, and says what the dossier records."""

    def __call__(
        self,
        spec: ConnectorSpec,
        settings: ConnectorSettings,
        context: ConnectorContext,
        subject: Subject,
    ) -> Awaitable[EngineVerdict]: ...


@dataclass(frozen=True)
class _Answer:
    """One answer of the fake, read whole."""

    method: str
    path: str
    status: int
    content_type: str
    body: bytes

    @property
    def kind(self) -> str:
        """``json``, ``xml`` or ``other``, by media type."""
        media = self.content_type.split(";")[0].strip().lower()
        if media == "application/json" or media.endswith("+json"):
            return "json"
        if media in _XML_MEDIA_TYPES or media.endswith("+xml"):
            return "xml"
        return "other"

    @property
    def operation(self) -> tuple[str, str, int, str]:
        """Method, path with identifiers blanked, status and kind: answers alike in all
        that a connector reads the same way, so one of them stands for the rest."""
        return (self.method, _IDENTIFIER.sub("{id}", self.path), self.status, self.kind)

    @property
    def has_body(self) -> bool:
        return 200 <= self.status < 300 and self.kind != "other" and len(self.body) >= 2


class _Wire(httpx.AsyncBaseTransport):
    """The fake behind a switch: answers pass, except the ``at``-th request (counting
    from 0) and, unless ``fault.once``, every request after it, which get the fault."""

    def __init__(
        self, inner: httpx.AsyncBaseTransport, fault: Fault | None, at: int, cap: int
    ) -> None:
        self.inner = inner
        self.fault = fault
        self.at = at
        self.cap = cap
        self.sent = 0
        #: the fake's answers by request number
        self.answers: dict[int, _Answer] = {}
        #: bytes an oversized body actually had to produce before the reader gave up
        self.produced = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        # numbered as sent, before any await: concurrent requests must not share a number
        index = self.sent
        self.sent += 1
        response = await self.inner.handle_async_request(request)
        body = await response.aread()
        good = _Answer(
            request.method,
            request.url.path,
            response.status_code,
            response.headers.get("content-type", ""),
            body,
        )
        self.answers[index] = good
        hit = index == self.at or (index > self.at and not self.fault_once)
        if self.fault is None or not hit:
            # the body is decoded already: its length and encoding are the fake's no more
            passed = ("content-length", "content-encoding")
            headers = [(k, v) for k, v in response.headers.multi_items() if k not in passed]
            return httpx.Response(response.status_code, headers=headers, content=body)
        return await self.fault.respond(self, request, good)

    @property
    def fault_once(self) -> bool:
        return self.fault is None or self.fault.once

    def oversized(self, good: _Answer) -> AsyncIterator[bytes]:
        """The good body, then blanks far past the cap (still a valid document, so
        only the cap can refuse it), counted as the reader takes them."""

        async def chunks() -> AsyncIterator[bytes]:
            self.produced += len(good.body)
            yield good.body
            while self.produced < 4 * self.cap:
                self.produced += _CHUNK
                yield b" " * _CHUNK

        return chunks()


Respond = Callable[[_Wire, httpx.Request, _Answer], Awaitable[httpx.Response]]
Verify = Callable[[EngineVerdict, _Wire], str | None]


@dataclass(frozen=True)
class Fault:
    """One row of the fault matrix: what the registry does instead of answering well,
    where it can do so, and the outcome that is honest for it."""

    name: str
    respond: Respond
    #: ``failed``, ``timeout``, or ``ok`` (retried, then answered well)
    expect: str
    #: only the one request is hit; otherwise every request from it on
    once: bool = True
    #: which good answers it can stand in for
    applies: Callable[[_Answer], bool] = lambda answer: True
    #: hit only the first and the last request (a fault that costs wall time)
    ends_only: bool = False
    #: a further check on the verdict; returns what is wrong, or None
    verify: Verify | None = None

    def indexes(self, answers: list[_Answer], seen: set[tuple[str, str, int, str]]) -> list[int]:
        """The requests to hit: the first of each operation it applies to that is not
        in ``seen`` (operations already hit for another subject); ``seen`` grows."""
        applicable = [i for i, answer in enumerate(answers) if self.applies(answer)]
        if self.ends_only:
            return sorted({applicable[0], applicable[-1]}) if applicable else []
        found = []
        for i in applicable:
            if answers[i].operation not in seen:
                seen.add(answers[i].operation)
                found.append(i)
        return found


def _status(code: int, headers: Mapping[str, str] | None = None) -> Respond:
    async def respond(wire: _Wire, request: httpx.Request, good: _Answer) -> httpx.Response:
        return httpx.Response(code, headers=headers, text=f"HTTP {code} (contract kit)")

    return respond


def _body(content: Callable[[_Answer], bytes], code: int = 200) -> Respond:
    async def respond(wire: _Wire, request: httpx.Request, good: _Answer) -> httpx.Response:
        return httpx.Response(
            code, headers={"content-type": good.content_type}, content=content(good)
        )

    return respond


async def _refuse(wire: _Wire, request: httpx.Request, good: _Answer) -> httpx.Response:
    raise httpx.ConnectError("connection refused", request=request)


async def _hang(wire: _Wire, request: httpx.Request, good: _Answer) -> httpx.Response:
    await asyncio.sleep(3600)
    raise AssertionError("the engine's timeout should have ended this")


async def _oversized(wire: _Wire, request: httpx.Request, good: _Answer) -> httpx.Response:
    return httpx.Response(
        good.status, headers={"content-type": good.content_type}, content=wire.oversized(good)
    )


def _envelope(body: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?>'
        f'<soap:Envelope xmlns:soap="{_SOAP_ENV}"><soap:Body>{body}</soap:Body></soap:Envelope>'
    ).encode()


def _retyped(good: _Answer) -> bytes:
    """The good answer with every value at its top level of another JSON type: the keys
    a connector looks for are there, but nothing in them is what the schema says."""
    try:
        body = json.loads(good.body)
    except ValueError:
        return b"{}"
    if not isinstance(body, dict):
        return b"{}"
    return json.dumps({k: 0 if isinstance(v, str) else "0" for k, v in body.items()}).encode()


def _waited_for_retry_after(verdict: EngineVerdict, wire: _Wire) -> str | None:
    if not any(wait >= 1.0 for wait in verdict.waits):
        return f"Retry-After: 1 not honoured (waits {verdict.waits})"
    return None


def _names_the_cap(verdict: EngineVerdict, wire: _Wire) -> str | None:
    if "max_response_bytes" not in (verdict.error or ""):
        return f"the reason does not name max_response_bytes: {verdict.error}"
    if wire.produced > wire.cap + 4 * _CHUNK:
        return f"{wire.produced} bytes read for a cap of {wire.cap}: not capped while streaming"
    return None


def _is(kind: str) -> Callable[[_Answer], bool]:
    return lambda answer: answer.has_body and answer.kind == kind


def _has_body(answer: _Answer) -> bool:
    return answer.has_body


#: the matrix every connector runs through the engine (the guide lists it)
FAULTS: tuple[Fault, ...] = (
    Fault("connect refused", _refuse, "failed", once=False),
    Fault("timeout (hang)", _hang, "timeout", once=False, ends_only=True),
    Fault("500", _status(500), "failed", once=False),
    Fault("502 then ok", _status(502), "ok"),
    Fault("503 then ok", _status(503), "ok"),
    Fault(
        "429 with Retry-After then ok",
        _status(429, {"Retry-After": "1"}),
        "ok",
        verify=_waited_for_retry_after,
    ),
    Fault("401", _status(401), "failed", once=False),
    Fault("403", _status(403), "failed", once=False),
    Fault(
        "malformed body", _body(lambda a: a.body[: len(a.body) // 2]), "failed", applies=_has_body
    ),
    Fault("empty body", _body(lambda a: b""), "failed", applies=_has_body),
    Fault("JSON of the wrong shape: {}", _body(lambda a: b"{}"), "failed", applies=_is("json")),
    Fault("JSON of the wrong shape: []", _body(lambda a: b"[]"), "failed", applies=_is("json")),
    Fault(
        "JSON of the wrong shape: values of the wrong type",
        _body(_retyped),
        "failed",
        applies=_is("json"),
    ),
    Fault(
        "XML of the wrong shape: unexpected element",
        _body(lambda a: _envelope('<x:Onverwacht xmlns:x="urn:opplus:contract"/>')),
        "failed",
        applies=_is("xml"),
    ),
    Fault(
        "XML of the wrong shape: empty SOAP body",
        _body(lambda a: _envelope("")),
        "failed",
        applies=_is("xml"),
    ),
    Fault(
        "SOAP fault",
        _body(
            lambda a: _envelope(
                "<soap:Fault><faultcode>soap:Server</faultcode>"
                "<faultstring>Interne fout</faultstring></soap:Fault>"
            ),
            code=500,
        ),
        "failed",
        applies=_is("xml"),
    ),
    Fault("oversized body", _oversized, "failed", applies=_has_body, verify=_names_the_cap),
)


_BASELINES: dict[str, list[tuple[Subject, list[_Answer]]]] = {}


class _Matrix:
    """Runs one connector through the engine on a switched wire, and judges."""

    def __init__(self, harness: _Harness, engine: EngineRunner) -> None:
        self.harness = harness
        self.engine = engine
        self.bsns = {s.burgerservicenummer for s in harness.case.known if isinstance(s, PersonRef)}
        #: the SDK's default while the good answers are measured; then far less
        self.cap = DEFAULT_MAX_RESPONSE_BYTES

    def run(
        self, subject: Subject, fault: Fault | None, at: int, timeout_s: float | None = None
    ) -> tuple[EngineVerdict, _Wire]:
        case = self.harness.case
        values = {
            **case.settings,
            "max_attempts": 2,
            "retry_budget_s": 30.0,
            "breaker_threshold": 100,
            "max_response_bytes": self.cap,
        }
        if timeout_s is not None:
            values["timeout_s"] = timeout_s
        settings = case.spec.settings_model.model_validate(values)
        wire = _Wire(self.harness.fake_transport(), fault, at, self.cap)
        context = self.harness.context(transport=wire)
        verdict = _run(self.engine(case.spec, settings, context, subject))
        return verdict, wire

    def baseline(self) -> list[tuple[Subject, list[_Answer]]]:
        """The good answers of an enrichment of each known subject (once per case in a
        test session: each fault's test needs them); the cap is set well above the
        largest of them."""
        case = self.harness.case
        key = repr((case.spec.name, case.settings, case.known, case.fake_options))
        found = _BASELINES.get(key)
        if found is None:
            found = []
            for subject in case.known:
                verdict, wire = self.run(subject, None, -1)
                assert verdict.status == "ok", f"{subject.key} without faults: {verdict}"
                found.append((subject, [wire.answers[i] for i in range(wire.sent)]))
            _BASELINES[key] = found
        largest = max((len(a.body) for _, answers in found for a in answers), default=0)
        self.cap = max(64 * 1024, 2 * largest)
        return found

    def hits(self, fault: Fault) -> list[tuple[Subject, int, _Answer]]:
        """Where to inject ``fault``: each operation once, over all known subjects (a
        fault that costs wall time: the first and last request of the first subject)."""
        baseline = self.baseline()
        if fault.ends_only:
            baseline = baseline[:1]
        seen: set[tuple[str, str, int, str]] = set()
        return [
            (subject, at, answers[at])
            for subject, answers in baseline
            for at in fault.indexes(answers, seen)
        ]

    def judge(self, fault: Fault, subject: Subject, at: int, answer: _Answer) -> str | None:
        timeout_s = 0.15 if fault.ends_only else None
        verdict, wire = self.run(subject, fault, at, timeout_s=timeout_s)
        where = f"{subject.kind} subject, request {at} ({answer.method} {answer.path})"
        if verdict.status != fault.expect:
            return f"{where}: outcome {verdict.status!r} ({verdict.error}), not {fault.expect!r}"
        if fault.expect == "ok":
            if verdict.attempts < 2:
                return f"{where}: ok without a retry"
        else:
            error = verdict.error or ""
            if not error or error.startswith("connector error"):
                return f"{where}: the connector crashed instead of naming the fault: {error}"
            if verdict.facts or verdict.indicators:
                return f"{where}: a failed call left facts or indicators in the dossier"
            if any(bsn in error for bsn in self.bsns):
                return f"{where}: a BSN in the reason"
        problem = fault.verify(verdict, wire) if fault.verify else None
        return f"{where}: {problem}" if problem else None


def iter_failures() -> Iterator[str]:
    """Names of the failure modes the kit checks (for the plugin author's guide)."""
    yield from (
        "timeout",
        "connect error",
        "500",
        "502",
        "503",
        "504",
        "429 + Retry-After",
        "401",
        "HTML body",
        "truncated JSON",
        "unexpected XML",
    )
    yield from (fault.name for fault in FAULTS)
