"""The SDK's ZGW JWT (HS256): signed by connectors and table transports, verified by fakes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging

import pytest
import structlog

from plugins import (
    AuthenticationFailed,
    ConnectorContext,
    ZgwClientSettings,
    ZgwJwt,
    ZgwJwtError,
    unverified_zgw_claims,
    verify_zgw_jwt,
)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _token(secret: str = "k", user_id: str = "o-1") -> str:
    return ZgwJwt("opplus", secret).token(user_id, "Test Officer", now=1_700_000_000)


def test_round_trip_and_claims() -> None:
    token = ZgwJwt("opplus", "s3").token("o-7", "A. Officer", now=1_700_000_000.9)
    claims = verify_zgw_jwt(token, "s3")
    assert claims == {
        "iss": "opplus",
        "iat": 1_700_000_000,
        "client_id": "opplus",
        "user_id": "o-7",
        "user_representation": "A. Officer",
    }
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    assert header == {"alg": "HS256", "typ": "JWT"}


def test_exp_only_when_the_settings_ask_for_it() -> None:
    settings = ZgwClientSettings(jwt_expiry_s=300)
    context = ConnectorContext(env={"OPPLUS_ZGW_CLIENT_SECRET": "s3"})
    token = ZgwJwt.from_settings(settings, context).token("o-7", "A", now=1_700_000_000)
    assert verify_zgw_jwt(token, "s3")["exp"] == 1_700_000_300
    assert "exp" not in verify_zgw_jwt(_token("s3"), "s3")


def test_settings_shape_reads_the_secret_from_the_environment() -> None:
    settings = ZgwClientSettings(client_id="gemeente-x", client_secret_env="MY_ZGW_SECRET")
    signer = ZgwJwt.from_settings(settings, ConnectorContext(env={"MY_ZGW_SECRET": "s3"}))
    assert signer.has_secret
    assert verify_zgw_jwt(signer.token("o-1", "T"), "s3")["client_id"] == "gemeente-x"
    assert ZgwClientSettings().client_secret_env == "OPPLUS_ZGW_CLIENT_SECRET"


def test_missing_secret_names_the_variable_and_signs_nothing() -> None:
    signer = ZgwJwt.from_settings(ZgwClientSettings(), ConnectorContext(env={}))
    assert not signer.has_secret
    with pytest.raises(AuthenticationFailed, match="OPPLUS_ZGW_CLIENT_SECRET"):
        signer.authorization("o-1", "T")


def test_secret_is_never_in_repr_or_logs(caplog: pytest.LogCaptureFixture) -> None:
    secret = "zgw-geheim-4f9a"
    signer = ZgwJwt.from_settings(
        ZgwClientSettings(), ConnectorContext(env={"OPPLUS_ZGW_CLIENT_SECRET": secret})
    )
    caplog.set_level(logging.DEBUG)
    with structlog.testing.capture_logs() as events:
        signer.authorization("o-1", "T")
    assert secret not in repr(signer) and secret not in str(signer)
    assert "OPPLUS_ZGW_CLIENT_SECRET" in repr(signer)
    assert secret not in caplog.text + repr(events)


def test_signature_is_standard_hs256() -> None:
    """An independent HMAC-SHA256 over header.payload gives the same signature."""
    token = _token("secret")
    header, payload, signature = token.split(".")
    expected = hmac.new(b"secret", f"{header}.{payload}".encode(), hashlib.sha256).digest()
    assert signature == _b64(expected)


def test_wrong_secret_is_rejected() -> None:
    with pytest.raises(ZgwJwtError, match="signature"):
        verify_zgw_jwt(_token("right"), "wrong")


def test_tampered_payload_is_rejected() -> None:
    header, _, signature = _token("k").split(".")
    forged = _b64(json.dumps({"user_id": "admin"}).encode())
    with pytest.raises(ZgwJwtError, match="signature"):
        verify_zgw_jwt(f"{header}.{forged}.{signature}", "k")


def test_alg_none_is_rejected() -> None:
    header = _b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    payload = _b64(json.dumps({"client_id": "opplus"}).encode())
    with pytest.raises(ZgwJwtError, match="HS256"):
        verify_zgw_jwt(f"{header}.{payload}.", "k")


@pytest.mark.parametrize("token", ["", "abc", "a.b", "a.b.c.d", "!!!.e30.xx", "e30.bm90anNvbg.xx"])
def test_malformed_tokens_are_rejected(token: str) -> None:
    with pytest.raises(ZgwJwtError):
        verify_zgw_jwt(token, "k")


def test_unverified_claims_reads_without_secret() -> None:
    assert unverified_zgw_claims(_token("k", user_id="x"))["user_id"] == "x"


def test_one_signer_for_every_zgw_client() -> None:
    """The handhaving connector, the Bibob ZGW source and the zgw table transport share
    the SDK's settings shape; none keeps its own signer."""
    from connectors.bibob.client import Settings as BibobSettings
    from connectors.handhaving.client import Settings as HandhavingSettings
    from connectors.tables.zgw.transport import Settings as ZgwTableSettings

    for model in (BibobSettings, HandhavingSettings, ZgwTableSettings):
        assert issubclass(model, ZgwClientSettings), model
