"""Benchmark of the tamper-evident log: append throughput, append latency, verify time.

    uv run python bench/audit.py                      # 1,000,000 records, SQLite (+ PostgreSQL)
    uv run python bench/audit.py --records 100000     # a quicker run

What is measured, per backend:

* append throughput — records/s through ``MerkleLog.append_many`` in groups
  (canonical JSON, leaf hash, MAC, tree update, one durable commit per group);
* append latency — the median (and 95th percentile) of one ``MerkleLog.append``,
  a durable commit of its own;
* verify — ``MerkleLog.verify`` over all records (payload hashes, MACs, the tree,
  checkpoints with consistency proofs, stored subtree hashes).

SQLite runs in a temporary directory. The PostgreSQL part runs when
``OPPLUS_TEST_POSTGRES_DSN`` is set (see ``.ci/postgres.sh``), in a schema of its own
that is dropped afterwards. Targets on SQLite: >= 5,000 appends/s, one append < 10 ms,
verify of 1 M records < 30 s. Figures are printed; nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import platform
import secrets
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hub.audit import MerkleLog
from hub.audit.trail import derive_mac_key
from hub.store import Database

DSN_ENV = "OPPLUS_TEST_POSTGRES_DSN"


def record(i: int) -> dict[str, Any]:
    """A processing-log record of realistic size (about 700 bytes canonical)."""
    return {
        "kind": "processing",
        "trace_id": f"{i:032x}",
        "span_id": f"{i:016x}",
        "parent_span_id": None,
        "name": "brp.RaadpleegMetBurgerservicenummer",
        "start_time": "2026-05-01T09:30:00.000000Z",
        "end_time": "2026-05-01T09:30:00.120000Z",
        "status": "OK",
        "status_message": None,
        "processing_activity_id": "va-mensenhandel-signaal",
        "processing_activity_name": "Verrijken signaal mensenhandel",
        "legal_ground": "art. 6 lid 1 sub e AVG",
        "data_subject_id": f"{i * 7919:064x}",
        "data_subject_id_type": "BSN",
        "pseudonym_key_id": "0123456789abcdef",
        "registry": "BRP",
        "operation": "RaadpleegMetBurgerservicenummer",
        "connector": "brp",
        "fields": ["geboorte", "naam", "nationaliteiten", "verblijfplaats"],
        "retention_days": 1826,
        "confidential": False,
        "signal_id": f"sig-{i // 10}",
        "municipality": "0405",
    }


@contextmanager
def sqlite_db() -> Iterator[Database]:
    with tempfile.TemporaryDirectory() as tmp, Database(f"sqlite:///{tmp}/bench.sqlite3") as db:
        yield db


@contextmanager
def postgres_db(dsn: str) -> Iterator[Database]:
    schema = f"bench_{secrets.token_hex(4)}"
    try:
        with Database(dsn, schema=schema) as db:
            yield db
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def run(db: Database, records: int, group: int, samples: int) -> dict[str, float]:
    key = Ed25519PrivateKey.generate()
    log = MerkleLog(db, "processing", signing_key=key, mac_key=derive_mac_key(key))

    started = time.perf_counter()
    checkpoint_every = max(records // 10, group)
    for start in range(0, records, group):
        log.append_many([record(i) for i in range(start, min(start + group, records))])
        if (start + group) % checkpoint_every < group:
            log.checkpoint()
    fill = time.perf_counter() - started

    latencies = []
    for i in range(samples):
        one = record(records + i)
        t0 = time.perf_counter()
        log.append(one)
        latencies.append(time.perf_counter() - t0)
    log.checkpoint()

    t0 = time.perf_counter()
    report = log.verify()
    verify = time.perf_counter() - t0
    latencies.sort()
    return {
        "records": report.size,
        "checkpoints": report.checkpoints,
        "throughput": records / fill,
        "median_ms": statistics.median(latencies) * 1000,
        "p95_ms": latencies[int(len(latencies) * 0.95) - 1] * 1000,
        "verify_s": verify,
    }


def show(name: str, figures: dict[str, float], group: int) -> None:
    print(f"\n{name}")
    print(f"  records in log          {int(figures['records']):>12,}")
    print(f"  checkpoints verified    {int(figures['checkpoints']):>12,}")
    print(
        f"  append throughput       {figures['throughput']:>12,.0f} records/s (groups of {group})"
    )
    print(
        f"  one durable append      {figures['median_ms']:>12.2f} ms median,"
        f" {figures['p95_ms']:.2f} ms p95"
    )
    print(f"  verify                  {figures['verify_s']:>12.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--group", type=int, default=1000, help="records per commit")
    parser.add_argument("--samples", type=int, default=300, help="single appends timed")
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()

    print(
        f"opplus audit-log benchmark: {args.records:,} records; "
        f"Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}, {platform.machine()}, {os.cpu_count()} CPU(s)"
    )
    with sqlite_db() as db:
        show(
            "SQLite (WAL, synchronous=FULL)",
            run(db, args.records, args.group, args.samples),
            args.group,
        )
    dsn = os.environ.get(DSN_ENV)
    if dsn and not args.skip_postgres:
        with postgres_db(dsn) as db:
            version = db.query("SHOW server_version")[0][0]
            show(
                f"PostgreSQL {version}", run(db, args.records, args.group, args.samples), args.group
            )
    elif not args.skip_postgres:
        print(f"\nPostgreSQL: skipped ({DSN_ENV} not set)")


if __name__ == "__main__":
    main()
