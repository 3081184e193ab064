"""Errors as the web service reports them: in Dutch, each naming its field.

The JSON API answers every error as ``{"detail": [{"field": ..., "message": ...}]}``
(built here, by :func:`error_body`, and nowhere else); pages show the message next to
the field. A use case's :class:`~hub.usecases.UseCaseError` gets its HTTP status and
page title from :func:`use_case_status`. A signal's messages come from
:func:`hub.signal.parse_signal` — the same ones the command line prints.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import BaseModel

from ..signal import SignalError, parse_signal
from ..usecases import Conflict, Damaged, Invalid, NotFound, Problem, Refused, UseCaseError

__all__ = [
    "ApiError",
    "ErrorItem",
    "ErrorOut",
    "error_body",
    "error_text",
    "field_path",
    "signal_problems",
    "use_case_status",
    "validation_problems",
]


class ErrorItem(BaseModel):
    field: str | None
    message: str


class ErrorOut(BaseModel):
    """Every error of the API: one item per problem, each naming its field."""

    detail: list[ErrorItem]


class ApiError(Exception):
    """An error answer: HTTP status and problems as (field, Dutch message)."""

    def __init__(
        self,
        status: int,
        problems: Sequence[tuple[str | None, str]],
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__("; ".join(f"{f}: {m}" if f else m for f, m in problems))
        self.status = status
        self.problems = list(problems)
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return error_body(Problem(f, m) for f, m in self.problems)


def error_body(problems: Iterable[Problem]) -> dict[str, Any]:
    """The JSON body of every error answer of the API."""
    return {"detail": [{"field": p.field, "message": p.message} for p in problems]}


def error_text(problems: Iterable[Problem]) -> str:
    """The problems as one line for an error page, each prefixed with its field."""
    return "; ".join(str(p) for p in problems)


# Most specific first: a subclass (e.g. a use case's own kind of Refused) answers as
# its base unless it is listed before it.
_USE_CASE_STATUS: list[tuple[type[UseCaseError], int, str]] = [
    (Refused, 403, "Geen toegang"),
    (NotFound, 404, "Niet gevonden"),
    (Conflict, 409, "Dat kan nu niet"),
    (Invalid, 422, "Ongeldige invoer"),
]


def use_case_status(exc: UseCaseError) -> tuple[int, str]:
    """The HTTP status and the page title of a use case's error (409 for a kind this
    table does not know: the request was understood, the state does not allow it)."""
    if isinstance(exc, Damaged):
        return 409, f"{exc.kind.capitalize()} beschadigd"
    for kind, status, title in _USE_CASE_STATUS:
        if isinstance(exc, kind):
            return status, title
    return 409, "Dat kan nu niet"


_MESSAGES = {
    "missing": "dit veld is verplicht",
    "extra_forbidden": "onbekend veld",
    "string_type": "moet tekst zijn",
    "int_type": "moet een geheel getal zijn",
    "int_parsing": "moet een geheel getal zijn",
    "int_from_float": "moet een geheel getal zijn",
    "bool_type": "moet true of false zijn",
    "bool_parsing": "moet true of false zijn",
    "list_type": "moet een lijst zijn",
    "model_type": "moet een object zijn",
    "model_attributes_type": "moet een object zijn",
    "dict_type": "moet een object zijn",
    "too_short": "te weinig waarden",
    "too_long": "te veel waarden of te lang",
    "string_too_short": "mag niet leeg zijn",
    "string_too_long": "te lang",
    "string_pattern_mismatch": "ongeldige waarde",
    "greater_than_equal": "te klein",
    "greater_than": "te klein",
    "less_than_equal": "te groot",
    "less_than": "te groot",
    "literal_error": "onbekende waarde",
    "enum": "onbekende waarde",
    "json_invalid": "geen geldige JSON",
    "json_type": "geen geldige JSON",
    "datetime_parsing": "geen datum/tijd (verwacht bv. 2026-11-01 of 2026-11-01T12:00:00Z)",
    "datetime_type": "geen datum/tijd (verwacht bv. 2026-11-01T12:00:00Z)",
    "datetime_from_date_parsing": "geen datum/tijd (verwacht bv. 2026-11-01T12:00:00Z)",
    "date_parsing": "geen datum (verwacht bv. 2026-11-01)",
    "date_from_datetime_parsing": "geen datum (verwacht bv. 2026-11-01)",
    "date_type": "geen datum (verwacht bv. 2026-11-01)",
    "timezone_aware": "geef een tijdzone (bv. Z of +01:00)",
    "float_parsing": "moet een getal zijn",
    "float_type": "moet een getal zijn",
    "string_unicode": "geen geldige tekst",
    "uuid_parsing": "geen geldige id",
}

# The part of a request a parameter came from, in the field name (the body's fields are
# named as they are).
_WHERE = {"path": "pad", "query": "query", "header": "header", "cookie": "cookie"}


def field_path(loc: Sequence[int | str]) -> str | None:
    """``("body", "persons", 0, "burgerservicenummer")`` → ``persons[0].burgerservicenummer``."""
    parts = list(loc)
    prefix = ""
    if parts and parts[0] == "body":
        parts = parts[1:]
    elif parts and parts[0] in _WHERE:
        prefix = f"{_WHERE[str(parts[0])]}:"
        parts = parts[1:]
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return (prefix + path) if path else (prefix.rstrip(":") or None)


def validation_problems(errors: Sequence[Any]) -> list[Problem]:
    """Pydantic/FastAPI validation errors, each with its field and a Dutch message."""
    problems: list[Problem] = []
    for error in errors:
        kind = str(error.get("type", ""))
        if kind == "value_error":
            message = str(error.get("msg", "")).removeprefix("Value error, ")
        else:
            message = _MESSAGES.get(kind, "ongeldige waarde")
        path = field_path(error.get("loc", ()))
        if kind in ("json_invalid", "json_type") or path is None:
            path = "body"
        problems.append(Problem(path, message))
    return problems


def signal_problems(body: Any) -> list[Problem] | None:
    """The problems :func:`parse_signal` names in ``body``, or None when it is valid."""
    try:
        parse_signal(body)
    except SignalError as exc:
        return [Problem(f, m) for f, m in exc.problems]
    return None
