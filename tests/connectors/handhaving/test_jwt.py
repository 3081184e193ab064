"""The HS256 JWT of the ZGW APIs: signed by the client, verified by the fake."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest

from connectors.handhaving import jwt


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def test_round_trip_and_claims() -> None:
    token = jwt.zgw_token(
        client_id="opplus",
        secret="s3",
        user_id="o-7",
        user_representation="A. Officer",
        issued_at=1_700_000_000,
    )
    claims = jwt.decode(token, "s3")
    assert claims == {
        "iss": "opplus",
        "iat": 1_700_000_000,
        "client_id": "opplus",
        "user_id": "o-7",
        "user_representation": "A. Officer",
    }
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    assert header == {"alg": "HS256", "typ": "JWT"}


def test_signature_is_standard_hs256() -> None:
    """An independent HMAC-SHA256 over header.payload gives the same signature."""
    token = jwt.encode({"a": 1}, "secret")
    header, payload, signature = token.split(".")
    expected = hmac.new(b"secret", f"{header}.{payload}".encode(), hashlib.sha256).digest()
    assert signature == _b64(expected)


def test_wrong_secret_is_rejected() -> None:
    token = jwt.encode({"client_id": "opplus"}, "right")
    with pytest.raises(jwt.JWTError, match="signature"):
        jwt.decode(token, "wrong")


def test_tampered_payload_is_rejected() -> None:
    header, _, signature = jwt.encode({"user_id": "o-1"}, "k").split(".")
    forged = _b64(json.dumps({"user_id": "admin"}).encode())
    with pytest.raises(jwt.JWTError, match="signature"):
        jwt.decode(f"{header}.{forged}.{signature}", "k")


def test_alg_none_is_rejected() -> None:
    header = _b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    payload = _b64(json.dumps({"client_id": "opplus"}).encode())
    with pytest.raises(jwt.JWTError, match="HS256"):
        jwt.decode(f"{header}.{payload}.", "k")


@pytest.mark.parametrize("token", ["", "abc", "a.b", "a.b.c.d", "!!!.e30.xx", "e30.bm90anNvbg.xx"])
def test_malformed_tokens_are_rejected(token: str) -> None:
    with pytest.raises(jwt.JWTError):
        jwt.decode(token, "k")


def test_unverified_claims_reads_without_secret() -> None:
    token = jwt.encode({"client_id": "x"}, "k")
    assert jwt.unverified_claims(token) == {"client_id": "x"}
