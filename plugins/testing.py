"""The connector contract test kit: the same checks for every connector, ours and yours.

Opt in from a test module of your plugin::

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
"""

from __future__ import annotations

import asyncio
import importlib
import json
import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx
import pytest
import structlog

from ._connector import (
    DEFAULT_MAX_RESPONSE_BYTES,
    Connector,
    ConnectorContext,
    ConnectorSettings,
    ConnectorSpec,
    FakeSpec,
)
from ._errors import (
    AuthenticationFailed,
    BadResponse,
    ConnectorError,
    RateLimited,
    RegistryTimeout,
    RegistryUnavailable,
)
from ._facts import Classification, EnrichResult
from ._query import Officer, Purpose, Query, TraceContext
from ._subjects import PersonRef, Subject

__all__ = [
    "ENGINE_RUNNER",
    "FAULTS",
    "ConnectorContract",
    "ContractCase",
    "EngineRunner",
    "EngineVerdict",
    "Fault",
    "make_query",
]

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


def make_query(subject: Subject, fields: frozenset[str]) -> Query:
    """A query as the engine builds one."""
    return Query(
        subject=subject,
        fields=fields,
        purpose=Purpose("VA-TEST", "Contract test", "test"),
        officer=Officer("af-contract", "Contract Test", "0405"),
        signal_id="signal-contract",
        trace=TraceContext.new_trace(),
        municipality="0405",
    )


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


