"""The ZGW Bibob source on the ZGW fake: the same facts as the SOAP register, and its own rules."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

from connectors.bibob.client import BibobConnector, Settings
from connectors.bibob.fake import FAKE_PASSWORD, MOUNT
from connectors.bibob.fake import create_app as soap_app
from connectors.handhaving.fake import FAKE_CLIENT_SECRET
from connectors.handhaving.fake import create_app as zgw_app
from connectors.handhaving.fake.data import ZAAKTYPE_BIBOB_ONDERZOEK
from hub.config import ConfigError, connector_settings, default_config_text, load_config
from plugins import (
    AddressRef,
    BadResponse,
    BusinessRef,
    ConnectorContext,
    Query,
    Subject,
    make_plugins,
)

ZAKEN = "http://fake/zaken/api/v1"
ZAAKTYPE = f"zaaktypen/{ZAAKTYPE_BIBOB_ONDERZOEK}"
ZGW_ENV = {"OPPLUS_ZGW_CLIENT_SECRET": FAKE_CLIENT_SECRET}
#: the query parameters of ZGW Zaken 1.5.1 the source may use, per list
STANDARD_FILTERS = {
    "/zaken/api/v1/zaken": {"zaaktype", "page"},
    "/zaken/api/v1/rollen": {"zaak", "page"},
    "/zaken/api/v1/zaakobjecten": {"zaak", "objectType", "page"},
}
DEMO_SUBJECTS: list[Subject] = [
    BusinessRef("97000011"),
    BusinessRef("97000035"),
    BusinessRef("97000059"),
    AddressRef("1621JH", 88),
    AddressRef("1601AM", 201),
    AddressRef("1671BD", 14),
    BusinessRef("12345678"),
    AddressRef("1687AB", 5),
]


class Recorder(httpx.AsyncBaseTransport):
    """The fake behind a transport that keeps every request."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return await self.inner.handle_async_request(request)


@pytest.fixture
def world_app() -> Any:
    return zgw_app()


@pytest.fixture
async def build() -> AsyncIterator[Callable[..., BibobConnector]]:
    made: list[BibobConnector] = []

    def make(transport: Any, env: dict[str, str] | None = None, **settings: Any) -> BibobConnector:
        values: dict[str, Any] = {
            "base_url": ZAKEN,
            "source": "zgw",
            "zaaktype": ZAAKTYPE,
            "max_attempts": 1,
        }
        values.update(settings)
        connector = BibobConnector(
            Settings(**values),
            ConnectorContext(transport=transport, env=ZGW_ENV if env is None else env),
        )
        made.append(connector)
        return connector

    yield make
    for connector in made:
        await connector.aclose()


def facts(result: Any) -> dict[str, Any]:
    return {f.attribute: f.value for f in result.facts}


def zaak_key(app: Any, identificatie: str) -> str:
    world = app.state.world
    return next(k for k, z in world.zaken.items() if z["identificatie"] == identificatie)


@pytest.mark.parametrize("subject", DEMO_SUBJECTS, ids=lambda s: s.key)
async def test_both_sources_give_the_same_facts_for_the_demo_subjects(
    subject: Subject, build: Callable[..., BibobConnector], query_for: Callable[..., Query]
) -> None:
    soap = BibobConnector(
        Settings(base_url=f"http://fake{MOUNT}"),
        ConnectorContext(
            transport=httpx.ASGITransport(app=soap_app(), root_path=MOUNT),
            env={"OPPLUS_BIBOB_PASSWORD": FAKE_PASSWORD},
        ),
    )
    try:
        expected = await soap.enrich(query_for(subject))
    finally:
        await soap.aclose()
    zgw = build(httpx.ASGITransport(app=zgw_app()))
    got = await zgw.enrich(query_for(subject))
    assert facts(got) == facts(expected)
    assert [s.key for s in got.discovered] == [s.key for s in expected.discovered]
    assert got.info.registry == "Zaaksysteem (Bibob-onderzoek, ZGW Zaken API)"
    assert expected.info.registry == "Vergunningenregister (Bibob, SOAP)"


