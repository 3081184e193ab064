"""The errors a connector may raise, one type per failure it can meet.

The engine turns each into an outcome status of the dossier, so that a failure never
looks like "nothing found". The tree::

    ConnectorError                  base; never raised itself
    ├── RegistryUnavailable         the registry could not be reached or answered 5xx
    │   └── RegistryTimeout         no answer within the time allowed
    ├── RateLimited                 429: too many requests (carries retry_after)
    ├── AuthenticationFailed        401/403: credentials missing, wrong or expired
    ├── BadResponse                 the answer breaks the registry's contract
    ├── QueryRejected               the registry refused the query as invalid (4xx)
    └── Refused                     the purpose does not allow this query; nothing sent

Transient errors (``transient`` is true) may be retried by the engine:
connect errors, timeouts, 502/503/504 and 429.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

__all__ = [
    "AuthenticationFailed",
    "BadResponse",
    "ConnectorError",
    "QueryRejected",
    "RateLimited",
    "Refused",
    "RegistryTimeout",
    "RegistryUnavailable",
]


class ConnectorError(Exception):
    """Base of every error a connector raises."""

    transient: bool = False
    #: the outcome status the engine records for this error
    status: str = "failed"

    def __init__(self, message: str, *, detail: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail

    def __str__(self) -> str:
        return self.message


class RegistryUnavailable(ConnectorError):
    """The registry could not be reached, or answered with a server error."""

    def __init__(self, message: str, *, transient: bool = True, detail: str | None = None) -> None:
        super().__init__(message, detail=detail)
        self.transient = transient


class RegistryTimeout(RegistryUnavailable):
    """The registry did not answer in time."""

    status = "timeout"


class RateLimited(ConnectorError):
    """The registry answered 429; ``retry_after`` is in seconds when it said so."""

    transient = True

    def __init__(
        self, message: str, *, retry_after: float | None = None, detail: str | None = None
    ) -> None:
        super().__init__(message, detail=detail)
        self.retry_after = retry_after


class AuthenticationFailed(ConnectorError):
    """The registry refused the credentials (401/403), or a token could not be had."""


class BadResponse(ConnectorError):
    """The registry's answer broke its published contract (not JSON, wrong shape...)."""

    @classmethod
    def from_validation(cls, what: str, exc: _Validation) -> BadResponse:
        """The error for an answer a pydantic model refused: it names where the first
        problem is and what kind it is (``bewoningen: unexpected shape at
        bewoningen[0].bewoners: list_type``), never the value found there."""
        errors = exc.errors()
        if not errors:
            return cls(f"{what}: unexpected shape")
        first = errors[0]
        where = "".join(
            f"[{part}]" if isinstance(part, int) else f".{_key(part)}" for part in first["loc"]
        ).lstrip(".")
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        return cls(f"{what}: unexpected shape at {where or 'the top'}: {first['type']}{more}")


class _Validation(Protocol):
    """What :meth:`BadResponse.from_validation` reads of a ``pydantic.ValidationError``."""

    def errors(self) -> Sequence[Mapping[str, Any]]: ...


def _key(part: object) -> str:
    # a key taken from the answer itself (a dict keyed by identifiers) may be personal
    text = str(part)
    return "…" if sum(c.isdigit() for c in text) >= 5 else text


class QueryRejected(ConnectorError):
    """The registry rejected the query itself as invalid (a 4xx other than auth)."""


class Refused(ConnectorError):
    """The purpose does not allow this query; nothing was sent to the registry."""

    status = "refused"
