"""A dossier's provenance as W3C PROV-JSON.

The mapping:

* entities — each fact (``opplus:fact/<id>``), each registry response it came from
  (``opplus:response/<request_id>``, with its SHA-256), the signal and the dossier;
* activities — each connector call (``opplus:call/<trace_id>/<span_id>``);
* agents — each connector (``prov:SoftwareAgent``, with its version) and the officer
  (``prov:Person``) on whose behalf the connector acted;
* relations — a response and its facts ``wasGeneratedBy`` the call, a fact
  ``wasDerivedFrom`` its response and, for a derived fact, from the facts it was
  derived from; the call ``used`` the signal, ``wasAssociatedWith`` the connector,
  which ``actedOnBehalfOf`` the officer; the dossier ``hadMember`` its facts.

Fact values are left out unless ``include_values``: provenance says where data came
from, not what it is. With a ``pseudonymiser``, person subjects (``person:<BSN>``) are
exported as pseudonyms.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from hub.store.timestamps import format_ts

from .pseudonym import Pseudonymiser

__all__ = ["dossier_to_prov"]

PREFIXES = {
    "prov": "http://www.w3.org/ns/prov#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "opplus": "urn:opplus:",
}


def _time(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return format_ts(value)
    return str(value)


def _officer(dossier: Mapping[str, Any], officer_id: str | None) -> str | None:
    if officer_id:
        return officer_id
    for holder in (dossier, dossier.get("signal") or {}):
        if not isinstance(holder, Mapping):
            continue
        if holder.get("officer_id"):
            return str(holder["officer_id"])
        officer = holder.get("officer")
        if isinstance(officer, Mapping) and officer.get("id"):
            return str(officer["id"])
        if isinstance(officer, str) and officer:
            return officer
    return None


class _Doc:
    def __init__(self) -> None:
        self.doc: dict[str, Any] = {"prefix": dict(PREFIXES)}
        self._counter = 0
        self._seen: set[tuple[str, tuple[tuple[str, Any], ...]]] = set()

    def add(self, kind: str, ident: str, attrs: dict[str, Any]) -> None:
        section = self.doc.setdefault(kind, {})
        section.setdefault(ident, {}).update({k: v for k, v in attrs.items() if v is not None})

    def relate(self, kind: str, attrs: dict[str, Any]) -> None:
        attrs = {k: v for k, v in attrs.items() if v is not None}
        key = (kind, tuple(sorted(attrs.items())))
        if key in self._seen:
            return
        self._seen.add(key)
        self._counter += 1
        self.doc.setdefault(kind, {})[f"_:{kind}{self._counter}"] = attrs


def dossier_to_prov(
    dossier: Mapping[str, Any],
    *,
    officer_id: str | None = None,
    include_values: bool = False,
    pseudonymiser: Pseudonymiser | None = None,
) -> dict[str, Any]:
    """PROV-JSON of ``dossier``: a plain dict with ``id``, ``signal`` (or ``signal_id``),
    ``facts`` and ``outcomes`` (e.g. ``hub.dossier.Dossier.model_dump(mode="json")``);
    the officer from ``officer_id``, else ``officer.id`` of the dossier or signal."""
    out = _Doc()
    dossier_ref = f"opplus:dossier/{dossier['id']}"
    out.add("entity", dossier_ref, {"prov:type": "prov:Collection"})
    signal = dossier.get("signal") or {}
    signal_id = dossier.get("signal_id") or (
        signal.get("id") if isinstance(signal, Mapping) else signal
    )
    signal_ref = f"opplus:signal/{signal_id}" if signal_id else None
    if signal_ref:
        out.add("entity", signal_ref, {"prov:type": "opplus:Signal"})
    officer = _officer(dossier, officer_id)
    officer_ref = f"opplus:officer/{officer}" if officer else None
    if officer_ref:
        out.add("agent", officer_ref, {"prov:type": "prov:Person"})

    def subject_label(subject: str) -> str:
        if pseudonymiser is not None and subject.startswith("person:"):
            return "person:" + pseudonymiser.pseudonymise(subject.removeprefix("person:"))
        return subject

    for fact in dossier.get("facts", []):
        fact_ref = f"opplus:fact/{fact['id']}"
        prov = fact.get("provenance") or {}
        attrs: dict[str, Any] = {
            "prov:type": "opplus:Fact",
            "opplus:attribute": fact.get("attribute"),
            "opplus:subject": subject_label(str(fact.get("subject", ""))),
            "opplus:classification": fact.get("classification"),
        }
        if include_values:
            attrs["prov:value"] = fact.get("value")
        out.add("entity", fact_ref, attrs)
        out.relate("hadMember", {"prov:collection": dossier_ref, "prov:entity": fact_ref})
        for source in prov.get("derived_from") or []:
            out.relate(
                "wasDerivedFrom",
                {"prov:generatedEntity": fact_ref, "prov:usedEntity": f"opplus:fact/{source}"},
            )
        connector = prov.get("connector")
        if not connector:
            continue
        when = _time(prov.get("retrieved_at"))
        call_ref = f"opplus:call/{prov.get('trace_id')}/{prov.get('span_id')}"
        agent_ref = f"opplus:connector/{connector}"
        out.add(
            "activity",
            call_ref,
            {
                "prov:type": "opplus:ConnectorCall",
                "prov:startTime": when,
                "prov:endTime": when,
                "opplus:registry": prov.get("registry"),
                "opplus:operation": prov.get("operation"),
                "opplus:trace_id": prov.get("trace_id"),
                "opplus:span_id": prov.get("span_id"),
            },
        )
        out.add(
            "agent",
            agent_ref,
            {"prov:type": "prov:SoftwareAgent", "opplus:version": prov.get("connector_version")},
        )
        out.relate("wasAssociatedWith", {"prov:activity": call_ref, "prov:agent": agent_ref})
        if officer_ref:
            out.relate(
                "actedOnBehalfOf",
                {
                    "prov:delegate": agent_ref,
                    "prov:responsible": officer_ref,
                    "prov:activity": call_ref,
                },
            )
        if signal_ref:
            out.relate("used", {"prov:activity": call_ref, "prov:entity": signal_ref})
        out.relate(
            "wasGeneratedBy",
            {"prov:entity": fact_ref, "prov:activity": call_ref, "prov:time": when},
        )
        if prov.get("request_id"):
            response_ref = f"opplus:response/{prov['request_id']}"
            out.add(
                "entity",
                response_ref,
                {
                    "prov:type": "opplus:RegistryResponse",
                    "opplus:registry": prov.get("registry"),
                    "opplus:operation": prov.get("operation"),
                    "opplus:request_id": prov.get("request_id"),
                    "opplus:sha256": prov.get("response_sha256"),
                    "prov:generatedAtTime": when,
                },
            )
            out.relate(
                "wasGeneratedBy",
                {"prov:entity": response_ref, "prov:activity": call_ref, "prov:time": when},
            )
            out.relate(
                "wasDerivedFrom",
                {"prov:generatedEntity": fact_ref, "prov:usedEntity": response_ref},
            )

    for outcome in dossier.get("outcomes", []) or []:
        if not isinstance(outcome, Mapping) or not outcome.get("span_id"):
            continue  # a call not made (skipped, refused) is no activity
        trace_id = outcome.get("trace_id") or dossier.get("trace_id")
        call_ref = f"opplus:call/{trace_id}/{outcome['span_id']}"
        out.add(
            "activity",
            call_ref,
            {
                "prov:type": "opplus:ConnectorCall",
                "opplus:status": outcome.get("status"),
                "opplus:error": outcome.get("error"),
                "opplus:fields_requested": outcome.get("fields_requested") or None,
            },
        )
        started = outcome.get("started_at")
        if started is not None:
            section = out.doc["activity"][call_ref]
            section.setdefault("prov:startTime", _time(started))
        if outcome.get("connector"):
            agent_ref = f"opplus:connector/{outcome['connector']}"
            out.add("agent", agent_ref, {"prov:type": "prov:SoftwareAgent"})
            out.relate("wasAssociatedWith", {"prov:activity": call_ref, "prov:agent": agent_ref})
    return out.doc
