"""Every way the BAG registry can fail maps to one plugins error (respx)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
import respx

from connectors.bag.client import BagConnector, Settings
from plugins import (
    AddressRef,
    AuthenticationFailed,
    BadResponse,
    ConnectorContext,
    Query,
    QueryRejected,
    RateLimited,
    RegistryTimeout,
    RegistryUnavailable,
)

BASE = "https://api.bag.test/lvbag/individuelebevragingen/v2"
ADRESSEN = f"{BASE}/adressen"
VBO = f"{BASE}/verblijfsobjecten/0405010000170088"
SUBJECT = AddressRef("1621JH", 88)
HAL = {"content-type": "application/hal+json"}
ADRES = {
    "openbareRuimteNaam": "Kleine Noord",
    "korteNaam": "Kleine Noord",
    "huisnummer": 88,
    "postcode": "1621JH",
    "woonplaatsNaam": "Hoorn",
    "nummeraanduidingIdentificatie": "0405200000170088",
    "adresseerbaarObjectIdentificatie": "0405010000170088",
    "pandIdentificaties": ["0405100000170088"],
}

#: an /adressen collection holding ADRES
FOUND = {"_links": {"self": {"href": ADRESSEN}}, "_embedded": {"adressen": [ADRES]}}


def _problem(status: int, code: str, **extra: Any) -> httpx.Response:
    body = {"status": status, "code": code, "title": f"title {code}", **extra}
    return httpx.Response(status, json=body, headers={"content-type": "application/problem+json"})


@pytest.fixture
async def connector() -> AsyncIterator[BagConnector]:
    context = ConnectorContext(env={"OPPLUS_BAG_API_KEY": "k"})
    probe = {"check_postcode": "1621JH", "check_huisnummer": 88}
    made = BagConnector(Settings(base_url=BASE, timeout_s=1.0, **probe), context)
    yield made
    await made.aclose()


@pytest.fixture
def query(make_query: Callable[..., Query]) -> Query:
    return make_query(SUBJECT)


@respx.mock
async def test_connect_error_is_unavailable_and_transient(
    connector: BagConnector, query: Query
) -> None:
    respx.get(ADRESSEN).mock(side_effect=httpx.ConnectError("refused"))
    with pytest.raises(RegistryUnavailable) as info:
        await connector.enrich(query)
    assert info.value.transient
    assert not isinstance(info.value, RegistryTimeout)


@respx.mock
async def test_timeout_is_registry_timeout(connector: BagConnector, query: Query) -> None:
    respx.get(ADRESSEN).mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(RegistryTimeout) as info:
        await connector.enrich(query)
    assert info.value.transient
    assert info.value.status == "timeout"


@respx.mock
async def test_500_is_unavailable_not_transient(connector: BagConnector, query: Query) -> None:
    respx.get(ADRESSEN).mock(return_value=_problem(500, "serverError"))
    with pytest.raises(RegistryUnavailable) as info:
        await connector.enrich(query)
    assert not info.value.transient
    assert info.value.detail == "title serverError [serverError]"


@pytest.mark.parametrize("status", [502, 503, 504])
@respx.mock
async def test_gateway_errors_are_transient(
    connector: BagConnector, query: Query, status: int
) -> None:
    respx.get(ADRESSEN).mock(return_value=_problem(status, "sourceUnavailable"))
    with pytest.raises(RegistryUnavailable) as info:
        await connector.enrich(query)
    assert info.value.transient
    assert f"HTTP {status}" in str(info.value)


@respx.mock
async def test_429_is_rate_limited_with_retry_after(connector: BagConnector, query: Query) -> None:
    response = _problem(429, "tooManyRequests")
    response.headers["Retry-After"] = "7"
    respx.get(ADRESSEN).mock(return_value=response)
    with pytest.raises(RateLimited) as info:
        await connector.enrich(query)
    assert info.value.retry_after == 7.0
    assert info.value.transient


@pytest.mark.parametrize("status", [401, 403])
@respx.mock
async def test_401_403_are_authentication_failed(
    connector: BagConnector, query: Query, status: int
) -> None:
    respx.get(ADRESSEN).mock(return_value=_problem(status, "authentication"))
    with pytest.raises(AuthenticationFailed) as info:
        await connector.enrich(query)
    assert info.value.detail == "title authentication [authentication]"


@respx.mock
async def test_400_is_query_rejected_with_invalid_params(
    connector: BagConnector, query: Query
) -> None:
    respx.get(ADRESSEN).mock(
        return_value=_problem(
            400,
            "paramsValidation",
            **{"invalid-params": [{"name": "postcode", "code": "pattern", "reason": "x"}]},
        )
    )
    with pytest.raises(QueryRejected) as info:
        await connector.enrich(query)
    assert info.value.detail == (
        "title paramsValidation [paramsValidation] (postcode (pattern): x)"
    )


@respx.mock
async def test_html_instead_of_json(connector: BagConnector, query: Query) -> None:
    respx.get(ADRESSEN).mock(
        return_value=httpx.Response(
            200, text="<html>login</html>", headers={"content-type": "text/html"}
        )
    )
    with pytest.raises(BadResponse, match="text/html"):
        await connector.enrich(query)


@respx.mock
async def test_html_error_page_keeps_the_status(connector: BagConnector, query: Query) -> None:
    respx.get(ADRESSEN).mock(
        return_value=httpx.Response(
            502, text="<html>bad gateway</html>", headers={"content-type": "text/html"}
        )
    )
    with pytest.raises(RegistryUnavailable) as info:
        await connector.enrich(query)
    assert info.value.transient
    assert info.value.detail is None


@respx.mock
async def test_malformed_json(connector: BagConnector, query: Query) -> None:
    respx.get(ADRESSEN).mock(
        return_value=httpx.Response(200, content=b'{"_embedded": [', headers=HAL)
    )
    with pytest.raises(BadResponse, match="malformed JSON"):
        await connector.enrich(query)


SELF = {"self": {"href": ADRESSEN}}


@pytest.mark.parametrize(
    "body",
    [
        [],
        # no self link: not a collection of this API, whatever else it holds
        {},
        {"_links": {}},
        {"_links": {"self": {}}},
        {"_embedded": {"adressen": []}},
        {"_embedded": {"adressen": [ADRES]}},
        {"_links": SELF, "_embedded": []},
        {"_links": SELF, "_embedded": {"adressen": {"a": 1}}},
        {"_links": SELF, "_embedded": {"adressen": [{"huisnummer": 88}]}},
        {"_links": SELF, "_embedded": {"adressen": [{**ADRES, "huisnummer": "achtentachtig"}]}},
        {"_embedded": {"adressen": [ADRES]}, "_links": {**SELF, "next": {"href": 5}}},
    ],
)
@respx.mock
async def test_wrong_shape_of_adressen(connector: BagConnector, query: Query, body: object) -> None:
    respx.get(ADRESSEN).mock(return_value=httpx.Response(200, json=body, headers=HAL))
    with pytest.raises(BadResponse):
        await connector.enrich(query)


@respx.mock
async def test_a_collection_without_embedded_is_a_real_empty_answer(
    connector: BagConnector, query: Query
) -> None:
    # the BAG leaves _embedded out when nothing matches; its self link makes it an answer
    respx.get(ADRESSEN).mock(return_value=httpx.Response(200, json={"_links": SELF}, headers=HAL))
    result = await connector.enrich(query)
    assert result.facts == [] and result.refined is None


@respx.mock
async def test_next_link_off_the_registry_is_refused(connector: BagConnector, query: Query) -> None:
    links = {"self": {"href": ADRESSEN}, "next": {"href": "https://evil.test/x"}}
    body = {"_embedded": {"adressen": []}, "_links": links}
    respx.get(ADRESSEN).mock(return_value=httpx.Response(200, json=body, headers=HAL))
    with pytest.raises(BadResponse, match="away from the registry"):
        await connector.enrich(query)


@pytest.mark.parametrize(
    "body",
    [
        {"verblijfsobject": None},
        {"verblijfsobject": {"identificatie": "0405010000170088", "oppervlakte": "groot"}},
        ["verblijfsobject"],
    ],
)
@respx.mock
async def test_wrong_shape_of_verblijfsobject(
    connector: BagConnector, query: Query, body: object
) -> None:
    respx.get(ADRESSEN).mock(return_value=httpx.Response(200, json=FOUND, headers=HAL))
    respx.get(VBO).mock(return_value=httpx.Response(200, json=body, headers=HAL))
    with pytest.raises(BadResponse, match="verblijfsobjecten"):
        await connector.enrich(query)


@respx.mock
async def test_verblijfsobject_404_gives_address_facts_only(
    connector: BagConnector, query: Query
) -> None:
    respx.get(ADRESSEN).mock(return_value=httpx.Response(200, json=FOUND, headers=HAL))
    vbo = respx.get(VBO).mock(return_value=_problem(404, "notFound"))
    result = await connector.enrich(query)
    assert vbo.calls.last.request.headers["Accept-Crs"] == "epsg:28992"
    assert vbo.calls.last.request.headers["X-Api-Key"] == "k"
    attributes = {fact.attribute for fact in result.facts}
    assert "oppervlakte" not in attributes
    assert "adres" in attributes


@respx.mock
async def test_check_unreachable_is_not_ok(connector: BagConnector) -> None:
    respx.get(ADRESSEN).mock(side_effect=httpx.ConnectError("refused"))
    health = await connector.check()
    assert not health.ok
    assert "cannot reach" in health.detail


@respx.mock
async def test_check_sends_the_configured_probe(connector: BagConnector) -> None:
    route = respx.get(ADRESSEN).mock(return_value=httpx.Response(200, json={}, headers=HAL))
    health = await connector.check()
    assert health.ok
    params = route.calls.last.request.url.params
    assert (params["postcode"], params["huisnummer"]) == ("1621JH", "88")
