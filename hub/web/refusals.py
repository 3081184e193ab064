"""Refusals of callers nobody vouches for, counted so they cannot flood the access log.

Anyone can send bad tokens, unknown sessions, failed logins or bad signatures as fast
as the network allows, and each refusal would be a signed line of the access log. So
per client address and minute the first :data:`PER_MINUTE` get a line of their own;
the rest are only counted, in the database (shared by every process), and written as
one ``refusals.summary`` line ("M more refused") once the minute is over — when the
next refusal arrives, or when the service stops.
"""

from __future__ import annotations

from ..accountability import Actor, Storage
from ..store import format_ts, utc_now

__all__ = ["PER_MINUTE", "RefusalCounter"]

#: refusals per address and minute that get an access-log line of their own
PER_MINUTE = 20


class RefusalCounter:
    def __init__(self, storage: Storage, *, per_minute: int = PER_MINUTE) -> None:
        self.storage = storage
        self.per_minute = per_minute

    def admit(self, address: str) -> bool:
        """Count one refusal from ``address``; True when it gets its own log line."""
        minute = format_ts(utc_now())[:16]
        with self.storage.db.transaction() as tx:
            tx.execute(
                "INSERT INTO web_refusal_counts (address, minute, refused) VALUES (?, ?, 1)"
                " ON CONFLICT (address, minute)"
                " DO UPDATE SET refused = web_refusal_counts.refused + 1",
                (address, minute),
            )
            row = tx.one(
                "SELECT refused FROM web_refusal_counts WHERE address = ? AND minute = ?",
                (address, minute),
            )
        self.flush(before=minute)
        return row is not None and int(row[0]) <= self.per_minute

    def flush(self, *, before: str | None = None) -> int:
        """Write the summary lines of the minutes before ``before`` (default: every
        minute, the current one too); returns how many were written."""
        cutoff = before or "~"  # "~" sorts after every timestamp
        with self.storage.db.transaction() as tx:
            # DELETE ... RETURNING claims the rows: two processes never both summarise one.
            rows = tx.query(
                "DELETE FROM web_refusal_counts WHERE minute < ?"
                " RETURNING address, minute, refused",
                (cutoff,),
            )
        written = 0
        for address, minute, refused in sorted(rows, key=lambda r: (str(r[1]), str(r[0]))):
            more = int(refused) - self.per_minute
            if more <= 0:
                continue
            who = Actor("anoniem", "niet ingelogd", (), (), client="web")
            self.storage.record_access(
                who,
                "refusals.summary",
                result="refused",
                reason=f"nog {more} weigeringen vanaf {address} in minuut {minute} (UTC), "
                "niet elk apart gelogd",
                detail={"address": str(address), "minute": str(minute), "more": str(more)},
            )
            written += 1
        return written