async def test_a_hit_rests_on_the_zaken_it_was_read_from(
    build: Callable[..., BibobConnector], query_for: Callable[..., Query]
) -> None:
    result = await build(httpx.ASGITransport(app=zgw_app())).enrich(
        query_for(BusinessRef("97000035"))
    )
    operations = {e.operation for e in result.evidence}
    assert {"zaak_list", "rol_list", "zaakobject_list", "zaak_retrieve"} <= operations
    assert {"resultaat_retrieve", "resultaattype_retrieve", "zaaktype_retrieve"} <= operations
    assert {f.provenance.operation for f in result.facts} == {"zaak_list"}
    # what was read about the other applicants' screenings is not kept
    kept = b"".join(e.body for e in result.evidence if e.operation != "zaak_list")
    for other in (b"97000011", b"97000059", b"Landelijk Bureau Bibob"):
        assert other not in kept


async def test_only_standard_zaken_filters_and_a_token_per_officer(
    world_app: Any, build: Callable[..., BibobConnector], query_for: Callable[..., Query]
) -> None:
    wire = Recorder(httpx.ASGITransport(app=world_app))
    await build(wire).enrich(query_for(AddressRef("1621JH", 88)))
    lists = [r for r in wire.requests if r.url.path in STANDARD_FILTERS]
    assert lists
    for request in lists:
        assert set(request.url.params) <= STANDARD_FILTERS[request.url.path], request.url
    zaken = [r for r in wire.requests if r.url.path.startswith("/zaken/api/v1/zaken")]
    assert all(r.headers["Accept-Crs"] == "EPSG:4326" for r in zaken)
    assert {c["user_id"] for c in world_app.state.received_claims} == {"o-1"}


async def test_an_open_screening_has_no_outcome_and_an_undecided_permit_is_aangevraagd(
    world_app: Any, build: Callable[..., BibobConnector], query_for: Callable[..., Query]
) -> None:
    zaak = world_app.state.world.zaken[zaak_key(world_app, "BIBOB-2025-0002")]
    zaak["resultaat"] = None
    zaak["einddatum"] = None
    hoofdzaak = world_app.state.world.zaken[zaak["hoofdzaak"]]
    hoofdzaak["resultaat"] = None
    hoofdzaak["einddatum"] = None
    result = await build(httpx.ASGITransport(app=world_app)).enrich(
        query_for(BusinessRef("97000035"))
    )
    [permit] = facts(result)["vergunningen"]
    assert permit["status"] == "aangevraagd" and permit["datumBesluit"] is None
    assert permit["bibob"] == {
        "onderzoek": "eigen_onderzoek",
        "datum": None,
        "mateVanGevaar": None,
        "besluit": None,
    }
    assert facts(result)["hoogsteMateVanGevaar"] is None


async def test_a_registers_own_omschrijving_needs_a_mapping(
    world_app: Any, build: Callable[..., BibobConnector], query_for: Callable[..., Query]
) -> None:
    for resultaattype in world_app.state.world.resultaattypen.values():
        if resultaattype["omschrijving"] == "Ernstig gevaar":
            resultaattype["omschrijving"] = "Ernstige mate van gevaar"
    subject = BusinessRef("97000035")
    with pytest.raises(BadResponse, match="Ernstige mate van gevaar"):
        await build(httpx.ASGITransport(app=world_app)).enrich(query_for(subject))
    mapped = build(
        httpx.ASGITransport(app=world_app),
        omschrijvingen={"Ernstige mate van gevaar": "ernstig_gevaar"},
    )
    assert facts(await mapped.enrich(query_for(subject)))["hoogsteMateVanGevaar"] == (
        "ernstig_gevaar"
    )


