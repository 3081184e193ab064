"""The SDK's one query helper for connector tests, and that every connector test uses it."""

from __future__ import annotations

import functools
import re
from pathlib import Path

from plugins import Officer, PersonRef, TraceContext
from plugins.testing import TEST_OFFICER, TEST_PURPOSE, make_query

ROOT = Path(__file__).resolve().parents[2]


def test_a_query_as_the_engine_builds_one() -> None:
    query = make_query(PersonRef("999993653"), ["leeftijd"])
    assert query.fields == frozenset({"leeftijd"})
    assert query.purpose == TEST_PURPOSE and query.officer == TEST_OFFICER
    assert query.municipality == TEST_OFFICER.municipality == "0405"
    assert query.signal_id == "s-1"
    assert make_query(PersonRef("999993653"), []).trace != query.trace  # a fresh trace


def test_declared_fields_are_the_default_and_fields_win() -> None:
    every = functools.partial(make_query, declared={"a", "b"})
    assert every(PersonRef("999993653")).fields == frozenset({"a", "b"})
    assert every(PersonRef("999993653"), {"a"}).fields == frozenset({"a"})
    assert every(PersonRef("999993653"), fields=()).fields == frozenset()


def test_trace_officer_and_purpose_can_be_given() -> None:
    trace = TraceContext.new_trace()
    officer = Officer("o-2", "Other Officer", "0388")
    query = make_query(PersonRef("999993653"), [], trace=trace, officer=officer)
    assert query.trace is trace
    assert query.officer is officer and query.municipality == "0388"


def test_connector_tests_build_no_query_of_their_own() -> None:
    """One helper: no test of a connector (nor the example plugin's) constructs a Query."""
    places = [*(ROOT / "tests" / "connectors").rglob("*.py")]
    places += [*(ROOT / "examples").rglob("*.py"), *(ROOT / "tests" / "docs").rglob("*.py")]
    own = [p for p in places if re.search(r"\bQuery\(\s*subject=", p.read_text())]
    assert not own, f"use plugins.testing.make_query in {own}"
