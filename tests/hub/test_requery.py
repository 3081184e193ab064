"""Re-query ("Opnieuw bevragen"): only the calls that failed or timed out are made
again; the new version keeps the earlier answers with their original provenance."""

from __future__ import annotations

import json

import jsonschema

from hub.dossier import SCHEMA_PATH
from plugins import AddressRef, Classification, RegistryUnavailable

from .conftest import Scripted
from .test_engine import OFFICER, enricher, signal

P = Classification.PERSONAL
N = Classification.NORMAL
ADDR = AddressRef("1621JH", 88)


class Switch:
    """A registry that is down until it is healed."""

    def __init__(self, answer: object) -> None:
        self.down = True
        self.answer = answer

    def __call__(self, query: object, attempt: int) -> object:
        if self.down:
            return RegistryUnavailable("HTTP 500", transient=False)
        return self.answer


def schema_errors(dossier) -> list[str]:
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text()))
    return [e.message for e in validator.iter_errors(dossier.model_dump(mode="json"))]


async def test_only_the_failed_connector_is_asked_again_and_the_rest_is_kept():
    brp = Scripted("brp", frozenset({"person"}), {"naam": P}, lambda q, n: {"naam": "S. Moulin"})
    kvk = Scripted("kvk", frozenset({"person"}), {"functie": P}, lambda q, n: {})
    handhaving_answer = Switch({"zaken": 2})
    handhaving = Scripted("handhaving", frozenset({"person"}), {"zaken": P}, handhaving_answer)
    engine = enricher(
        {"brp": ["naam"], "kvk": ["functie"], "handhaving": ["zaken"]}, brp, kvk, handhaving
    )
    first = (await engine.enrich(signal(), OFFICER)).dossier
    assert not first.complete
    handhaving_answer.down = False

    run = await engine.enrich(signal(), OFFICER, previous=first)

    assert (len(brp.calls), len(kvk.calls), len(handhaving.calls)) == (1, 1, 2)
    again = run.dossier
    assert again.complete and again.id != first.id
    # the processing log receives the new query only
    assert [c.connector for c in run.calls] == ["handhaving"]
    by = {o.connector: o for o in again.outcomes}
    assert by["brp"] == next(o for o in first.outcomes if o.connector == "brp")
    assert by["kvk"].status == "empty" and by["handhaving"].status == "ok"
    kept = next(f for f in again.facts if f.attribute == "naam")
    was = next(f for f in first.facts if f.attribute == "naam")
    assert kept.value == was.value and kept.provenance == was.provenance
    new = next(f for f in again.facts if f.attribute == "zaken")
    assert new.value == 2 and new.provenance.trace_id == again.trace_id
    assert new.provenance.retrieved_at > was.provenance.retrieved_at
    assert [f.id for f in again.facts] == [f"f{n}" for n in range(1, len(again.facts) + 1)]
    assert schema_errors(again) == []


async def test_what_a_healed_registry_discovers_is_followed_up():
    brp_answer = Switch(({"naam": "x"}, [ADDR], None))
    brp = Scripted("brp", frozenset({"person"}), {"naam": P}, brp_answer)
    bag = Scripted(
        "bag", frozenset({"address"}), {"oppervlakte": N}, lambda q, n: {"oppervlakte": 64}
    )
    engine = enricher({"brp": ["naam"], "bag": ["oppervlakte"]}, brp, bag)
    first = (await engine.enrich(signal(), OFFICER)).dossier
    assert [s.kind for s in first.subjects] == ["person"] and bag.calls == []
    brp_answer.down = False

    again = (await engine.enrich(signal(), OFFICER, previous=first)).dossier

    assert len(brp.calls) == 2 and [q.subject.key for q in bag.calls] == [ADDR.key]
    assert {f.attribute for f in again.facts} >= {"naam", "oppervlakte"}
    assert again.complete and schema_errors(again) == []


async def test_kept_facts_are_not_taken_twice():
    brp = Scripted("brp", frozenset({"person"}), {"naam": P}, lambda q, n: {"naam": "x"})
    down = Switch({"zaken": 1})
    handhaving = Scripted("handhaving", frozenset({"person"}), {"zaken": P}, down)
    engine = enricher({"brp": ["naam"], "handhaving": ["zaken"]}, brp, handhaving)
    first = (await engine.enrich(signal(), OFFICER)).dossier
    down.down = False
    again = (await engine.enrich(signal(), OFFICER, previous=first)).dossier
    connectors = [f.provenance.connector for f in again.facts]
    assert connectors.count("brp") == 1 and connectors.count("handhaving") == 1
