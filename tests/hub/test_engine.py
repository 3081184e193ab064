"""The engine: fan-out, rounds, discovery, statuses, retries, breaker, wall time."""

from __future__ import annotations

import asyncio
import time

import pytest

from hub.engine import ConnectorHandle, Enricher
from hub.resilience import CircuitBreaker
from hub.signal import parse_signal
from plugins import (
    AddressRef,
    AuthenticationFailed,
    BadResponse,
    Classification,
    Officer,
    QueryRejected,
    RateLimited,
    RegistryUnavailable,
)

from .conftest import Scripted, make_config, settings

P = Classification.PERSONAL
OFFICER = Officer("af", "AF", "0405")
BSN = "999993653"


def signal(**extra):
    data = {
        "municipality": "0405",
        "forms": ["arbeidsuitbuiting"],
        "purpose": "VA-1",
        "persons": [{"burgerservicenummer": BSN}],
        **extra,
    }
    return parse_signal(data)


def handle(conn: Scripted, **overrides) -> ConnectorHandle:
    s = settings(**overrides)
    return ConnectorHandle(
        conn.name, conn, s, CircuitBreaker(s.breaker_threshold, s.breaker_reset_s)
    )


def enricher(fields, *conns, rounds=2, **overrides):
    config = make_config(fields, max_rounds=rounds)
    return Enricher(config, [handle(c, **overrides) for c in conns])


async def test_facts_carry_provenance_and_ok_status():
    brp = Scripted(
        "brp",
        frozenset({"person"}),
        {"naam": P, "leeftijd": P},
        lambda q, n: {"naam": "Suzanne Moulin", "leeftijd": 40},
    )
    run = await enricher({"brp": ["naam", "leeftijd"]}, brp).enrich(signal(), OFFICER)
    d = run.dossier
    assert [(f.attribute, f.value) for f in d.facts] == [
        ("naam", "Suzanne Moulin"),
        ("leeftijd", 40),
    ]
    prov = d.facts[0].provenance
    assert prov.connector == "brp" and prov.trace_id == d.trace_id
    assert prov.span_id == d.outcomes[0].span_id and len(prov.response_sha256) == 64
    assert d.outcomes[0].status == "ok" and d.outcomes[0].attempts == 1
    assert d.complete


async def test_query_fields_are_purpose_allow_list_intersected_with_declared():
    brp = Scripted(
        "brp", frozenset({"person"}), {"naam": P, "leeftijd": P}, lambda q, n: {"naam": "x"}
    )
    await enricher({"brp": ["naam", "nationaliteit"]}, brp).enrich(signal(), OFFICER)
    assert brp.calls[0].fields == frozenset({"naam"})


async def test_connector_not_in_purpose_is_refused_and_not_called():
    brp = Scripted("brp", frozenset({"person"}), {"naam": P}, lambda q, n: {"naam": "x"})
    kvk = Scripted("kvk", frozenset({"person"}), {"naam": P}, lambda q, n: {"naam": "y"})
    run = await enricher({"brp": ["naam"]}, brp, kvk).enrich(signal(), OFFICER)
    statuses = {o.connector: o.status for o in run.dossier.outcomes}
    assert statuses == {"brp": "ok", "kvk": "refused"}
    assert kvk.calls == []


async def test_failure_never_looks_empty():
    down = Scripted(
        "handhaving",
        frozenset({"person"}),
        {"zaken": P},
        lambda q, n: RegistryUnavailable("HTTP 500", transient=False),
    )
    empty = Scripted("kvk", frozenset({"person"}), {"naam": P}, lambda q, n: {})
    run = await enricher({"handhaving": ["zaken"], "kvk": ["naam"]}, down, empty).enrich(
        signal(), OFFICER
    )
    by = {o.connector: o for o in run.dossier.outcomes}
    assert by["handhaving"].status == "failed" and "HTTP 500" in by["handhaving"].error
    assert by["kvk"].status == "empty" and by["kvk"].error is None
    assert not run.dossier.complete


async def test_transient_errors_are_retried_then_succeed():
    flaky = Scripted(
        "brp",
        frozenset({"person"}),
        {"naam": P},
        lambda q, n: RegistryUnavailable("503") if n < 3 else {"naam": "x"},
    )
    run = await enricher({"brp": ["naam"]}, flaky).enrich(signal(), OFFICER)
    out = run.dossier.outcomes[0]
    assert out.status == "ok" and out.attempts == 3


@pytest.mark.parametrize(
    "error",
    [
        AuthenticationFailed("401"),
        QueryRejected("400"),
        BadResponse("html"),
        RegistryUnavailable("500", transient=False),
    ],
)
async def test_permanent_errors_are_not_retried(error):
    conn = Scripted("brp", frozenset({"person"}), {"naam": P}, lambda q, n: error)
    run = await enricher({"brp": ["naam"]}, conn).enrich(signal(), OFFICER)
    assert run.dossier.outcomes[0].attempts == 1
    assert run.dossier.outcomes[0].status == "failed"