async def test_a_screening_without_its_permit_application_is_a_bad_response(
    world_app: Any, build: Callable[..., BibobConnector], query_for: Callable[..., Query]
) -> None:
    world_app.state.world.zaken[zaak_key(world_app, "BIBOB-2025-0002")]["hoofdzaak"] = None
    with pytest.raises(BadResponse, match="hoofdzaak"):
        await build(httpx.ASGITransport(app=world_app)).enrich(query_for(BusinessRef("97000035")))


async def test_the_token_never_follows_a_link_outside_the_configured_apis(
    build: Callable[..., BibobConnector], query_for: Callable[..., Query]
) -> None:
    app = zgw_app()

    async def elsewhere(request: httpx.Request) -> httpx.Response:
        response = await httpx.ASGITransport(app=app).handle_async_request(request)
        body = await response.aread()
        if request.url.path == "/zaken/api/v1/zaken":
            # the registry's answer points the permit application to another host
            body = body.replace(b'"hoofdzaak":"http://fake/', b'"hoofdzaak":"http://evil/')
        headers = {"content-type": response.headers["content-type"]}
        return httpx.Response(response.status_code, headers=headers, content=body)

    wire = Recorder(httpx.MockTransport(elsewhere))
    with pytest.raises(BadResponse, match="outside the configured"):
        await build(wire).enrich(query_for(BusinessRef("97000035")))
    assert all(r.url.host == "fake" for r in wire.requests)


async def test_check_needs_the_secret_and_finds_the_zaaktype(
    build: Callable[..., BibobConnector],
) -> None:
    good = await build(httpx.ASGITransport(app=zgw_app())).check()
    assert good.ok, good.detail
    missing = await build(httpx.ASGITransport(app=zgw_app()), env={}).check()
    assert not missing.ok and "OPPLUS_ZGW_CLIENT_SECRET" in missing.detail
    other = await build(
        httpx.ASGITransport(app=zgw_app()),
        zaaktype="zaaktypen/00000000-0000-0000-0000-000000000000",
    ).check()
    assert not other.ok


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"source": "zgw"}, "zaaktype: source 'zgw' heeft"),
        (
            {"source": "zgw", "zaaktype": ZAAKTYPE, "username": "x"},
            "username: hoort bij source 'soap'",
        ),
        ({"zaaktype": ZAAKTYPE}, "zaaktype: hoort bij source 'zgw'"),
        ({"source": "graphql"}, "source"),
        (
            {"source": "zgw", "zaaktype": ZAAKTYPE, "omschrijvingen": {"Ernstig": "heel_erg"}},
            "geen Bibob-code",
        ),
        (
            {"source": "zgw", "zaaktype": ZAAKTYPE, "base_url": "http://zaken.example/api"},
            "catalogi_base_url ontbreekt",
        ),
    ],
)
def test_settings_fit_the_source(values: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Settings(**{"base_url": ZAKEN, **values})


def test_settings_resolve_the_zaaktype() -> None:
    relative = Settings(base_url=ZAKEN, source="zgw", zaaktype=ZAAKTYPE)
    assert relative.zaaktype_url() == f"http://fake/catalogi/api/v1/{ZAAKTYPE}"
    absolute = Settings(
        base_url="http://zaken.example/api",
        source="zgw",
        zaaktype="https://catalogi.example/api/zaaktypen/x/",
    )
    assert absolute.zaaktype_url() == "https://catalogi.example/api/zaaktypen/x"


def test_a_misconfigured_register_stops_the_start_naming_the_field(tmp_path: Any) -> None:
    text = default_config_text().replace('source = "soap"', 'source = "zgw"', 1)
    path = tmp_path / "opplus.toml"
    path.write_text(text)
    spec = make_plugins(["connectors.bibob.plugin"], load_entry_points=False, environ={})
    # the SOAP user left behind is named, as is a missing zaaktype
    with pytest.raises(ConfigError, match=r"connectors\.bibob.*username: hoort bij source 'soap'"):
        connector_settings(load_config(path), spec.connectors()["bibob"])
