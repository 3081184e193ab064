"""A dossier's provenance as W3C PROV-JSON."""

from __future__ import annotations

import json
import os

from hub.audit import Pseudonymiser, dossier_to_prov


def provenance(request_id: str, span: str, derived: list[str] | None = None) -> dict[str, object]:
    return {
        "connector": "brp",
        "connector_version": "1.2.0",
        "registry": "BRP",
        "operation": "RaadpleegMetBurgerservicenummer",
        "request_id": request_id,
        "retrieved_at": "2026-05-01T09:30:00.000000Z",
        "response_sha256": "ab" * 32,
        "trace_id": "c" * 32,
        "span_id": span,
        "derived_from": derived or [],
    }


DOSSIER = {
    "id": "d-1",
    "signal": {"id": "sig-1", "officer": {"id": "o-hoorn-1"}},
    "facts": [
        {
            "id": "f1",
            "subject": "person:999970057",
            "attribute": "geboortedatum",
            "value": "2004-11-23",
            "classification": "personal",
            "provenance": provenance("req-1", "1" * 16),
        },
        {
            "id": "f2",
            "subject": "person:999970057",
            "attribute": "nationaliteit",
            "value": "Pools",
            "classification": "personal",
            "provenance": provenance("req-1", "1" * 16),
        },
        {
            "id": "f3",
            "subject": "person:999970057",
            "attribute": "minderjarig",
            "value": False,
            "classification": "personal",
            "provenance": provenance("req-1", "1" * 16, derived=["f1"]),
        },
    ],
    "outcomes": [
        {"connector": "kvk", "status": "timeout", "trace_id": "c" * 32, "span_id": "2" * 16}
    ],
}


def test_prov_json_shape() -> None:
    doc = dossier_to_prov(DOSSIER)
    json.dumps(doc)  # plain JSON
    assert set(doc["prefix"]) == {"prov", "xsd", "opplus"}
    entities = doc["entity"]
    assert entities["opplus:fact/f1"]["prov:type"] == "opplus:Fact"
    assert "prov:value" not in entities["opplus:fact/f1"]
    response = entities["opplus:response/req-1"]
    assert (
        response["opplus:sha256"] == "ab" * 32
        and response["prov:type"] == "opplus:RegistryResponse"
    )
    call = f"opplus:call/{'c' * 32}/{'1' * 16}"
    assert doc["activity"][call]["prov:startTime"] == "2026-05-01T09:30:00.000000Z"
    assert doc["activity"][f"opplus:call/{'c' * 32}/{'2' * 16}"]["opplus:status"] == "timeout"
    assert doc["agent"]["opplus:connector/brp"] == {
        "prov:type": "prov:SoftwareAgent",
        "opplus:version": "1.2.0",
    }
    assert doc["agent"]["opplus:officer/o-hoorn-1"]["prov:type"] == "prov:Person"

    def relations(kind: str) -> list[dict[str, str]]:
        return list(doc[kind].values())

    derived = relations("wasDerivedFrom")
    assert {
        "prov:generatedEntity": "opplus:fact/f3",
        "prov:usedEntity": "opplus:fact/f1",
    } in derived
    assert {
        "prov:generatedEntity": "opplus:fact/f1",
        "prov:usedEntity": "opplus:response/req-1",
    } in derived
    generated = {(r["prov:entity"], r["prov:activity"]) for r in relations("wasGeneratedBy")}
    assert ("opplus:response/req-1", call) in generated and ("opplus:fact/f2", call) in generated
    assert relations("actedOnBehalfOf") == [
        {
            "prov:delegate": "opplus:connector/brp",
            "prov:responsible": "opplus:officer/o-hoorn-1",
            "prov:activity": call,
        }
    ]
    assert {"prov:activity": call, "prov:entity": "opplus:signal/sig-1"} in relations("used")
    assert len(relations("hadMember")) == 3
    assert all(key.startswith("_:") for key in doc["wasDerivedFrom"])
    # one response, one call, however many facts came from it
    assert (
        len(
            [
                r
                for r in relations("wasGeneratedBy")
                if r["prov:entity"].startswith("opplus:response")
            ]
        )
        == 1
    )


def test_values_and_pseudonyms_on_request() -> None:
    p = Pseudonymiser(os.urandom(32))
    doc = dossier_to_prov(DOSSIER, include_values=True, pseudonymiser=p, officer_id="o-2")
    fact = doc["entity"]["opplus:fact/f1"]
    assert fact["prov:value"] == "2004-11-23"
    assert fact["opplus:subject"] == "person:" + p.pseudonymise("999970057")
    assert "999970057" not in json.dumps(doc)
    assert "opplus:officer/o-2" in doc["agent"]


def test_the_hub_dossier_shape() -> None:
    """As ``hub.dossier.Dossier.model_dump(mode="json")`` gives it."""
    dossier = {
        "id": "d-2",
        "signal_id": "sig-2",
        "trace_id": "c" * 32,
        "signal": {"omschrijving": "post voor veel mensen"},
        "officer": {"id": "af-1", "name": "A", "municipality": "0405"},
        "facts": [dict(DOSSIER["facts"][0])],  # type: ignore[index]
        "outcomes": [
            {
                "connector": "brp",
                "subject": "person:999970057",
                "round": 0,
                "status": "ok",
                "span_id": "1" * 16,
                "started_at": "2026-05-01T09:29:59.900000Z",
                "fields_requested": ["geboorte"],
            },
            {"connector": "bibob", "subject": "x", "round": 0, "status": "refused"},
        ],
    }
    doc = dossier_to_prov(dossier)
    call = doc["activity"][f"opplus:call/{'c' * 32}/{'1' * 16}"]
    assert call["opplus:status"] == "ok" and call["opplus:fields_requested"] == ["geboorte"]
    assert len(doc["activity"]) == 1  # the refused call was never made
    assert "opplus:signal/sig-2" in doc["entity"] and "opplus:officer/af-1" in doc["agent"]
