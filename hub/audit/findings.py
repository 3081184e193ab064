"""What verifying a log finds: a :class:`Finding` per problem and a
:class:`VerifyReport` per log (computed by :mod:`.verify`).

A leaf of :mod:`hub.audit`: the errors (:class:`~hub.audit.errors.TamperDetected`)
and the log itself name these types without importing the verifier.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Finding", "VerifyReport"]

#: problems whose index is only where a changed range starts, not a named entry
_RANGES = frozenset({"checkpoint_root", "checkpoint_inconsistent"})


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem. ``index`` is the first entry it concerns, when that is known.

    ``problem`` is one of: ``missing``, ``inserted``, ``payload_altered``,
    ``entry_altered``, ``truncated``, ``beyond_head``, ``head_altered``,
    ``checkpoint_signature``, ``checkpoint_root``, ``checkpoint_inconsistent``,
    ``checkpoint_dropped``, ``node_altered``, ``redaction_unreceipted``.
    """

    log: str
    problem: str
    index: int | None
    detail: str
    checkpoint_size: int | None = None


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """The outcome of verifying one log."""

    log: str
    size: int
    root_hash: bytes
    checkpoints: int
    redacted: int
    seconds: float
    findings: tuple[Finding, ...] = ()
    more_findings: int = 0

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def first(self) -> Finding | None:
        """The finding that names the lowest bad entry.

        Findings about one entry win over a checkpoint's "somewhere from entry i on";
        without either, the first finding (e.g. a forged checkpoint signature).
        """
        for candidates in (
            [f for f in self.findings if f.index is not None and f.problem not in _RANGES],
            [f for f in self.findings if f.index is not None],
        ):
            if candidates:
                return min(candidates, key=lambda f: f.index or 0)
        return self.findings[0] if self.findings else None

    @property
    def first_bad_index(self) -> int | None:
        first = self.first
        return None if first is None else first.index

    def summary(self) -> str:
        if self.ok:
            return (
                f"log {self.log}: {self.size} entries, root {self.root_hash.hex()}, "
                f"{self.checkpoints} checkpoint(s) consistent"
            )
        first = self.first
        assert first is not None
        total = len(self.findings) + self.more_findings
        where = f"first bad entry {first.index}: " if first.index is not None else ""
        return f"log {self.log}: {total} problem(s); {where}{first.detail}"

    def to_json(self) -> dict[str, Any]:
        return {
            "log": self.log,
            "ok": self.ok,
            "size": self.size,
            "root_hash": self.root_hash.hex(),
            "checkpoints": self.checkpoints,
            "redacted": self.redacted,
            "seconds": round(self.seconds, 3),
            "first_bad_index": self.first_bad_index,
            "findings": [
                {
                    "problem": f.problem,
                    "index": f.index,
                    "checkpoint_size": f.checkpoint_size,
                    "detail": f.detail,
                }
                for f in self.findings
            ],
            "more_findings": self.more_findings,
        }