async def test_retry_after_is_honoured():
    conn = Scripted(
        "brp",
        frozenset({"person"}),
        {"naam": P},
        lambda q, n: RateLimited("429", retry_after=0.3) if n == 1 else {"naam": "x"},
    )
    t0 = time.perf_counter()
    run = await enricher({"brp": ["naam"]}, conn).enrich(signal(), OFFICER)
    assert time.perf_counter() - t0 >= 0.3
    assert run.dossier.outcomes[0].attempts == 2


async def test_retry_after_beyond_budget_gives_up_at_once():
    conn = Scripted(
        "brp", frozenset({"person"}), {"naam": P}, lambda q, n: RateLimited("429", retry_after=60)
    )
    t0 = time.perf_counter()
    run = await enricher({"brp": ["naam"]}, conn, retry_budget_s=2).enrich(signal(), OFFICER)
    assert time.perf_counter() - t0 < 1.5
    out = run.dossier.outcomes[0]
    assert out.status == "failed" and out.attempts == 1 and "RateLimited" in out.error


async def test_hang_becomes_timeout_status():
    async def hang(q, n):
        await asyncio.sleep(30)

    conn = Scripted("brp", frozenset({"person"}), {"naam": P}, hang)
    run = await enricher({"brp": ["naam"]}, conn, timeout_s=0.2, max_attempts=2).enrich(
        signal(), OFFICER
    )
    out = run.dossier.outcomes[0]
    assert out.status == "timeout" and out.attempts == 2


async def test_connector_bug_is_a_failed_outcome_not_a_crash():
    conn = Scripted("brp", frozenset({"person"}), {"naam": P}, lambda q, n: KeyError("naam"))
    ok = Scripted("kvk", frozenset({"person"}), {"naam": P}, lambda q, n: {"naam": "y"})
    run = await enricher({"brp": ["naam"], "kvk": ["naam"]}, conn, ok).enrich(signal(), OFFICER)
    by = {o.connector: o for o in run.dossier.outcomes}
    assert by["brp"].status == "failed" and "KeyError" in by["brp"].error
    assert by["kvk"].status == "ok"


async def test_wall_time_is_the_slowest_call_not_the_sum():
    def slow(delay):
        async def behave(q, n):
            await asyncio.sleep(delay)
            return {"naam": "x"}

        return behave

    conns = [Scripted(f"c{i}", frozenset({"person"}), {"naam": P}, slow(0.3)) for i in range(6)]
    e = enricher({c.name: ["naam"] for c in conns}, *conns)
    t0 = time.perf_counter()
    await e.enrich(signal(), OFFICER)
    elapsed = time.perf_counter() - t0
    assert elapsed < 0.3 * 6 / 2, elapsed  # far from the 1.8 s sum


async def test_discovered_address_feeds_round_two_once():
    addr = AddressRef("1621JH", 88, adresseerbaarObjectIdentificatie="0405010000170088")
    brp = Scripted(
        "brp", frozenset({"person"}), {"naam": P}, lambda q, n: ({"naam": "x"}, [addr], None)
    )
    bag = Scripted(
        "bag",
        frozenset({"address"}),
        {"oppervlakte": Classification.NORMAL},
        lambda q, n: {"oppervlakte": 64},
    )
    run = await enricher({"brp": ["naam"], "bag": ["oppervlakte"]}, brp, bag).enrich(
        signal(addresses=[{"postcode": "1621 JH", "huisnummer": 88}]), OFFICER
    )
    # the signal's address and the discovered one are the same subject: one BAG call
    assert len(bag.calls) == 1
    entry = next(e for e in run.dossier.subjects if e.kind == "address")
    assert entry.origin == "signal" and entry.discovered_by == ["brp"]
    assert entry.identifiers["adresseerbaarObjectIdentificatie"] == "0405010000170088"


async def test_refined_subject_is_offered_to_connectors_that_needed_it():
    refined = AddressRef("1621JH", 88, adresseerbaarObjectIdentificatie="0405010000170088")
    bag = Scripted(
        "bag",
        frozenset({"address"}),
        {"oppervlakte": Classification.NORMAL},
        lambda q, n: ({"oppervlakte": 64}, [], refined),
    )
    bew = Scripted(
        "bewoning",
        frozenset({"address"}),
        {"aantalBewoners": P},
        lambda q, n: {"aantalBewoners": 9},
        needs=lambda s: s.adresseerbaarObjectIdentificatie is not None,
    )
    data = {
        "municipality": "0405",
        "forms": ["arbeidsuitbuiting"],
        "purpose": "VA-1",
        "addresses": [{"postcode": "1621JH", "huisnummer": 88}],
    }
    run = await enricher({"bag": ["oppervlakte"], "bewoning": ["aantalBewoners"]}, bag, bew).enrich(
        parse_signal(data), OFFICER
    )
    by = {o.connector: o for o in run.dossier.outcomes}
    assert by["bag"].round == 1 and by["bewoning"].round == 2
    assert by["bewoning"].status == "ok"


