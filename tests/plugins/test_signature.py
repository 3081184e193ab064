"""The HMAC body signature shared by the webhook transport and table feedback."""

from __future__ import annotations

from plugins import check_request_signature, sign_body, sign_request, verify_signature

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


PATH = "/api/v1/deliveries/d-1/feedback"


def test_v2_covers_method_and_path():
    header = sign_request("s3cret", 1_800_000_000, "POST", PATH, BODY)
    assert header.startswith("t=1800000000,v2=")
    ok = check_request_signature("s3cret", header, "POST", PATH, BODY, now=1_800_000_010)
    assert ok.problem is None and ok.timestamp == 1_800_000_000
    assert ok.signature == header.split("v2=")[1]
    for method, path in (("PUT", PATH), ("POST", "/api/v1/deliveries/d-2/feedback")):
        moved = check_request_signature("s3cret", header, method, path, BODY, now=1_800_000_000)
        assert moved.problem == "mismatch"
    late = check_request_signature("s3cret", header, "POST", PATH, BODY, now=1_800_000_301)
    assert late.problem == "expired"


def test_v2_refuses_a_v1_signature():
    """A body-only signature says nothing about which delivery it is for."""
    v1 = sign_body("s3cret", 1_800_000_000, BODY)
    check = check_request_signature("s3cret", v1, "POST", PATH, BODY, now=1_800_000_000)
    assert check.problem == "v1-only"
    assert check_request_signature("s3cret", None, "POST", PATH, BODY).problem == "missing"
    assert check_request_signature("s3cret", "v2=ab", "POST", PATH, BODY).problem == "malformed"


def test_a_timestamp_in_non_ascii_digits_is_malformed_not_a_crash():
    body = b"{}"
    for t in ("²", "１７００００００００", "٣"):
        header = f"t={t},v1=00"
        assert verify_signature("s", header, body) == "malformed"
        assert check_request_signature("s", header, "POST", "/x", body).problem == "malformed"
