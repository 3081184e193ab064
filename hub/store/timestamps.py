"""Timestamps as stored: fixed-width ISO 8601 in UTC, so text order is time order.

Both backends store times as text in this one format; comparisons in SQL
(``recorded_at < ?``) then work the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

__all__ = ["days_before", "format_ts", "parse_ts", "utc_now"]

_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def utc_now() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def format_ts(moment: datetime) -> str:
    """``2026-05-01T09:30:00.000000Z``; refuses a naive datetime (its zone is unknown)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: give a timezone-aware time")
    return moment.astimezone(UTC).strftime(_FORMAT)


def parse_ts(text: str) -> datetime:
    """The inverse of :func:`format_ts` (also accepts other ISO 8601 forms with a zone)."""
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError("timestamp without a timezone")
    return moment.astimezone(UTC)


def days_before(moment: datetime, days: int) -> str:
    """The stored form of ``moment - days``: the cut-off of a retention period."""
    return format_ts(moment - timedelta(days=days))
