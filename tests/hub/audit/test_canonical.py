"""Canonical JSON: the bytes a leaf hash covers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from hub.audit import canonical_json


def test_sorted_compact_utf8() -> None:
    assert (
        canonical_json({"b": 1, "a": [True, None, "é"]}) == '{"a":[true,null,"é"],"b":1}'.encode()
    )
    assert canonical_json({"a": 1, "b": 2}) == canonical_json({"b": 2, "a": 1})


@pytest.mark.parametrize("value", [datetime.now(UTC), 2**60, b"bytes"])
def test_values_outside_json_are_refused(value: object) -> None:
    with pytest.raises(ValueError):
        canonical_json({"x": value})
