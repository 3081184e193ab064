"""What the SDK's HTTP helpers cost: no URL parsing per request that only an error
message needs (bench/enrich.py, figure 3: the hub's CPU against a raw replay), and
certifi's bundle loaded once, not per connector (figure 5: ``opplus enrich``)."""

from __future__ import annotations

import ssl

import certifi
import httpx
import pytest

import plugins._http
from plugins import ConnectorSettings, Evidence, RegistryTimeout, send, tls_context
from plugins._facts import _without_query

from .test_http import client


async def test_a_good_answer_does_not_work_out_where_an_error_came_from(monkeypatch):
    def where(*_):
        raise AssertionError("_where called for an answer that is not an error")

    monkeypatch.setattr(plugins._http, "_where", where)
    async with client(lambda request: httpx.Response(200, json={"ok": True})) as http:
        response = await send(http, "GET", "personen?bsn=999993653")
    assert response.json() == {"ok": True}


async def test_an_error_still_names_the_url_without_its_query():
    def hang(request):
        raise httpx.ReadTimeout("slow", request=request)

    async with client(hang) as http:
        with pytest.raises(RegistryTimeout, match=r"registry\.test/api/v2/personen$"):
            await send(http, "GET", "personen?bsn=999993653")


@pytest.mark.parametrize(
    "url",
    [
        "http://registry.test/api/zaken?rol=999993653&page=2",
        "http://registry.test/api/zaken?",
        "http://registry.test/api/zaken",
        "http://registry.test/api/zaken#deel",
        "http://registry.test/api/zaken?q=1#deel?x",
        "https://u:p@registry.test:8443/a%3Fb?c=%23#f",
        "http://registry.test/päth?q=ü",
    ],
)
def test_evidence_url_is_httpx_own_url_without_query(url):
    parsed = httpx.URL(url)
    expected = str(parsed.copy_with(query=None))
    assert _without_query(str(parsed)) == expected
    response = httpx.Response(200, json={}, request=httpx.Request("GET", parsed))
    assert Evidence.from_response(response, "op").url == expected


def test_certifi_bundle_is_loaded_once_for_every_connector_without_own_tls():
    one = ConnectorSettings(base_url="https://brp.example").tls()
    other = ConnectorSettings(base_url="https://kvk.example").tls()
    assert one is other is tls_context()
    assert one.verify_mode == ssl.CERT_REQUIRED and one.check_hostname


def test_a_ca_file_gets_a_context_of_its_own():
    bundle = certifi.where()
    assert tls_context(bundle) is not tls_context(bundle)
    assert tls_context(bundle) is not tls_context()
