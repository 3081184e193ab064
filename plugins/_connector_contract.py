"""The connector contract as pytest tests: :class:`ConnectorContract` (see :mod:`plugins.testing`).

Kept apart from :mod:`plugins.testing` because it needs pytest at import (fixtures,
parametrised tests); that module loads it only when a test names it.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import structlog

from ._errors import (
    AuthenticationFailed,
    BadResponse,
    ConnectorError,
    RateLimited,
    RegistryTimeout,
    RegistryUnavailable,
)
from ._facts import Classification
from ._labels import unlabelled
from ._subjects import PersonRef
from .testing import (
    _KINDS,
    ENGINE_RUNNER,
    FAULTS,
    ContractCase,
    EngineRunner,
    Fault,
    _enrich,
    _Harness,
    _Matrix,
    _run,
    make_query,
)

__all__ = ["ConnectorContract"]


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
            assert spec.label.strip(), f"field {name!r} needs a Dutch label (FieldSpec.label)"
        assert dict(harness.case.spec.fields) == dict(info.fields), (
            "ConnectorSpec.fields must be the connector's info.fields: the hub labels "
            "stored dossiers from the spec"
        )

    def test_delivered_facts_are_labelled(self, harness: _Harness) -> None:
        """Every key inside a delivered value has a label in ``parts``, and every code
        under a coded key has one in ``codes``: the officer reads no registry names."""
        missing: set[str] = set()
        for subject in harness.case.known:
            result = _run(_enrich(harness.connector(), make_query(subject, harness.all_fields)))
            for fact in result.facts:
                spec = result.info.fields[fact.attribute]
                missing |= {
                    f"{fact.attribute}: {problem}"
                    for problem in unlabelled(fact.attribute, spec, fact.value)
                }
        assert not missing, "labels missing:\n" + "\n".join(sorted(missing))

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
