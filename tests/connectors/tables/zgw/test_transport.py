"""The zgw transport against the fake zaaksysteem: one zaak, two documents, two links —
also when an attempt dies halfway and the hub tries again."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from connectors.handhaving.fake.data import RSIN_HOORN
from connectors.tables.zgw.transport import zaak_identificatie
from plugins import Delivery, DeliveryFailed, TableTransport

Forward = Callable[[httpx.Request], Awaitable[httpx.Response]]
DOCS = "/documenten/api/v1/enkelvoudiginformatieobjecten"
ZIO = "/zaken/api/v1/zaakinformatieobjecten"


def ours(app: Any) -> dict[str, list[dict[str, Any]]]:
    """What the transport wrote into the fake's world."""
    world = app.state.world
    zaken = {k: z for k, z in world.zaken.items() if z["identificatie"].startswith("OPPLUS-")}
    return {
        "zaken": list(zaken.values()),
        "documenten": list(world.documenten.values()),
        "links": [z for z in world.zaakinformatieobjecten.values() if z["zaak"] in zaken],
        "rollen": [r for r in world.rollen.values() if r["zaak"] in zaken],
    }


def assert_delivered_once(app: Any, delivery: Delivery) -> None:
    written = ours(app)
    assert len(written["zaken"]) == 1
    assert len(written["documenten"]) == 2
    assert len(written["links"]) == 2
    contents = sorted(d["inhoud"] for d in written["documenten"])
    assert contents == sorted([delivery.payload_json, delivery.rendering_html.encode()])


async def test_delivers_zaak_documents_links_and_rollen(
    make_transport: Callable[..., Any], make_delivery: Callable[..., Delivery], app: Any
) -> None:
    transport = make_transport()
    assert isinstance(transport, TableTransport)
    delivery = make_delivery()
    receipt = await transport.deliver(delivery)

    written = ours(app)
    [zaak] = written["zaken"]
    [key] = [k for k, z in app.state.world.zaken.items() if z is zaak]
    assert receipt.reference == f"http://fake/zaken/api/v1/zaken/{key}"
    assert receipt.acknowledged is True
    assert receipt.response_sha256 is not None and len(receipt.response_sha256) == 64
    ident = zaak_identificatie(delivery.idempotency_key)
    assert ident == "OPPLUS-" + hashlib.sha256(delivery.idempotency_key.encode()).hexdigest()[:20]
    assert zaak["identificatie"] == ident
    assert zaak["bronorganisatie"] == zaak["verantwoordelijkeOrganisatie"] == RSIN_HOORN
    assert zaak["vertrouwelijkheidaanduiding"] == "vertrouwelijk"
    assert zaak["omschrijving"] == "Opgeplust signaal mensenhandel"
    assert "999970057" not in zaak["omschrijving"] + zaak["toelichting"]
    assert delivery.payload_sha256 in zaak["toelichting"]

    by_format = {d["formaat"]: d for d in written["documenten"]}
    html, data = by_format["text/html"], by_format["application/json"]
    assert html["inhoud"] == delivery.rendering_html.encode("utf-8")
    assert data["inhoud"] == delivery.payload_json
    assert json.loads(data["inhoud"]) == delivery.payload
    assert (html["bestandsnaam"], data["bestandsnaam"]) == (
        "dossier-d-2026-0042.html",
        "dossier-d-2026-0042.json",
    )
    assert (html["identificatie"], data["identificatie"]) == (f"{ident}-HTML", f"{ident}-JSON")
    for document in (html, data):
        assert document["taal"] == "dut"
        assert document["vertrouwelijkheidaanduiding"] == "vertrouwelijk"
        assert document["auteur"] == "Anna de Groot"
        assert document["bronorganisatie"] == RSIN_HOORN
    assert {z["titel"] for z in written["links"]} == {html["titel"], data["titel"]}
    assert receipt.extra["documenten"].keys() == {
        "dossier-d-2026-0042.html",
        "dossier-d-2026-0042.json",
    }

    rollen = {
        (r["betrokkeneType"], tuple(r["betrokkeneIdentificatie"].items()))
        for r in written["rollen"]
    }
    assert rollen == {
        ("natuurlijk_persoon", (("inpBsn", "999970057"),)),
        ("niet_natuurlijk_persoon", (("kvkNummer", "97000035"),)),
    }
    # the officer signs the token (audit trail), the trace reaches the API
    assert {c["user_id"] for c in app.state.received_claims} == {"af-0388-1"}
    assert set(app.state.received_traceparents) == {delivery.trace.traceparent}


