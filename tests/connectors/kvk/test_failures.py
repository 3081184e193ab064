"""Every way KvK can fail, mocked with respx, maps to the right plugins error."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
import respx

from connectors.kvk.client import KvkConnector, Settings
from plugins import (
    AddressRef,
    AuthenticationFailed,
    BadResponse,
    BusinessRef,
    ConnectorContext,
    QueryRejected,
    RateLimited,
    RegistryTimeout,
    RegistryUnavailable,
    Subject,
)

BASE = "https://api.kvk.test/api"
BASISPROFIEL = "/v1/basisprofielen/69599084"
VESTIGINGEN = "/v1/basisprofielen/69599084/vestigingen"
VESTIGINGSPROFIEL = "/v1/vestigingsprofielen/000097000011"
ZOEKEN = "/v2/zoeken"

BUSINESS = BusinessRef("69599084")
ADDRESS = AddressRef("1621JH", 88)

#: the subject and the path its first request goes to
FIRST_CALL: list[tuple[Subject, str]] = [(BUSINESS, BASISPROFIEL), (ADDRESS, ZOEKEN)]


def kvk_error(status: int, code: str, text: str, **headers: str) -> httpx.Response:
    return httpx.Response(
        status, json={"fout": [{"code": code, "omschrijving": text}]}, headers=headers
    )


def hal(body: Any) -> httpx.Response:
    return httpx.Response(200, json=body, headers={"content-type": "application/hal+json"})


def basisprofiel(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kvkNummer": "69599084",
        "naam": "Test EMZ Dagobert",
        "materieleRegistratie": {"datumAanvang": "20170108"},
        "sbiActiviteiten": [
            {"sbiCode": "1011", "sbiOmschrijving": "Slachterijen", "indHoofdactiviteit": "Ja"}
        ],
    }
    body.update(overrides)
    return body


def zoeken_page(pagina: int, totaal: int, hits: list[dict[str, Any]]) -> dict[str, Any]:
    return {"pagina": pagina, "resultatenPerPagina": 1, "totaal": totaal, "resultaten": hits}


HIT = {
    "kvkNummer": "97000011",
    "vestigingsnummer": "000097000011",
    "naam": "Flex West-Friesland Uitzendbureau B.V.",
    "type": "hoofdvestiging",
}


@pytest.fixture
def router() -> respx.Router:
    return respx.Router(base_url=BASE, assert_all_called=False)


@pytest.fixture
async def make(router: respx.Router) -> AsyncIterator[Callable[..., KvkConnector]]:
    made: list[KvkConnector] = []

    def build(*, env: dict[str, str] | None = None, **settings: Any) -> KvkConnector:
        context = ConnectorContext(
            transport=httpx.MockTransport(router.async_handler),
            env={"OPPLUS_KVK_API_KEY": "secret-key"} if env is None else env,
        )
        connector = KvkConnector(Settings(base_url=BASE, **settings), context)
        made.append(connector)
        return connector

    yield build
    for connector in made:
        await connector.aclose()


async def enrich(connector: KvkConnector, query: Any, subject: Subject) -> Any:
    return await connector.enrich(query(subject))


# --- transport --------------------------------------------------------------------------


@pytest.mark.parametrize(("subject", "path"), FIRST_CALL)
async def test_connect_error_is_transient_unavailable(
    router: respx.Router, make: Any, query: Any, subject: Subject, path: str
) -> None:
    router.get(path).mock(side_effect=httpx.ConnectError)
    with pytest.raises(RegistryUnavailable) as caught:
        await enrich(make(), query, subject)
    assert caught.type is RegistryUnavailable
    assert caught.value.transient


@pytest.mark.parametrize(("subject", "path"), FIRST_CALL)
async def test_timeout_is_registry_timeout(
    router: respx.Router, make: Any, query: Any, subject: Subject, path: str
) -> None:
    router.get(path).mock(side_effect=httpx.ReadTimeout)
    with pytest.raises(RegistryTimeout) as caught:
        await enrich(make(), query, subject)
    assert caught.value.transient
    assert caught.value.status == "timeout"


# --- status codes -------------------------------------------------------------------------


@pytest.mark.parametrize(("subject", "path"), FIRST_CALL)
@pytest.mark.parametrize(
    ("status", "transient"), [(500, False), (502, True), (503, True), (504, True)]
)
async def test_server_errors(
    router: respx.Router,
    make: Any,
    query: Any,
    subject: Subject,
    path: str,
    status: int,
    transient: bool,
) -> None:
    router.get(path).mock(return_value=kvk_error(status, "IPD9999", "Algemene technische fout."))
    with pytest.raises(RegistryUnavailable) as caught:
        await enrich(make(), query, subject)
    assert caught.value.transient is transient
    assert caught.value.detail == "IPD9999: Algemene technische fout."


@pytest.mark.parametrize(("subject", "path"), FIRST_CALL)
async def test_429_carries_retry_after(
    router: respx.Router, make: Any, query: Any, subject: Subject, path: str
) -> None:
    router.get(path).mock(
        return_value=kvk_error(429, "429", "Too many requests", **{"Retry-After": "7"})
    )
    with pytest.raises(RateLimited) as caught:
        await enrich(make(), query, subject)
    assert caught.value.retry_after == 7.0
    assert caught.value.transient


@pytest.mark.parametrize(("subject", "path"), FIRST_CALL)
@pytest.mark.parametrize("status", [401, 403])
async def test_auth_failures(
    router: respx.Router, make: Any, query: Any, subject: Subject, path: str, status: int
) -> None:
    router.get(path).mock(
        return_value=kvk_error(status, str(status), "Geen of onjuiste apikey aangeleverd.")
    )
    with pytest.raises(AuthenticationFailed) as caught:
        await enrich(make(), query, subject)
    assert "Geen of onjuiste apikey" in (caught.value.detail or "")
    assert not caught.value.transient


async def test_apikey_header_is_sent(router: respx.Router, make: Any, query: Any) -> None:
    route = router.get(BASISPROFIEL).mock(return_value=hal(basisprofiel()))
    await make().enrich(query(BUSINESS, {"naam"}))
    request = route.calls.last.request
    assert request.headers["apikey"] == "secret-key"
    assert request.headers["traceparent"].startswith("00-")


async def test_invalid_number_is_query_rejected_with_kvk_text(
    router: respx.Router, make: Any, query: Any
) -> None:
    router.get(BASISPROFIEL).mock(
        return_value=kvk_error(400, "IPD0004", "Het KVK-nummer 69599084 is niet valide.")
    )
    with pytest.raises(QueryRejected) as caught:
        await make().enrich(query(BUSINESS, {"naam"}))
    assert caught.value.detail == "IPD0004: Het KVK-nummer 69599084 is niet valide."
    assert "IPD0004" in str(caught.value)


@pytest.mark.parametrize(("subject", "path"), FIRST_CALL)
async def test_404_without_kvk_code_is_not_nothing_found(
    router: respx.Router, make: Any, query: Any, subject: Subject, path: str
) -> None:
    # e.g. a wrong base URL behind a gateway: must not read as "no business" / "zero"
    router.get(path).mock(
        return_value=httpx.Response(
            404, text="<html>Not Found</html>", headers={"content-type": "text/html"}
        )
    )
    with pytest.raises(QueryRejected):
        await enrich(make(), query, subject)


# --- bodies that break the contract --------------------------------------------------------


@pytest.mark.parametrize(("subject", "path"), FIRST_CALL)
async def test_html_instead_of_json(
    router: respx.Router, make: Any, query: Any, subject: Subject, path: str
) -> None:
    router.get(path).mock(
        return_value=httpx.Response(
            200, text="<html>maintenance</html>", headers={"content-type": "text/html"}
        )
    )
    with pytest.raises(BadResponse):
        await enrich(make(), query, subject)


@pytest.mark.parametrize(("subject", "path"), FIRST_CALL)
async def test_malformed_json(
    router: respx.Router, make: Any, query: Any, subject: Subject, path: str
) -> None:
    router.get(path).mock(
        return_value=httpx.Response(
            200, content=b'{"kvkNummer": ', headers={"content-type": "application/hal+json"}
        )
    )
    with pytest.raises(BadResponse):
        await enrich(make(), query, subject)


@pytest.mark.parametrize(
    "body",
    [
        [],
        basisprofiel(kvkNummer="12345678"),
        basisprofiel(naam=42),
        basisprofiel(materieleRegistratie={"datumAanvang": "2017-01-08"}),
        basisprofiel(materieleRegistratie="20170108"),
        basisprofiel(
            sbiActiviteiten=[{"sbiCode": "1011", "sbiOmschrijving": "x", "indHoofdactiviteit": "J"}]
        ),
        basisprofiel(sbiActiviteiten={"sbiCode": "1011"}),
        basisprofiel(totaalWerkzamePersonen="1"),
        basisprofiel(_embedded=[]),
    ],
)
async def test_wrong_shape_of_basisprofiel(
    router: respx.Router, make: Any, query: Any, body: Any
) -> None:
    router.get(BASISPROFIEL).mock(return_value=hal(body))
    fields = {"naam", "datumAanvang", "sbiActiviteiten", "totaalWerkzamePersonen", "rechtsvorm"}
    with pytest.raises(BadResponse):
        await make().enrich(query(BUSINESS, fields))


@pytest.mark.parametrize(
    "body",
    [
        {"kvkNummer": "69599084", "vestigingen": {"vestigingsnummer": "000038509504"}},
        {
            "kvkNummer": "69599084",
            "vestigingen": [{"eersteHandelsnaam": "x", "indHoofdvestiging": "Ja"}],
        },
        {
            "kvkNummer": "69599084",
            "vestigingen": [{"vestigingsnummer": "1", "indHoofdvestiging": "Ja"}],
        },
    ],
)
async def test_wrong_shape_of_vestigingen(
    router: respx.Router, make: Any, query: Any, body: Any
) -> None:
    router.get(VESTIGINGEN).mock(return_value=hal(body))
    with pytest.raises(BadResponse):
        await make().enrich(query(BUSINESS, {"vestigingen"}))


@pytest.mark.parametrize(
    "body",
    [
        "resultaten",
        {"pagina": 1, "resultaten": [HIT]},
        {"pagina": 1, "totaal": 1, "resultaten": HIT},
        zoeken_page(1, 1, [{**HIT, "kvkNummer": 97000011}]),
        zoeken_page(1, 1, [{**HIT, "vestigingsnummer": "97000011"}]),
    ],
)
async def test_wrong_shape_of_zoeken(
    router: respx.Router, make: Any, query: Any, body: Any
) -> None:
    router.get(ZOEKEN).mock(return_value=hal(body))
    with pytest.raises(BadResponse):
        await make().enrich(query(ADDRESS, {"aantalInschrijvingenOpAdres"}))


async def test_wrong_shape_of_a_vestigingsprofiel(
    router: respx.Router, make: Any, query: Any
) -> None:
    router.get(ZOEKEN).mock(return_value=hal(zoeken_page(1, 1, [HIT])))
    router.get(VESTIGINGSPROFIEL).mock(
        return_value=hal({"kvkNummer": "97000011", "sbiActiviteiten": "78201"})
    )
    with pytest.raises(BadResponse):
        await make().enrich(query(ADDRESS, {"inschrijvingenOpAdres"}))


@pytest.mark.parametrize("body", [{}, {"kvkNummer": 97000011}, {"naam": "x"}])
async def test_a_profile_without_a_kvk_number_is_a_bad_response_not_another_business(
    router: respx.Router, make: Any, query: Any, body: Any
) -> None:
    router.get(VESTIGINGSPROFIEL).mock(return_value=hal(body))
    with pytest.raises(BadResponse, match=r"vestigingsprofiel\.kvkNummer"):
        await make().enrich(query(BusinessRef("97000011", "000097000011"), {"naam"}))


# --- paging edge cases ----------------------------------------------------------------------


async def test_404_ipd5200_on_a_later_page_ends_the_paging(
    router: respx.Router, make: Any, query: Any
) -> None:
    route = router.get(ZOEKEN).mock(
        side_effect=[
            hal(zoeken_page(1, 2, [HIT])),
            kvk_error(404, "IPD5200", "Er zijn geen gegevens gevonden."),
        ]
    )
    result = await make().enrich(query(ADDRESS, {"aantalInschrijvingenOpAdres"}))
    assert [f.value for f in result.facts] == [2]
    assert [call.request.url.params["pagina"] for call in route.calls] == ["1", "2"]
    assert route.calls[0].request.url.params.get_list("type") == [
        "hoofdvestiging",
        "nevenvestiging",
    ]


async def test_empty_page_ends_the_paging(router: respx.Router, make: Any, query: Any) -> None:
    route = router.get(ZOEKEN).mock(
        side_effect=[hal(zoeken_page(1, 3, [HIT])), hal(zoeken_page(2, 3, []))]
    )
    result = await make().enrich(query(ADDRESS, {"aantalInschrijvingenOpAdres"}))
    assert route.call_count == 2
    assert [f.value for f in result.facts] == [3]


# --- no key, no call; check() never raises ------------------------------------------------


async def test_no_key_sends_nothing(router: respx.Router, make: Any, query: Any) -> None:
    route = router.get(BASISPROFIEL).mock(return_value=hal(basisprofiel()))
    with pytest.raises(AuthenticationFailed, match="OPPLUS_KVK_API_KEY"):
        await make(env={}).enrich(query(BUSINESS, {"naam"}))
    assert not route.called


@pytest.mark.parametrize(
    "answer",
    [
        httpx.ConnectError("refused"),
        httpx.ReadTimeout("slow"),
        kvk_error(500, "IPD9999", "Algemene technische fout."),
        kvk_error(401, "401", "Geen of onjuiste apikey aangeleverd."),
        httpx.Response(200, text="<html/>", headers={"content-type": "text/html"}),
        hal({"kvkNummer": "12345678"}),
    ],
)
async def test_check_reports_failures_without_raising(
    router: respx.Router, make: Any, answer: Any
) -> None:
    if isinstance(answer, Exception):
        router.get(BASISPROFIEL).mock(side_effect=answer)
    else:
        router.get(BASISPROFIEL).mock(return_value=answer)
    health = await make().check()
    assert not health.ok
    assert health.detail


async def test_check_accepts_a_production_key_that_does_not_know_the_test_number(
    router: respx.Router, make: Any
) -> None:
    router.get(BASISPROFIEL).mock(
        return_value=kvk_error(404, "IPD0005", "Op basis van het KVK-nummer 69599084 kan ...")
    )
    health = await make().check()
    assert health.ok
