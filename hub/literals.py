"""A value read back from the database as one of a closed set of words, checked: a
stored word outside the set is a damaged row, not something to pass on unnoticed."""

from __future__ import annotations

from typing import TypeVar

__all__ = ["one_of"]

W = TypeVar("W", bound=str)


def one_of(value: object, choices: tuple[W, ...], what: str) -> W:
    """``value`` as the member of ``choices`` it equals; ValueError naming ``what``
    otherwise."""
    for choice in choices:
        if value == choice:
            return choice
    raise ValueError(f"{what}: {value!r} is none of {', '.join(choices)}")