async def test_a_repeat_after_success_creates_nothing(
    make_transport: Callable[..., Any], make_delivery: Callable[..., Delivery], app: Any
) -> None:
    transport = make_transport()
    delivery = make_delivery()
    first = await transport.deliver(delivery)
    second = await transport.deliver(make_delivery(attempt=2))
    assert second.reference == first.reference
    assert (first.extra["resumed"], second.extra["resumed"]) == (False, True)
    assert second.extra["rollen_created"] == 0
    assert second.extra["documenten"] == first.extra["documenten"]
    assert_delivered_once(app, delivery)
    assert len(ours(app)["rollen"]) == 2


async def test_another_delivery_gets_its_own_zaak(
    make_transport: Callable[..., Any], make_delivery: Callable[..., Delivery], app: Any
) -> None:
    transport = make_transport(roltype=None)
    a = await transport.deliver(make_delivery())
    b = await transport.deliver(make_delivery(id="dl-0002", idempotency_key="other-key"))
    assert a.reference != b.reference
    assert len(ours(app)["zaken"]) == 2
    assert len(ours(app)["documenten"]) == 4
    assert ours(app)["rollen"] == []  # no roltype configured, no rollen


async def test_documenten_503_after_the_zaak_then_retry(
    make_transport: Callable[..., Any],
    make_delivery: Callable[..., Delivery],
    app: Any,
    intercept: Callable[..., Any],
) -> None:
    failures = {"left": 1}

    async def hook(request: httpx.Request, forward: Forward) -> httpx.Response:
        if request.url.path == DOCS and failures["left"]:
            failures["left"] -= 1
            return httpx.Response(
                503,
                json={"title": "Service tijdelijk niet beschikbaar.", "status": 503},
                headers={"Content-Type": "application/problem+json", "Retry-After": "12"},
            )
        return await forward(request)

    transport = make_transport(transport=intercept(app, hook))
    delivery = make_delivery()
    with pytest.raises(DeliveryFailed) as failed:
        await transport.deliver(delivery)
    assert failed.value.transient is True
    assert failed.value.retry_after == 12.0
    assert "503" in str(failed.value)
    assert (len(ours(app)["zaken"]), len(ours(app)["documenten"])) == (1, 0)

    receipt = await transport.deliver(make_delivery(attempt=2))
    assert receipt.extra["resumed"] is True
    assert_delivered_once(app, delivery)
    assert len(ours(app)["rollen"]) == 2


@pytest.mark.parametrize("lost", ["/zaken/api/v1/zaken", DOCS, ZIO])
async def test_an_answer_lost_after_the_write_is_resumed(
    lost: str,
    make_transport: Callable[..., Any],
    make_delivery: Callable[..., Delivery],
    app: Any,
    intercept: Callable[..., Any],
) -> None:
    """The API did the write, but the answer never arrived (timeout): the retry must not
    write it again. Documents are found by their identificatie through the standard
    ``GET /enkelvoudiginformatieobjecten?identificatie=&bronorganisatie=``, which the
    fake does not serve; the hook answers it from the fake's world."""
    state = {"lost": False}

    async def hook(request: httpx.Request, forward: Forward) -> httpx.Response:
        if request.method == "GET" and request.url.path == DOCS:
            return list_documents(app, request)
        response = await forward(request)
        if request.method == "POST" and request.url.path == lost and not state["lost"]:
            state["lost"] = True
            raise httpx.ReadTimeout("answer lost", request=request)
        return response

    transport = make_transport(transport=intercept(app, hook))
    delivery = make_delivery()
    with pytest.raises(DeliveryFailed) as failed:
        await transport.deliver(delivery)
    assert failed.value.transient is True
    await transport.deliver(make_delivery(attempt=2))
    assert_delivered_once(app, delivery)


