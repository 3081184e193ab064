"""Canonical JSON (RFC 8785, JCS): the exact bytes a log entry's leaf hash covers.

Log records are plain JSON values (str, int, bool, None, lists, dicts with str keys);
times are ISO 8601 text. Floats are allowed by JCS but avoided in records, so that
no number formatting question can ever change a hash.
"""

from __future__ import annotations

from typing import Any

import rfc8785

__all__ = ["canonical_json"]


def canonical_json(value: Any) -> bytes:
    """The RFC 8785 serialisation of ``value`` (UTF-8 bytes)."""
    try:
        return rfc8785.dumps(value)
    except rfc8785.CanonicalizationError as exc:
        raise ValueError(f"not canonicalisable as JSON: {exc}") from exc
