"""What a use case answers instead of a result. Messages are Dutch (an officer reads
them); ``field`` names the input they are about, so an adapter shows the message at
that field (a web form) or prefixes it (the command line) without parsing strings.

    UseCaseError
    ├── Refused    the actor may not do this (logged as a refusal in the access log)
    ├── NotFound   no such object, or none the actor may know of (same answer for both)
    ├── Damaged    a stored object does not open or was changed outside opplus
    ├── Conflict   the object is not in a state that allows this (already done, changed)
    └── Invalid    the input is wrong: one or more problems, each with its field
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Conflict", "Damaged", "Invalid", "NotFound", "Problem", "Refused", "UseCaseError"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input: the field (a dotted path, or ``None`` for the
    whole request) and a Dutch message."""

    field: str | None
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class UseCaseError(Exception):
    """Base of every error a use case raises on purpose."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("; ".join(str(p) for p in self.problems))

    @property
    def message(self) -> str:
        """The first problem's message, without its field."""
        return self.problems[0].message if self.problems else ""

    @property
    def field(self) -> str | None:
        return self.problems[0].field if self.problems else None


class Refused(UseCaseError):
    """The actor may not do this; ``reason`` is Dutch and says why."""

    def __init__(self, reason: str, field: str | None = None) -> None:
        super().__init__([Problem(field, reason)])
        self.reason = reason


class NotFound(UseCaseError, LookupError):
    """No such object (``kind`` e.g. "dossier", ``key`` its id), or one the actor may not
    know of: both get this same answer."""

    def __init__(self, kind: str, key: str, field: str | None = None) -> None:
        super().__init__([Problem(field, f"{kind} {key} bestaat niet")])
        self.kind = kind
        self.key = key


class Damaged(UseCaseError):
    """A stored object does not open: its envelope is damaged, or a clear column was
    changed outside opplus. Nothing of it is shown."""

    def __init__(self, kind: str, key: str, field: str | None = None) -> None:
        super().__init__(
            [
                Problem(
                    field,
                    f"{kind} {key} is beschadigd of buiten opplus gewijzigd en wordt niet "
                    "getoond; meld dit bij de beheerder (opplus audit verify noemt wat er "
                    "gewijzigd is)",
                )
            ]
        )
        self.kind = kind
        self.key = key


class Conflict(UseCaseError):
    """The request is well-formed and allowed, but the object's state forbids it now
    (e.g. the same payload was already forwarded, a delivery is not failed)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__([Problem(field, message)])


class Invalid(UseCaseError):
    """The input is wrong; every problem with its field, in the order of the input."""
