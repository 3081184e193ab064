"""Auditor search over the logs: by BSN, officer, signal, connector, trace, period.

A BSN is never stored: it is pseudonymised on the fly with the pseudonym key (and
earlier keys) and matched against the stored pseudonyms. Searching by officer also
finds the processing-log lines of that officer's traces (the processing log holds no
user identities; the access log links them by ``trace_id``). Every hit carries a
quick integrity check (``LogEntry.intact``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from hub.store.timestamps import format_ts

from .log import COLUMNS, LogEntry
from .records import LOG_NAMES
from .trail import AuditTrail

__all__ = ["search"]


def search(
    trail: AuditTrail,
    *,
    bsn: str | None = None,
    officer: str | None = None,
    signal: str | None = None,
    connector: str | None = None,
    trace_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    logs: Sequence[str] = LOG_NAMES,
    limit: int = 1000,
) -> list[LogEntry]:
    """Entries matching every given criterion, oldest first (at most ``limit``).

    ``since`` is inclusive, ``until`` exclusive. A malformed BSN raises ValueError
    (without echoing it).
    """
    unknown = set(logs) - set(trail.logs)
    if unknown:
        raise ValueError(f"unknown log(s): {sorted(unknown)}")
    where = [f"log IN ({', '.join('?' * len(logs))})"]
    params: list[Any] = list(logs)
    if bsn is not None:
        pseudonyms = trail.pseudonymiser.all_pseudonyms(bsn, "BSN")
        where.append(f"subject IN ({', '.join('?' * len(pseudonyms))})")
        params += pseudonyms
    if officer is not None:
        where.append(
            "(officer_id = ? OR trace_id IN (SELECT trace_id FROM audit_entries"
            " WHERE officer_id = ? AND trace_id IS NOT NULL))"
        )
        params += [officer, officer]
    for column, value in (("signal_id", signal), ("connector", connector), ("trace_id", trace_id)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    if since is not None:
        where.append("recorded_at >= ?")
        params.append(format_ts(since))
    if until is not None:
        where.append("recorded_at < ?")
        params.append(format_ts(until))
    with trail.db.snapshot() as tx:
        rows = tx.query(
            "SELECT log, idx, leaf_hash, mac, payload, "  # noqa: S608
            + ", ".join(COLUMNS)
            + " FROM audit_entries WHERE "
            + " AND ".join(where)
            + " ORDER BY recorded_at, log, idx LIMIT ?",
            (*params, limit),
        )
    return [trail.logs[row[0]].to_entry(row[1:]) for row in rows]
