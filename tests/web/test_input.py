"""Input the web service must refuse: identifiers in other digits than ASCII 0-9,
numbers sent as text or true/false, deep or non-UTF-8 JSON — 422, a Dutch message
naming the field, nothing stored, no enrichment logged. And the form still converts
what an officer types."""

from __future__ import annotations

import json

import pytest

from .conftest import HOORN, Hub, example
from .test_api import _stored
from .test_pages import FILLED, field_error

NON_ASCII_BSNS = ["９９９９７００５７", "٩٩٩٩٧٠٠٥٧", "⁹⁹⁹⁹⁷⁰⁰⁵⁷", "99997005７"]


def _nothing_written(hub: Hub, before: tuple[int, int, int]) -> None:
    assert _stored(hub) == before
    assert not any(a["action"] == "enrich" for a in hub.access_log())


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        *[
            (
                {"persons": [{"burgerservicenummer": bsn}]},
                "persons[0].burgerservicenummer",
                "geen geldig BSN",
            )
            for bsn in NON_ASCII_BSNS
        ],
        ({"municipality": "０４０５"}, "municipality", "gemeentecode"),
        ({"businesses": [{"kvkNummer": "٩٧٠٠٠٠١١"}]}, "businesses[0].kvkNummer", "KvK-nummer"),
        (
            {"addresses": [{"postcode": "１６２１JH", "huisnummer": 88}]},
            "addresses[0].postcode",
            "postcode",
        ),
        *[
            (
                {"addresses": [{"postcode": "1621JH", "huisnummer": value}]},
                "addresses[0].huisnummer",
                "moet een geheel getal zijn",
            )
            for value in (True, "88", 88.0)
        ],
        (
            {"persons": [{"burgerservicenummer": "999970057"}] * 21},
            "persons",
            "maximaal 20",
        ),
        ({"description": "x" * 10_001}, "description", "maximaal 10000 tekens"),
    ],
)
async def test_api_refuses_with_422_naming_the_field(hub: Hub, change, field, message):
    before = _stored(hub)
    async with hub.with_token("systeem-hoorn") as client:
        response = await client.post("/api/v1/signals", json={**example(HOORN), **change})
    assert response.status_code == 422, response.text
    problems = response.json()["detail"]
    assert any(p["field"] == field and message in p["message"] for p in problems), problems
    _nothing_written(hub, before)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "te diep genest"),
        (b'{"description": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "te diep genest"),
        ('{"description": "caf\xe9"}'.encode("latin-1"), "geen UTF-8"),
        (b'{"municipality": ' + b"9" * 5000 + b"}", "getal dat te lang is"),
    ],
    ids=["deep", "deep-in-field", "latin-1", "huge-number"],
)
async def test_api_refuses_unreadable_json_with_422(hub: Hub, body, message):
    before = _stored(hub)
    async with hub.with_token("systeem-hoorn") as client:
        response = await client.post(
            "/api/v1/signals", content=body, headers={"content-type": "application/json"}
        )
    assert response.status_code == 422, response.text
    [problem] = response.json()["detail"]
    assert problem["field"] == "body" and message in problem["message"], problem
    _nothing_written(hub, before)


@pytest.mark.parametrize("bsn", NON_ASCII_BSNS)
async def test_auditor_api_refuses_a_bsn_in_non_ascii_digits(hub: Hub, bsn):
    async with hub.as_user("auditor") as client:
        search = await client.post("/api/v1/audit/search", json={"bsn": bsn})
        report = await client.post("/api/v1/audit/subject-report", json={"bsn": bsn})
    for response in (search, report):
        assert response.status_code == 422, response.text
        [problem] = response.json()["detail"]
        assert problem["field"] == "bsn" and "geen geldig BSN" in problem["message"]
    assert bsn not in json.dumps(hub.access_log())


async def test_the_form_converts_a_typed_huisnummer(hub: Hub):
    async with hub.as_user("af-hoorn") as client:
        submitted = await client.post("/signalen/nieuw", data={**FILLED, "csrf_token": client.csrf})
    assert submitted.status_code == 303, submitted.text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("addresses-0-huisnummer", "８８", "moet een geheel getal zijn"),
        ("addresses-0-huisnummer", "88a", "moet een geheel getal zijn"),
        ("addresses-0-huisnummer", "0", "te klein"),
        ("persons-0-burgerservicenummer", "٩٩٩٩٧٠٠٥٧", "geen geldig BSN"),
        ("businesses-0-kvkNummer", "９７０００００１１", "KvK-nummer"),
        ("addresses-0-postcode", "１６２１ JH", "postcode"),
    ],
)
async def test_the_form_shows_refused_input_at_its_field(hub: Hub, field, value, message):
    before = _stored(hub)
    async with hub.as_user("af-hoorn") as client:
        data = {**FILLED, "csrf_token": client.csrf, field: value}
        response = await client.post("/signalen/nieuw", data=data)
    assert response.status_code == 422
    assert message in field_error(response.text, field)
    _nothing_written(hub, before)


async def test_subject_report_page_refuses_a_bsn_in_non_ascii_digits(hub: Hub):
    async with hub.as_user("auditor") as client:
        data = {"csrf_token": client.csrf, "bsn": "９９９９７００５７"}
        response = await client.post("/audit/betrokkene", data=data)
    assert response.status_code == 422
    assert "geen geldig BSN" in response.text