def list_documents(app: Any, request: httpx.Request) -> httpx.Response:
    """The Documenten API list, filtered on identificatie and bronorganisatie."""
    params = request.url.params
    found = [
        {"url": f"http://fake{DOCS}/{key}", "identificatie": d["identificatie"]}
        for key, d in app.state.world.documenten.items()
        if d["identificatie"] == params["identificatie"]
        and d["bronorganisatie"] == params["bronorganisatie"]
    ]
    body = {"count": len(found), "next": None, "previous": None, "results": found}
    return httpx.Response(200, json=body)


async def test_a_document_that_cannot_be_found_again_is_not_created_twice(
    make_transport: Callable[..., Any],
    make_delivery: Callable[..., Delivery],
    app: Any,
    intercept: Callable[..., Any],
) -> None:
    """Without the list endpoint (the fake has none), the orphan document is reported
    for a person to link, permanently, and no second one is made."""
    state = {"lost": False}

    async def hook(request: httpx.Request, forward: Forward) -> httpx.Response:
        response = await forward(request)
        if request.method == "POST" and request.url.path == DOCS and not state["lost"]:
            state["lost"] = True
            raise httpx.ReadTimeout("answer lost", request=request)
        return response

    transport = make_transport(transport=intercept(app, hook))
    with pytest.raises(DeliveryFailed):
        await transport.deliver(make_delivery())
    with pytest.raises(DeliveryFailed) as failed:
        await transport.deliver(make_delivery(attempt=2))
    assert failed.value.transient is False
    assert "cannot be found to link it" in str(failed.value)
    assert len(ours(app)["documenten"]) == 1


async def test_a_zaak_created_meanwhile_is_found_again(
    make_transport: Callable[..., Any],
    make_delivery: Callable[..., Delivery],
    app: Any,
    intercept: Callable[..., Any],
) -> None:
    """The first lookup misses a zaak that exists (another attempt raced us): the create
    answers identificatie-niet-uniek and the transport uses the existing zaak."""
    await make_transport().deliver(make_delivery())
    lookups = {"n": 0}

    async def hook(request: httpx.Request, forward: Forward) -> httpx.Response:
        if request.method == "GET" and request.url.path == "/zaken/api/v1/zaken":
            lookups["n"] += 1
            if lookups["n"] == 1:
                empty: dict[str, Any] = {"count": 0, "next": None, "previous": None, "results": []}
                return httpx.Response(200, json=empty, headers={"Content-Crs": "EPSG:4326"})
        return await forward(request)

    receipt = await make_transport(transport=intercept(app, hook)).deliver(make_delivery())
    assert lookups["n"] == 2
    assert receipt.extra["resumed"] is True
    assert_delivered_once(app, make_delivery())


async def test_validation_error_is_permanent_and_names_the_problem(
    make_transport: Callable[..., Any], make_delivery: Callable[..., Delivery], app: Any
) -> None:
    unknown = "http://fake/catalogi/api/v1/zaaktypen/00000000-0000-0000-0000-000000000000"
    with pytest.raises(DeliveryFailed) as failed:
        await make_transport(zaaktype=unknown, roltype=None).deliver(make_delivery())
    assert failed.value.transient is False
    assert "HTTP 400" in str(failed.value)
    assert "zaaktype" in str(failed.value) and "bad-url" in str(failed.value)
    assert ours(app)["zaken"] == []


