"""TLS per connector against a real HTTPS server on loopback: a private CA bundle
(``ca_file``) and a client certificate for mutual TLS (``client_cert_file``)."""

from __future__ import annotations

import ssl
from pathlib import Path
from typing import Any

import pytest

from plugins import (
    ConnectorContext,
    ConnectorError,
    ConnectorSettings,
    registry_client,
    send,
    tls_context,
)
from plugins._gateway import _certifi_context

from .tls_server import Pki, https_server, make_pki


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


async def get(base_url: str, **tls: Any) -> dict[str, Any]:
    settings = ConnectorSettings(base_url=base_url, timeout_s=5, max_attempts=1, **tls)
    async with registry_client(settings, ConnectorContext()) as client:
        response = await send(client, "GET", "ping")
    body: dict[str, Any] = response.json()
    return body


async def test_without_ca_file_the_private_ca_is_not_trusted(pki: Pki) -> None:
    with https_server(pki, require_client_cert=False) as url:
        with pytest.raises(ConnectorError, match="not trusted"):
            await get(url)


async def test_with_ca_file_the_registry_is_reached(pki: Pki) -> None:
    with https_server(pki, require_client_cert=False) as url:
        assert await get(url, ca_file=str(pki.ca_file)) == {"ok": True}


@pytest.mark.parametrize("tls_version", [ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3])
async def test_mutual_tls_without_client_cert_fails(pki: Pki, tls_version: ssl.TLSVersion) -> None:
    with https_server(pki, require_client_cert=True, tls_version=tls_version) as url:
        with pytest.raises(ConnectorError, match="client_cert_file") as failed:
            await get(url, ca_file=str(pki.ca_file))
    assert not failed.value.transient or "connection reset" in str(failed.value)


async def test_mutual_tls_with_client_cert_is_reached(pki: Pki) -> None:
    tls = {
        "ca_file": str(pki.ca_file),
        "client_cert_file": str(pki.client_cert),
        "client_key_file": str(pki.client_key),
    }
    with https_server(pki, require_client_cert=True) as url:
        assert await get(url, **tls) == {"ok": True}


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("ca_file", "(?s)ca_file\n.*bestand .*ontbreekt.pem bestaat niet"),
        ("client_cert_file", "(?s)client_cert_file\n.*bestand .*ontbreekt.pem bestaat niet"),
    ],
)
def test_a_missing_file_is_a_settings_error_naming_the_key(
    pki: Pki, tmp_path: Path, key: str, message: str
) -> None:
    tls = {"client_cert_file": str(pki.client_cert), "client_key_file": str(pki.client_key)}
    tls[key] = str(tmp_path / "ontbreekt.pem")
    with pytest.raises(ValueError, match=message):
        ConnectorSettings(base_url="https://registry.test", **tls)


def test_a_certificate_without_its_key_is_refused(pki: Pki) -> None:
    with pytest.raises(ValueError, match="client_cert_file en client_key_file"):
        ConnectorSettings(base_url="https://registry.test", client_cert_file=str(pki.client_cert))


def test_a_file_that_is_no_pem_is_refused(tmp_path: Path) -> None:
    junk = tmp_path / "ca.pem"
    junk.write_text("geen certificaat")
    with pytest.raises(ValueError, match="geen bruikbaar PEM"):
        ConnectorSettings(base_url="https://registry.test", ca_file=str(junk))


def test_connectors_without_tls_files_share_one_default_context(pki: Pki) -> None:
    """Loading certifi's bundle costs ~50 ms: a dozen connectors must not pay it twice
    each at start. A context with its own files stays the connector's own."""
    plain = [ConnectorSettings(base_url=f"https://r{i}.test") for i in range(3)]
    assert len({id(s.tls()) for s in plain}) == 1
    assert plain[0].tls() is tls_context()
    own = ConnectorSettings(base_url="https://r.test", ca_file=str(pki.ca_file))
    assert own.tls() is not plain[0].tls()
    assert own.tls() is not own.tls()


def test_settings_without_tls_files_load_no_trust_store(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loading certifi's bundle costs tens of milliseconds, once per connector and
    client; validating settings that name no file of the operator's has nothing to
    prove, so it leaves that to the client."""
    _certifi_context.cache_clear()  # else a context made earlier hides a load
    loaded: list[object] = []
    real = ssl.create_default_context

    def counting(*args: Any, **kwargs: Any) -> ssl.SSLContext:
        loaded.append(kwargs.get("cafile"))
        return real(*args, **kwargs)

    monkeypatch.setattr(ssl, "create_default_context", counting)
    settings = ConnectorSettings(base_url="https://registry.test")
    assert loaded == []
    settings.tls()  # the client still verifies against certifi's bundle
    assert len(loaded) == 1 and loaded[0]
    settings.tls()  # and one bundle serves every connector without files of its own
    assert len(loaded) == 1
