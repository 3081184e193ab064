"""The errors of the audit layer, one type per failure.

The tree::

    AuditError                  base; never raised itself
    ├── TamperDetected          verification found a change; names the first bad entry
    ├── CheckpointError         a checkpoint cannot be made or used (no signing key...)
    ├── EntryNotFound           no log entry with that index
    ├── RetentionError          a deletion the rules do not allow (e.g. a receipt)
    └── WitnessError            a witness (checkpoints outside the database) is unusable
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .findings import VerifyReport

__all__ = [
    "AuditError",
    "CheckpointError",
    "EntryNotFound",
    "RetentionError",
    "TamperDetected",
    "WitnessError",
]


class AuditError(Exception):
    """Base of every audit error."""


class TamperDetected(AuditError):
    """A log does not verify. ``reports`` holds every log's report; ``first`` the
    earliest finding, whose ``index`` is the first bad entry (when one can be named)."""

    def __init__(self, reports: list[VerifyReport]) -> None:
        self.reports = reports
        failed = [r for r in reports if not r.ok]
        self.first = failed[0].first if failed else None
        super().__init__("; ".join(r.summary() for r in failed) or "log verification failed")


class CheckpointError(AuditError):
    """A checkpoint cannot be made (no signing key) or no checkpoint covers an entry."""


class EntryNotFound(AuditError):
    """No entry with that index in the log."""


class RetentionError(AuditError):
    """A deletion that the retention rules do not allow."""


class WitnessError(AuditError):
    """A witness cannot be written or read (missing directory, server unreachable...);
    the message is Dutch and names the witness."""
