"""The kit's fault matrix catches a connector that lets a failure look like "nothing found".

Three careless variants of one small connector must each fail one row of the matrix,
which the same connector without that flaw passes.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI

from hub.testing import run_connector
from plugins import (
    AddressRef,
    BadResponse,
    Classification,
    ConnectorContext,
    ConnectorInfo,
    ConnectorSettings,
    ConnectorSpec,
    EnrichResult,
    Evidence,
    FakeSpec,
    FieldSpec,
    Health,
    Query,
    Subject,
    json_body,
    raise_for_status,
    registry_client,
    send,
)
from plugins.testing import FAULTS, ConnectorContract, ContractCase, EngineRunner, _Harness

ENGINE: EngineRunner = run_connector

INFO = ConnectorInfo(
    name="meldingen",
    version="1.0",
    registry="Meldingen (test)",
    subject_kinds=frozenset({"address"}),
    fields={"aantalMeldingen": FieldSpec(Classification.CONFIDENTIAL, "aantal meldingen")},
)


def create_app() -> FastAPI:
    app = FastAPI()

    @app.get("/meldingen")
    async def meldingen(postcode: str, huisnummer: int) -> dict[str, Any]:
        found = [{"id": "M-1"}] if (postcode, huisnummer) == ("1621JH", 88) else []
        return {"meldingen": found}

    return app


class Careless:
    """Reads ``/meldingen``; ``flaw`` names the one thing it gets wrong."""

    info = INFO

    def __init__(self, settings: ConnectorSettings, context: ConnectorContext, flaw: str) -> None:
        self.flaw = flaw
        self.http = registry_client(settings, context)

    def accepts(self, subject: Subject) -> bool:
        return isinstance(subject, AddressRef)

    async def enrich(self, query: Query) -> EnrichResult:
        result = EnrichResult(info=self.info, query=query)
        assert isinstance(query.subject, AddressRef)
        params = {"postcode": query.subject.postcode, "huisnummer": query.subject.huisnummer}
        if self.flaw == "reads the whole body":
            response = await self.http.get("/meldingen", params=params)
        else:
            response = await send(self.http, "GET", "/meldingen", params=params)
        if self.flaw == "500 is nothing found" and response.status_code == 500:
            return result
        raise_for_status(response)
        body = json_body(response)
        if self.flaw == "{} is nothing found":
            items = body.get("meldingen", []) if isinstance(body, dict) else None
        else:
            items = body.get("meldingen") if isinstance(body, dict) else None
        if not isinstance(items, list):
            raise BadResponse("meldingen: no 'meldingen' list")
        if items:
            result.add("aantalMeldingen", len(items), Evidence.from_response(response, "list"))
        return result

    async def check(self) -> Health:
        return Health(ok=True, detail="test")

    async def aclose(self) -> None:
        await self.http.aclose()


def case_for(flaw: str) -> ContractCase:
    spec = ConnectorSpec("meldingen", "test", lambda s, c: Careless(s, c, flaw))
    return ContractCase(
        spec=spec,
        fake=FakeSpec("meldingen", "/meldingen/v1", create_app),
        settings={"base_url": "http://fake.test/meldingen/v1"},
        known=[AddressRef("1621JH", 88)],
    )


@pytest.mark.parametrize(
    ("flaw", "row"),
    [
        ("{} is nothing found", "JSON of the wrong shape: {}"),
        ("500 is nothing found", "500"),
        ("reads the whole body", "oversized body"),
    ],
)
def test_the_matrix_fails_a_connector_that_hides_a_failure(flaw: str, row: str) -> None:
    contract = ConnectorContract()
    [fault] = [f for f in FAULTS if f.name == row]
    with pytest.raises(AssertionError) as info:
        contract.test_fault_matrix_through_the_engine(_Harness(case_for(flaw)), ENGINE, fault)
    assert str(info.value).startswith(f"{row}:")
    # the same connector without that flaw passes the same row
    contract.test_fault_matrix_through_the_engine(_Harness(case_for("none")), ENGINE, fault)
