"""The SDK's HAL registry behind an X-Api-Key: key, paging, address search and probe."""

from __future__ import annotations

import httpx
import pytest
from pydantic import ValidationError

from plugins import (
    AddressRef,
    AuthenticationFailed,
    BadResponse,
    ConnectorContext,
    HalApi,
    HalApiSettings,
    TraceContext,
    address_params,
)

BASE = "http://registry.test/api/v2"
KEY_ENV = "TEST_HAL_KEY"


def api(handler, *, key: str | None = "k3y", **settings) -> HalApi:
    env = {KEY_ENV: key} if key else {}
    context = ConnectorContext(transport=httpx.MockTransport(handler), env=env)
    return HalApi(HalApiSettings(base_url=BASE, api_key_env=KEY_ENV, **settings), context, "TEST")


async def collect(hal: HalApi, params=None) -> list[dict]:
    return [body async for _, body in hal.pages("/things", params or {}, TraceContext.new_trace())]


async def test_pages_follow_next_links_under_the_registry_with_the_key():
    seen: list[tuple[str, str | None]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((str(request.url), request.headers.get("x-api-key")))
        page = int(request.url.params.get("page", "1"))
        links = {"self": {"href": str(request.url)}}
        if page == 1:
            links["next"] = {"href": "/things?page=2"}  # relative to the API root
        elif page == 2:
            links["next"] = {"href": f"{BASE}/things?page=3"}
        return httpx.Response(200, json={"_links": links, "page": page})

    bodies = await collect(api(handler), {"postcode": "1621JH"})
    assert [b["page"] for b in bodies] == [1, 2, 3]
    assert seen == [
        (f"{BASE}/things?postcode=1621JH", "k3y"),
        (f"{BASE}/things?page=2", "k3y"),
        (f"{BASE}/things?page=3", "k3y"),
    ]


@pytest.mark.parametrize(
    "href",
    ["http://elsewhere.test/api/v2/things?page=2", "http://registry.test/other/things?page=2"],
)
async def test_a_next_link_off_the_registry_is_not_followed(href):
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url)
        return httpx.Response(200, json={"_links": {"next": {"href": href}}})

    with pytest.raises(BadResponse, match="points away from the registry"):
        await collect(api(handler))
    assert len(calls) == 1


async def test_paging_stops_at_max_pages():
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"_links": {"next": {"href": "/things?again=1"}}})

    with pytest.raises(BadResponse, match="did not end within 2 pages"):
        await collect(api(handler, max_pages=2))


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ([], "the answer is not an object"),
        ({"_links": []}, "_links is not an object"),
        ({"_links": {"next": {}}}, "_links.next has no href"),
    ],
)
async def test_a_malformed_page_is_a_bad_response(body, message):
    hal = api(lambda request: httpx.Response(200, json=body))
    with pytest.raises(BadResponse, match=message):
        await collect(hal)


def test_without_a_key_nothing_is_sent_and_the_variable_is_named():
    hal = api(lambda request: httpx.Response(200, json={}), key=None)
    with pytest.raises(AuthenticationFailed, match=f"no TEST API key: .*{KEY_ENV} is not set"):
        hal.require_key()


def test_address_params_carry_only_what_the_subject_has():
    assert address_params(AddressRef("1621JH", 88)) == {"postcode": "1621JH", "huisnummer": "88"}
    assert address_params(AddressRef("1621JH", 88, "b", "2")) == {
        "postcode": "1621JH",
        "huisnummer": "88",
        "huisletter": "b",
        "huisnummertoevoeging": "2",
    }


async def test_probe_asks_for_the_probe_address_and_reports_failures():
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(dict(request.url.params))
        return httpx.Response(200, json={"_links": {}})

    probe = {"check_postcode": "1011AB", "check_huisnummer": 1}
    health = await api(handler, **probe).probe("/things", {"fields": "id"})
    assert health.ok and health.detail == "HTTP 200"
    assert seen == [{"postcode": "1011AB", "huisnummer": "1", "fields": "id"}]

    refused = api(lambda request: httpx.Response(401, json={}), **probe)
    assert not (await refused.probe("/things")).ok
    not_json = api(lambda request: httpx.Response(200, json=[]), **probe)
    assert (await not_json.probe("/things")).detail == "/things: the answer is not an object"
    assert (await api(handler, key=None, **probe).probe("/things")).detail == (
        f"no API key in {KEY_ENV}"
    )
    assert not (await api(handler).probe("/things")).ok  # no probe address configured


def test_probe_address_is_whole_or_absent():
    with pytest.raises(ValidationError, match="go together"):
        HalApiSettings(base_url=BASE, api_key_env=KEY_ENV, check_postcode="1011AB")