async def test_subject_beyond_depth_is_listed_not_enriched_and_says_so():
    addr = AddressRef("1621JH", 88)
    brp = Scripted(
        "brp", frozenset({"person"}), {"naam": P}, lambda q, n: ({"naam": "x"}, [addr], None)
    )
    bag = Scripted(
        "bag",
        frozenset({"address"}),
        {"oppervlakte": Classification.NORMAL},
        lambda q, n: {"oppervlakte": 64},
    )
    run = await enricher({"brp": ["naam"], "bag": ["oppervlakte"]}, brp, bag, rounds=1).enrich(
        signal(), OFFICER
    )
    entry = next(e for e in run.dossier.subjects if e.kind == "address")
    assert not entry.enriched and "diepte" in entry.note
    assert bag.calls == []


async def test_unacceptable_subject_ends_as_skipped():
    bew = Scripted(
        "bewoning",
        frozenset({"address"}),
        {"aantalBewoners": P},
        lambda q, n: {"aantalBewoners": 9},
        needs=lambda s: False,
    )
    data = {
        "municipality": "0405",
        "forms": ["arbeidsuitbuiting"],
        "purpose": "VA-1",
        "addresses": [{"postcode": "1621JH", "huisnummer": 88}],
    }
    run = await enricher({"bewoning": ["aantalBewoners"]}, bew).enrich(parse_signal(data), OFFICER)
    assert [o.status for o in run.dossier.outcomes] == ["skipped"]


async def test_breaker_opens_after_threshold_and_skips_calls():
    down = Scripted(
        "brp",
        frozenset({"person"}),
        {"naam": P},
        lambda q, n: RegistryUnavailable("down", transient=False),
    )
    e = enricher({"brp": ["naam"]}, down, breaker_threshold=2, breaker_reset_s=60)
    for _ in range(2):
        await e.enrich(signal(), OFFICER)
    run = await e.enrich(signal(), OFFICER)
    out = run.dossier.outcomes[0]
    assert out.status == "failed" and "circuit breaker open" in out.error and out.attempts == 0
    assert len(down.calls) == 2


async def test_conflicts_between_sources_are_kept_side_by_side():
    data = {
        "municipality": "0405",
        "forms": ["seksuele_uitbuiting"],
        "purpose": "VA-1",
        "businesses": [{"kvkNummer": "97000035"}],
    }
    kvk = Scripted(
        "kvk",
        frozenset({"business"}),
        {"naam": Classification.NORMAL},
        lambda q, n: {"naam": "Lotus Massage & Wellness"},
    )
    bibob = Scripted(
        "bibob",
        frozenset({"business"}),
        {"naam": Classification.BIBOB},
        lambda q, n: {"naam": "Lotus Massage"},
    )
    run = await enricher({"kvk": ["naam"], "bibob": ["naam"]}, kvk, bibob).enrich(
        parse_signal(data), OFFICER
    )
    [conflict] = run.dossier.conflicts
    assert conflict.attribute == "naam"
    assert {v.value for v in conflict.values} == {"Lotus Massage & Wellness", "Lotus Massage"}
    assert len(run.dossier.facts) == 2  # both kept


async def test_progress_events_for_every_call():
    events = []
    brp = Scripted("brp", frozenset({"person"}), {"naam": P}, lambda q, n: {"naam": "x"})
    run = await enricher({"brp": ["naam"]}, brp).enrich(signal(), OFFICER, progress=events.append)
    assert [(e.connector, e.outcome is None) for e in events] == [("brp", True), ("brp", False)]
    assert events[1].outcome == run.dossier.outcomes[0]


async def test_the_dossier_is_assembled_at_the_moment_it_completes():
    brp = Scripted("brp", frozenset({"person"}), {"leeftijd": P}, lambda q, n: {"leeftijd": 16})
    d = (await enricher({"brp": ["leeftijd"]}, brp).enrich(signal(), OFFICER)).dossier
    [derived] = [f for f in d.facts if f.provenance.connector == "opplus.indicatoren"]
    # the assembly reads no clock: the indicator is dated by the engine's own timing
    assert derived.provenance.retrieved_at == d.completed_at
    assert d.created_at <= d.facts[0].provenance.retrieved_at <= d.completed_at
