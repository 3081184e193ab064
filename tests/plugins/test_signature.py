"""The HMAC body signature shared by the webhook transport and table feedback."""

from __future__ import annotations

from plugins import sign_body, verify_signature

BODY = b'{"text": "besproken"}'


def test_round_trip_and_each_refusal():
    header = sign_body("s3cret", 1_800_000_000, BODY)
    assert header.startswith("t=1800000000,v1=")
    assert verify_signature("s3cret", header, BODY, now=1_800_000_010) is None
    assert verify_signature("s3cret", None, BODY) == "missing"
    assert verify_signature("s3cret", "v1=abc", BODY) == "malformed"
    assert verify_signature("s3cret", header, BODY, now=1_800_000_301) == "expired"
    assert verify_signature("other", header, BODY, now=1_800_000_000) == "mismatch"
    assert verify_signature("s3cret", header, BODY + b" ", now=1_800_000_000) == "mismatch"


def test_any_matching_v1_is_accepted_for_key_rotation():
    new = sign_body("new", 1_800_000_000, BODY)
    old = sign_body("old", 1_800_000_000, BODY).split(",")[1]
    assert verify_signature("old", f"{new},{old}", BODY, now=1_800_000_000) is None
