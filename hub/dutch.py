"""Dutch values for the officer: dates in words, a decimal comma."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from plugins import DUTCH_MONTHS

__all__ = [
    "MONTHS",
    "dutch_date",
    "dutch_dates_in",
    "dutch_moment",
    "dutch_number",
    "dutch_text",
]

MONTHS = DUTCH_MONTHS
_DATE = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")
_DATE_IN_TEXT = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")

try:
    _ZONE: ZoneInfo | None = ZoneInfo("Europe/Amsterdam")
except ZoneInfoNotFoundError:  # no tz database: show UTC and say so
    _ZONE = None


def dutch_date(day: date) -> str:
    """``3 december 2026``."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def dutch_moment(moment: datetime) -> str:
    """``4 december 2026 05:16`` in Amsterdam time (UTC, said so, without a tz database)."""
    if moment.tzinfo is not None:
        if _ZONE is None:
            return f"{dutch_date(moment)} {moment:%H:%M} UTC"
        moment = moment.astimezone(_ZONE)
    return f"{dutch_date(moment)} {moment:%H:%M}"


def dutch_number(number: float) -> str:
    """``7,1``: a decimal comma, no trailing zeros."""
    return f"{number:g}".replace(".", ",")


def dutch_text(text: str) -> str:
    """A registry's ISO date (whole, or year and month) or time in words; other text as is."""
    matched = _DATE.match(text)
    if matched:
        year, month, day = matched.groups()
        try:
            if day is None:
                return f"{MONTHS[int(month) - 1]} {year}" if 1 <= int(month) <= 12 else text
            return dutch_date(date(int(year), int(month), int(day)))
        except ValueError:
            return text
    if _MOMENT.match(text):
        try:
            return dutch_moment(datetime.fromisoformat(text.replace("Z", "+00:00")))
        except ValueError:
            return text
    return text


def dutch_dates_in(text: str) -> str:
    """``text`` with every ISO date in it in words (a registry operation's peildatum)."""
    return _DATE_IN_TEXT.sub(lambda found: dutch_text(found.group()), text)