class ConnectorContract:
    """Subclass in your tests and provide a ``case`` fixture returning a ContractCase."""

    @pytest.fixture
    def harness(self, case: ContractCase) -> _Harness:
        return _Harness(case)

    @pytest.fixture
    def engine(self) -> EngineRunner:
        """The hub's engine (:data:`ENGINE_RUNNER`); override to run the matrix elsewhere."""
        module, _, name = ENGINE_RUNNER.partition(":")
        runner: EngineRunner = getattr(importlib.import_module(module), name)
        return runner

    # -- declaration ------------------------------------------------------------------

    def test_declares_name_version_kinds_and_classified_fields(self, harness: _Harness) -> None:
        info = harness.info
        assert info.name == harness.case.spec.name
        assert info.version and info.registry
        assert info.subject_kinds and set(info.subject_kinds) <= _KINDS
        assert info.fields, "a connector declares the fields it can provide"
        for name, spec in info.fields.items():
            assert isinstance(spec.classification, Classification), name
            assert spec.description, f"field {name!r} needs a description"

    # -- answers ----------------------------------------------------------------------

    def test_known_subjects_give_facts_with_full_provenance(self, harness: _Harness) -> None:
        for subject in harness.case.known:
            query = make_query(subject, harness.all_fields)
            result = _run(_enrich(harness.connector(), query))
            assert result.facts, f"no facts for known subject {subject.key}"
            hashes = {ev.sha256 for ev in result.evidence}
            for fact in result.facts:
                p = fact.provenance
                assert p.connector == harness.case.spec.name
                assert p.connector_version and p.registry and p.operation and p.request_id
                assert p.response_sha256 in hashes, "provenance must point at a kept response"
                assert p.trace_id == query.trace.trace_id and p.span_id == query.trace.span_id
                assert fact.classification == result.info.fields[fact.attribute].classification

    def test_only_requested_declared_fields_come_back(self, harness: _Harness) -> None:
        subject = harness.case.known[0]
        for name in harness.info.fields:
            result = _run(_enrich(harness.connector(), make_query(subject, frozenset({name}))))
            assert {f.attribute for f in result.facts} <= {name}, name

    def test_unknown_subjects_are_empty_not_errors(self, harness: _Harness) -> None:
        for subject in harness.case.unknown:
            result = _run(_enrich(harness.connector(), make_query(subject, harness.all_fields)))
            informative = [f for f in result.facts if f.value not in ([], 0, None, False)]
            assert not informative, f"unknown {subject.key} gave {informative}"

    # -- failures on the wire ---------------------------------------------------------

    def _fail_with(
        self, harness: _Harness, handler: Callable[[httpx.Request], Any]
    ) -> BaseException:
        async def respond(request: httpx.Request) -> httpx.Response:
            outcome = handler(request)
            if isinstance(outcome, BaseException):
                raise outcome
            return outcome  # type: ignore[no-any-return]

        conn = harness.connector(transport=httpx.MockTransport(respond))
        query = make_query(harness.case.known[0], harness.all_fields)
        with pytest.raises(ConnectorError) as info:
            _run(_enrich(conn, query))
        return info.value

    def test_timeout_is_registry_timeout(self, harness: _Harness) -> None:
        err = self._fail_with(harness, lambda r: httpx.ReadTimeout("slow", request=r))
        assert isinstance(err, RegistryTimeout) and err.transient

    def test_connect_error_is_transient_unavailable(self, harness: _Harness) -> None:
        err = self._fail_with(harness, lambda r: httpx.ConnectError("refused", request=r))
        assert isinstance(err, RegistryUnavailable) and err.transient

    @pytest.mark.parametrize(
        ("status", "transient"), [(500, False), (502, True), (503, True), (504, True)]
    )
    def test_server_errors_are_unavailable(
        self, harness: _Harness, status: int, transient: bool
    ) -> None:
        err = self._fail_with(harness, lambda r: httpx.Response(status, text="error"))
        assert isinstance(err, RegistryUnavailable) and err.transient is transient

    def test_429_is_rate_limited_with_retry_after(self, harness: _Harness) -> None:
        err = self._fail_with(
            harness, lambda r: httpx.Response(429, headers={"Retry-After": "7"}, text="slow down")
        )
        assert isinstance(err, RateLimited) and err.retry_after == 7

    def test_401_is_authentication_failed(self, harness: _Harness) -> None:
        err = self._fail_with(harness, lambda r: httpx.Response(401, text="no"))
        assert isinstance(err, AuthenticationFailed)

    @pytest.mark.parametrize(
        ("ctype", "body"),
        [
            ("text/html", b"<html><body>Onderhoud</body></html>"),
            ("application/json", b'{"truncated": '),
            ("text/xml", b"<?xml version='1.0'?><unexpected/>"),
        ],
    )
    def test_malformed_body_is_bad_response(
        self, harness: _Harness, ctype: str, body: bytes
    ) -> None:
        err = self._fail_with(
            harness, lambda r: httpx.Response(200, headers={"content-type": ctype}, content=body)
        )
        assert isinstance(err, BadResponse), type(err)

    def test_cancellation_is_honoured(self, harness: _Harness) -> None:
        async def hang(request: httpx.Request) -> httpx.Response:
            await asyncio.sleep(3600)
            raise AssertionError("unreachable")

        async def scenario() -> None:
            conn = harness.connector(transport=httpx.MockTransport(hang))
            task = asyncio.create_task(
                conn.enrich(make_query(harness.case.known[0], harness.all_fields))
            )
            await asyncio.sleep(0.05)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await asyncio.wait_for(task, timeout=2)
            await conn.aclose()

        _run(scenario())

    # -- the fault matrix, through the engine -----------------------------------------

    @pytest.mark.parametrize("fault", FAULTS, ids=lambda fault: fault.name)
    def test_fault_matrix_through_the_engine(
        self, harness: _Harness, engine: EngineRunner, fault: Fault
    ) -> None:
        matrix = _Matrix(harness, engine)
        hits = matrix.hits(fault)
        if not hits:
            pytest.skip(f"no answer of this connector can carry: {fault.name}")
        problems = [matrix.judge(fault, *hit) for hit in hits]
        found = [p for p in problems if p]
        assert not found, f"{fault.name}:\n" + "\n".join(found)

    # -- health -----------------------------------------------------------------------

    def test_check_is_ok_with_the_fakes_credentials(self, harness: _Harness) -> None:
        async def probe() -> Any:
            conn = harness.connector()
            try:
                return await conn.check()
            finally:
                await conn.aclose()

        health = _run(probe())
        assert health.ok, health.detail

    def test_check_fails_on_bad_credentials(self, harness: _Harness) -> None:
        if not harness.case.bad_credentials:
            pytest.skip("this connector has no credentials")

        async def probe() -> Any:
            conn = harness.connector(env=harness.case.bad_credentials)
            try:
                return await conn.check()
            finally:
                await conn.aclose()

        health = _run(probe())
        assert not health.ok

    # -- privacy ----------------------------------------------------------------------

    def test_no_secret_and_no_bsn_in_logs(
        self, harness: _Harness, caplog: pytest.LogCaptureFixture
    ) -> None:
        secrets = [v for v in harness.case.fake.test_env.values() if v]
        bsns = {s.burgerservicenummer for s in harness.case.known if isinstance(s, PersonRef)}
        caplog.set_level(logging.DEBUG)
        for quiet in ("httpx", "httpcore"):  # the hub silences their request lines
            logging.getLogger(quiet).setLevel(logging.WARNING)
        with structlog.testing.capture_logs() as events:
            for subject in harness.case.known:
                _run(_enrich(harness.connector(), make_query(subject, harness.all_fields)))
            if harness.case.bad_credentials:
                bad = harness.connector(env=harness.case.bad_credentials)
                query = make_query(harness.case.known[0], harness.all_fields)
                with pytest.raises(ConnectorError):
                    _run(_enrich(bad, query))
        text = caplog.text + "\n".join(repr(e) for e in events)
        for secret in secrets:
            assert secret not in text, "a secret reached the logs"
        for bsn in bsns:
            assert bsn not in text, "a BSN reached the logs"


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
