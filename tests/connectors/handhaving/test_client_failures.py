"""Every failure the handhaving connector can meet maps to one plugins error (respx)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import respx

from connectors.handhaving.client import PROBE_IDENTIFICATIE
from plugins import (
    AddressRef,
    AuthenticationFailed,
    BadResponse,
    PersonRef,
    QueryRejected,
    RateLimited,
    RegistryTimeout,
    RegistryUnavailable,
)

BASE = "http://zrc.test/zaken/api/v1"
CATALOGI = "http://zrc.test/catalogi/api/v1"
PROBLEM = {"content-type": "application/problem+json"}


@pytest.fixture
def router() -> Iterator[respx.MockRouter]:
    mock = respx.MockRouter(assert_all_called=False)
    yield mock


@pytest.fixture
def connector(make_connector: Any, router: respx.MockRouter) -> Any:
    transport = httpx.MockTransport(router.async_handler)
    return make_connector(transport=transport, base_url=BASE, zaaktypen=[])


def _page(results: list[dict[str, Any]], next_url: str | None = None) -> dict[str, Any]:
    return {"count": len(results), "next": next_url, "previous": None, "results": results}


def _zaak(n: int, **overrides: Any) -> dict[str, Any]:
    zaak = {
        "url": f"{BASE}/zaken/{n}",
        "identificatie": f"HH-{n}",
        "omschrijving": "x",
        "zaaktype": f"{CATALOGI}/zaaktypen/1",
        "startdatum": "2026-01-01",
        "einddatum": None,
        "status": None,
        "resultaat": None,
    }
    zaak.update(overrides)
    return zaak


async def _enrich(connector: Any, zgw: Any, subject: Any = None) -> Any:
    return await connector.enrich(zgw.query(subject or PersonRef("999970185")))


async def test_connect_error(connector: Any, router: respx.MockRouter, zgw: Any) -> None:
    router.get(f"{BASE}/zaken").mock(side_effect=httpx.ConnectError("refused"))
    with pytest.raises(RegistryUnavailable) as info:
        await _enrich(connector, zgw)
    assert info.value.transient


async def test_timeout(connector: Any, router: respx.MockRouter, zgw: Any) -> None:
    router.get(f"{BASE}/zaken").mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(RegistryTimeout):
        await _enrich(connector, zgw)


async def test_500_is_not_transient(connector: Any, router: respx.MockRouter, zgw: Any) -> None:
    body = {"code": "error", "title": "Er is een serverfout opgetreden.", "status": 500}
    router.get(f"{BASE}/zaken").respond(500, json=body, headers=PROBLEM)
    with pytest.raises(RegistryUnavailable, match="serverfout") as info:
        await _enrich(connector, zgw)
    assert not info.value.transient


@pytest.mark.parametrize("status", [502, 503, 504])
async def test_gateway_errors_are_transient(
    connector: Any, router: respx.MockRouter, zgw: Any, status: int
) -> None:
    router.get(f"{BASE}/zaken").respond(status, text="bad gateway")
    with pytest.raises(RegistryUnavailable) as info:
        await _enrich(connector, zgw)
    assert info.value.transient


async def test_429_with_retry_after(connector: Any, router: respx.MockRouter, zgw: Any) -> None:
    body = {"code": "throttled", "title": "Too many requests", "status": 429}
    router.get(f"{BASE}/zaken").respond(429, json=body, headers={**PROBLEM, "Retry-After": "7"})
    with pytest.raises(RateLimited) as info:
        await _enrich(connector, zgw)
    assert info.value.retry_after == 7.0


@pytest.mark.parametrize("status", [401, 403])
async def test_auth_errors(connector: Any, router: respx.MockRouter, zgw: Any, status: int) -> None:
    body = {"code": "permission_denied", "detail": "JWT is ongeldig", "status": status}
    router.get(f"{BASE}/zaken").respond(status, json=body, headers=PROBLEM)
    with pytest.raises(AuthenticationFailed, match="JWT is ongeldig"):
        await _enrich(connector, zgw)


async def test_412_explains_the_crs_header(
    connector: Any, router: respx.MockRouter, zgw: Any
) -> None:
    body = {"code": "precondition_failed", "detail": "'Accept-Crs' header ontbreekt", "status": 412}
    router.get(f"{BASE}/zaken").respond(412, json=body, headers=PROBLEM)
    with pytest.raises(QueryRejected, match="Accept-Crs: EPSG:4326") as info:
        await _enrich(connector, zgw)
    assert info.value.detail == "'Accept-Crs' header ontbreekt [precondition_failed]"


async def test_400_carries_the_invalid_params(
    connector: Any, router: respx.MockRouter, zgw: Any
) -> None:
    body = {
        "code": "invalid",
        "title": "Invalid input.",
        "status": 400,
        "detail": "",
        "invalidParams": [
            {"name": "zaaktype", "code": "invalid", "reason": "Voer een geldige URL in."}
        ],
    }
    router.get(f"{BASE}/zaken").respond(400, json=body, headers=PROBLEM)
    with pytest.raises(QueryRejected) as info:
        await _enrich(connector, zgw)
    assert (
        info.value.detail
        == "Invalid input. [invalid] (zaaktype (invalid): Voer een geldige URL in.)"
    )


async def test_html_instead_of_json(connector: Any, router: respx.MockRouter, zgw: Any) -> None:
    router.get(f"{BASE}/zaken").respond(200, html="<html>Log in</html>")
    with pytest.raises(BadResponse, match="expected JSON"):
        await _enrich(connector, zgw)


async def test_malformed_json(connector: Any, router: respx.MockRouter, zgw: Any) -> None:
    router.get(f"{BASE}/zaken").respond(
        200, content=b'{"results": [', headers={"content-type": "application/json"}
    )
    with pytest.raises(BadResponse, match="malformed JSON"):
        await _enrich(connector, zgw)


@pytest.mark.parametrize(
    "body",
    [
        [],
        {"count": 1},
        {"results": "none"},
        {"results": [1]},
        {"results": [], "next": 2},
        _page([_zaak(1, url=None)]),
        _page([_zaak(1, startdatum=20260101)]),
        _page([_zaak(1, einddatum=False)]),
        _page([_zaak(1, status=7)]),
    ],
)
async def test_wrong_shape(connector: Any, router: respx.MockRouter, zgw: Any, body: Any) -> None:
    router.get(f"{BASE}/zaken").respond(200, json=body)
    router.get(f"{CATALOGI}/zaaktypen/1").respond(200, json={"omschrijving": "Handhaving"})
    with pytest.raises(BadResponse):
        await _enrich(connector, zgw)


async def test_404_on_a_linked_resource_is_a_bad_response(
    connector: Any, router: respx.MockRouter, zgw: Any
) -> None:
    router.get(f"{BASE}/zaken").respond(200, json=_page([_zaak(1, status=f"{BASE}/statussen/9")]))
    router.get(f"{CATALOGI}/zaaktypen/1").respond(200, json={"omschrijving": "Handhaving"})
    router.get(f"{BASE}/statussen/9").respond(404, json={"code": "not_found"}, headers=PROBLEM)
    with pytest.raises(BadResponse, match="404"):
        await _enrich(connector, zgw)


async def test_catalogi_type_without_omschrijving(
    connector: Any, router: respx.MockRouter, zgw: Any
) -> None:
    router.get(f"{BASE}/zaken").respond(200, json=_page([_zaak(1)]))
    router.get(f"{CATALOGI}/zaaktypen/1").respond(200, json={"naam": "?"})
    with pytest.raises(BadResponse, match="omschrijving"):
        await _enrich(connector, zgw)


async def test_token_is_not_sent_outside_the_configured_apis(
    connector: Any, router: respx.MockRouter, zgw: Any
) -> None:
    elsewhere = router.get("http://evil.test/zaaktypen/1").respond(200, json={"omschrijving": "x"})
    zaak = _zaak(1, zaaktype="http://evil.test/zaaktypen/1")
    router.get(f"{BASE}/zaken").respond(200, json=_page([zaak]))
    with pytest.raises(BadResponse, match="outside the configured"):
        await _enrich(connector, zgw)
    assert not elsewhere.called


async def test_next_link_outside_the_api_is_refused(
    connector: Any, router: respx.MockRouter, zgw: Any
) -> None:
    router.get(f"{BASE}/zaken").respond(200, json=_page([], "http://evil.test/zaken?page=2"))
    with pytest.raises(BadResponse, match="outside the configured"):
        await _enrich(connector, zgw)


async def test_failure_while_reading_one_zaak_of_an_address(
    connector: Any, router: respx.MockRouter, zgw: Any
) -> None:
    zaakobject = {
        "url": f"{BASE}/zaakobjecten/1",
        "zaak": f"{BASE}/zaken/1",
        "objectType": "adres",
        "objectIdentificatie": {"postcode": "1621JH", "huisnummer": 88},
    }
    router.get(f"{BASE}/zaakobjecten").respond(200, json=_page([zaakobject]))
    router.get(f"{BASE}/zaken/1").respond(503, text="down")
    with pytest.raises(RegistryUnavailable):
        await _enrich(connector, zgw, AddressRef("1621JH", 88))


async def test_sends_accept_crs_and_a_bearer_token(
    connector: Any, router: respx.MockRouter, zgw: Any
) -> None:
    route = router.get(f"{BASE}/zaken").respond(200, json=_page([]))
    await _enrich(connector, zgw)
    request = route.calls.last.request
    assert request.headers["Accept-Crs"] == "EPSG:4326"
    assert request.headers["Authorization"].startswith("Bearer ey")
    assert (
        request.url.params["rol__betrokkeneIdentificatie__natuurlijkPersoon__inpBsn"] == "999970185"
    )


async def test_check_is_not_ok_when_unreachable(connector: Any, router: respx.MockRouter) -> None:
    router.get(f"{BASE}/zaken").mock(side_effect=httpx.ConnectError("refused"))
    health = await connector.check()
    assert not health.ok
    assert "cannot reach" in health.detail


async def test_the_probe_reads_nobodys_zaken(connector: Any, router: respx.MockRouter) -> None:
    """The probe filters on an identificatie no real zaak carries, never a page of zaken."""
    route = router.get(f"{BASE}/zaken").mock(
        return_value=httpx.Response(200, json={"count": 0, "results": []})
    )
    health = await connector.check()
    assert health.ok, health.detail
    params = dict(route.calls.last.request.url.params)
    assert params == {"identificatie": PROBE_IDENTIFICATIE}