async def test_wrong_secret_is_permanent(
    make_transport: Callable[..., Any], make_delivery: Callable[..., Delivery]
) -> None:
    transport = make_transport(env={"OPPLUS_ZGW_CLIENT_SECRET": "wrong"})
    with pytest.raises(DeliveryFailed) as failed:
        await transport.deliver(make_delivery())
    assert failed.value.transient is False
    assert "HTTP 403" in str(failed.value)


async def test_missing_secret_is_permanent_and_sends_nothing(
    make_transport: Callable[..., Any], make_delivery: Callable[..., Delivery], app: Any
) -> None:
    with pytest.raises(DeliveryFailed) as failed:
        await make_transport(env={}).deliver(make_delivery())
    assert failed.value.transient is False
    assert "OPPLUS_ZGW_CLIENT_SECRET" in str(failed.value)
    assert app.state.requests_seen == 0


async def test_a_payload_that_is_not_what_was_confirmed_is_refused(
    make_transport: Callable[..., Any], make_delivery: Callable[..., Delivery], app: Any
) -> None:
    with pytest.raises(DeliveryFailed) as failed:
        await make_transport().deliver(make_delivery(payload_sha256="0" * 64))
    assert failed.value.transient is False
    assert app.state.requests_seen == 0


def answer(status: int, **kwargs: Any) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, **kwargs)

    return handler


HTML, JSON = "text/html", "application/json"


@pytest.mark.parametrize(
    ("handler", "transient", "retry_after"),
    [
        (answer(429, headers={"Retry-After": "30"}, json={"detail": "te veel"}), True, 30.0),
        (answer(502, text="bad gateway"), True, None),
        (answer(503, json={"detail": "onderhoud"}), True, None),
        (answer(504, text="gateway timeout"), True, None),
        (answer(500, json={"detail": "kapot"}), False, None),
        (answer(401, json={"detail": "wie?"}), False, None),
        (answer(200, text="<html>login</html>", headers={"Content-Type": HTML}), False, None),
        (answer(200, json={"unexpected": "shape"}), False, None),
        (answer(200, content=b"{not json", headers={"Content-Type": JSON}), False, None),
    ],
)  # fmt: skip
async def test_failures_on_the_wire(
    handler: Callable[[httpx.Request], httpx.Response],
    transient: bool,
    retry_after: float | None,
    make_transport: Callable[..., Any],
    make_delivery: Callable[..., Delivery],
) -> None:
    transport = make_transport(transport=httpx.MockTransport(handler))
    with pytest.raises(DeliveryFailed) as failed:
        await transport.deliver(make_delivery())
    assert (failed.value.transient, failed.value.retry_after) == (transient, retry_after)
    assert str(failed.value).startswith("zgw: ")


@pytest.mark.parametrize(
    "error", [httpx.ConnectError("refused"), httpx.ConnectTimeout("slow"), httpx.ReadTimeout("x")]
)
async def test_unreachable_or_slow_is_transient(
    error: Exception, make_transport: Callable[..., Any], make_delivery: Callable[..., Delivery]
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise error

    transport = make_transport(transport=httpx.MockTransport(handler))
    with pytest.raises(DeliveryFailed) as failed:
        await transport.deliver(make_delivery())
    assert failed.value.transient is True


async def test_check_with_good_and_bad_configuration(
    make_transport: Callable[..., Any], settings: dict[str, Any]
) -> None:
    health = await make_transport().check()
    assert health.ok, health.detail
    assert "HH-WONEN" in health.detail

    bad = await make_transport(env={"OPPLUS_ZGW_CLIENT_SECRET": "wrong"}).check()
    assert not bad.ok and "403" in bad.detail
    assert not (await make_transport(env={}).check()).ok

    other = settings["informatieobjecttype"].rsplit("/", 1)[0] + "/" + "1" * 32
    mismatch = await make_transport(informatieobjecttype=other).check()
    assert not mismatch.ok and "informatieobjecttype" in mismatch.detail

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")

    down = await make_transport(transport=httpx.MockTransport(refuse)).check()
    assert not down.ok and "cannot reach" in down.detail
