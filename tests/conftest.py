"""Shared test helpers."""

from __future__ import annotations

import pytest

from plugins import Officer, Purpose, Query, Subject, TraceContext


def make_query(subject: Subject, fields: set[str] | frozenset[str], **extra: object) -> Query:
    """A query as the engine would build it, for connector tests."""
    return Query(
        subject=subject,
        fields=frozenset(fields),
        purpose=Purpose("VA-MH-01", "Verrijken signaal mensenhandel", "test grondslag"),
        officer=Officer("af-test", "Test Aandachtsfunctionaris", "0405"),
        signal_id="signal-test",
        trace=TraceContext.new_trace(),
        municipality="0405",
    )


@pytest.fixture
def query_factory():
    return make_query
