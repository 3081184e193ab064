"""Verification of the encrypted tables against the ``store`` log.

For every dossier and stored response: its latest store log entry exists, is not a
deletion, and still has the row's bound columns (``columns_sha256``) and envelope hash.
For every record whose latest entry is a write: the row is still there (a row deleted
by hand, not by retention, is named). The store log itself is verified like every
other log (:func:`hub.audit.verify.verify_log`), so its entries can be trusted here.

Problems (``Finding.problem``): ``unlogged`` (a row the log never saw), ``revived``
(a deleted record that is back), ``record_altered`` (a bound column changed),
``envelope_altered``, ``record_missing`` (deleted without a deletion entry). A
finding names its record and the record's latest store log entry in ``detail``; its
``index`` stays None (it is no index of a log).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from hub.store.db import Tx
from hub.store.ledger import TABLES, bound_of, envelope_sha256

from .log import MerkleLog
from .store_log import STORE_KIND, columns_sha256
from .verify import Finding, VerifyReport

__all__ = ["STORE_REPORT", "StoreReport", "check_store"]

#: the name the store check reports under (beside the logs' own reports)
STORE_REPORT = "dossier-store"
_MAX_FINDINGS = 100


@dataclass(frozen=True, slots=True)
class StoreReport(VerifyReport):
    """The store check in the shape of a log's report: ``size`` rows checked,
    ``redacted`` records deleted with a deletion entry."""

    def summary(self) -> str:
        if not self.ok:
            return VerifyReport.summary(self)  # its details name the records
        return (
            f"{self.log}: {self.size} record(s) match the store log, "
            f"{self.redacted} deleted with a deletion entry"
        )


@dataclass(frozen=True, slots=True)
class _Latest:
    index: int
    action: str
    envelope_sha256: str | None
    columns_sha256: str


def _changed(tx: Tx, log: str, index: int, bound: dict[str, Any]) -> str:
    """The names of the bound columns that differ from store log entry ``index``."""
    row = tx.one("SELECT payload FROM audit_entries WHERE log = ? AND idx = ?", (log, index))
    logged: dict[str, Any] = json.loads(row[0])["columns"] if row and row[0] else {}
    names = [k for k, v in bound.items() if k in logged and logged[k] != v]
    names += [k for k in bound if k not in logged] if not names else []
    return ", ".join(names) or "?"


def _missing_detail(tx: Tx, log: str, record: str, record_id: str, latest: _Latest) -> str:
    row = tx.one("SELECT payload FROM audit_entries WHERE log = ? AND idx = ?", (log, latest.index))
    columns = json.loads(row[0]).get("columns", {}) if row and row[0] else {}
    of = f" of dossier {columns['dossier_id']}" if columns.get("dossier_id") else ""
    return (
        f"{record} {record_id}{of}: deleted without a deletion entry "
        f"(last written in store log entry {latest.index})"
    )


def check_store(log: MerkleLog) -> StoreReport:
    """Compare the dossier and evidence tables with the store log ``log``."""
    started = time.perf_counter()
    findings: list[Finding] = []
    more = 0

    def add(problem: str, detail: str) -> None:
        nonlocal more
        if len(findings) < _MAX_FINDINGS:
            findings.append(Finding(STORE_REPORT, problem, None, detail))
        else:
            more += 1

    latest: dict[tuple[str, str], _Latest] = {}
    checked = deleted = 0
    with log.db.snapshot() as r:
        for index, payload in r.stream(
            "SELECT idx, payload FROM audit_entries WHERE log = ? AND kind = ? ORDER BY idx",
            (log.name, STORE_KIND),
        ):
            if payload is None:
                continue
            try:
                p = json.loads(payload)
                key = (str(p["record"]), str(p["record_id"]))
                entry = _Latest(
                    int(index), str(p["action"]), p.get("envelope_sha256"), str(p["columns_sha256"])
                )
            except (ValueError, TypeError, KeyError):
                # only the hub can write entries (their MACs hold), but verify reports
                # rather than crashes on anything it cannot read
                add("malformed", f"store log entry {index}: not a store record")
                continue
            latest[key] = entry
        for record, (table, columns) in TABLES.items():
            for row in r.stream(
                f"SELECT id, {', '.join(columns)}, envelope FROM {table} ORDER BY id"  # noqa: S608
            ):
                checked += 1
                record_id, bound = str(row[0]), bound_of(record, row[1:-1])
                logged = latest.pop((record, record_id), None)
                what = f"{record} {record_id}"
                if logged is None:
                    add("unlogged", f"{what}: not in the store log (written outside the hub)")
                elif logged.action == "delete":
                    add(
                        "revived",
                        f"{what}: deleted (store log logged {logged.index}) but there again",
                    )
                else:
                    if columns_sha256(record, record_id, bound) != logged.columns_sha256:
                        names = _changed(r, log.name, logged.index, bound)
                        add(
                            "record_altered",
                            f"{what}: column(s) {names} changed since store log logged "
                            f"{logged.index}",
                        )
                    if envelope_sha256(row[-1]) != logged.envelope_sha256:
                        add(
                            "envelope_altered",
                            f"{what}: encrypted content changed since store log logged "
                            f"{logged.index}",
                        )
        for (record, record_id), entry in sorted(latest.items(), key=lambda kv: kv[1].index):
            if entry.action == "delete":
                deleted += 1
            else:
                add("record_missing", _missing_detail(r, log.name, record, record_id, entry))
    return StoreReport(
        log=STORE_REPORT,
        size=checked,
        root_hash=b"",
        checkpoints=0,
        redacted=deleted,
        seconds=time.perf_counter() - started,
        findings=tuple(findings),
        more_findings=more,
    )
