"""What of a delivered value its field's labels do not cover (see :class:`FieldSpec`).

The contract kit fails a connector on any of these; the hub would otherwise show an
officer a registry's own key or code.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ._facts import FieldSpec

__all__ = ["DUTCH_MONTHS", "unlabelled"]

#: the month names a Dutch date is written with ("3 december 2026"), January first
DUTCH_MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)


def unlabelled(name: str, spec: FieldSpec, value: Any) -> list[str]:
    """The missing labels of field ``name`` delivering ``value``, as a plugin author
    reads them: ``"label"``, ``"part 'datumAanvraag'"``,
    ``"code 'mindere_mate' of 'mateVanGevaar'"``. Empty when everything is labelled."""
    problems = [] if spec.label.strip() else ["label"]
    problems += _walk(name, spec, value)
    return list(dict.fromkeys(problems))


def _walk(key: str, spec: FieldSpec, value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for part, inner in value.items():
            if part not in spec.parts:
                yield f"part {part!r}"
            yield from _walk(part, spec, inner)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(key, spec, item)
    elif isinstance(value, str) and key in spec.codes and value not in spec.codes[key]:
        yield f"code {value!r} of {key!r}"
