"""Auditor tools and retention: ``audit ...`` and ``retention ...``.

Every auditor command is itself written to the access log, refusals included.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import click

from ..accountability import Storage
from ..audit import (
    ACCESS_LOG,
    BRP_LOG,
    PROCESSING_LOG,
    AuditError,
    Retention,
    TamperDetected,
    dossier_to_prov,
    search,
    subject_report,
)
from ..store import DossierNotFound
from .common import State, fail, pass_state

LOGS = {"processing": PROCESSING_LOG, "access": ACCESS_LOG, "brp": BRP_LOG}


@contextmanager
def _as_auditor(state: State, action: str) -> Iterator[Storage]:
    with state.storage() as storage:
        if "auditor" not in state.actor.roles:
            storage.record_access(
                state.actor, action, result="refused", reason="rol auditor vereist"
            )
            fail(f"geweigerd: rol auditor vereist voor {action}")
        yield storage


def _done(
    storage: Storage, state: State, action: str, result: str = "allowed", **details: Any
) -> None:
    storage.record_access(state.actor, action, role="auditor", result=result, **details)


def _when(value: str | None, name: str) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        fail(f"{name}: geen datum/tijd (verwacht bv. 2026-11-01 of 2026-11-01T12:00)")
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@click.group("audit")
def audit_group() -> None:
    """Tamper-evident logs: checkpoints, verification, proofs, search, reports."""


@audit_group.command("checkpoint")
@pass_state
def audit_checkpoint(state: State) -> None:
    """Sign the current tree head of every log."""
    with _as_auditor(state, "audit.checkpoint") as storage:
        heads = storage.trail.checkpoint()
        _done(storage, state, "audit.checkpoint")
    for name, cp in heads.items():
        click.echo(
            f"{name:<14} size {cp.size:>8}  root {cp.root_hash.hex()}  "
            f"{cp.timestamp}  key {cp.key_id}"
        )


@audit_group.command("verify")
@pass_state
def audit_verify(state: State) -> None:
    """Recompute every log and check every checkpoint; exit 1 on any change."""
    with _as_auditor(state, "audit.verify") as storage:
        try:
            reports = storage.trail.verify()
        except TamperDetected as exc:
            for report in exc.reports:
                click.echo(("OK    " if report.ok else "FOUT  ") + report.summary())
            first = exc.first
            where = (
                f"entry {first.index} of log {first.log}"
                if first and first.index is not None
                else "see above"
            )
            _done(
                storage, state, "audit.verify", result="failed", reason=f"tamper detected: {where}"
            )
            click.echo(f"opplus: de logs zijn gewijzigd — eerste fout: {where}", err=True)
            sys.exit(1)
        _done(storage, state, "audit.verify")
    for report in reports:
        click.echo("OK    " + report.summary())


@audit_group.command("prove")
@click.argument("entry", type=click.IntRange(0))
@click.option(
    "--log", "log_name", type=click.Choice(sorted(LOGS)), default="processing", show_default=True
)
@pass_state
def audit_prove(state: State, entry: int, log_name: str) -> None:
    """Print an inclusion proof of ENTRY (its index) that a third party can check."""
    with _as_auditor(state, "audit.prove") as storage:
        log = getattr(
            storage.trail,
            {"processing": "processing", "access": "access", "brp": "brp_protocol"}[log_name],
        )
        try:
            proof = log.prove(entry)
        except AuditError as exc:
            _done(storage, state, "audit.prove", result="failed", reason=str(exc))
            fail(str(exc))
        _done(storage, state, "audit.prove", detail={"log": log_name, "entry": str(entry)})
        public_key = storage.keys.public_key_text()
    data = proof.to_json()
    data["public_key"] = public_key
    click.echo(json.dumps(data, indent=2, default=str))


@audit_group.command("search")
@click.option("--bsn", help="Hashed on the fly; the logs hold no BSN.")
@click.option("--officer")
@click.option("--signal")
@click.option("--connector")
@click.option("--trace-id")
@click.option("--since", help="From (inclusive), e.g. 2026-11-01.")
@click.option("--until", help="Until (exclusive).")
@click.option("--log", "log_names", multiple=True, type=click.Choice(sorted(LOGS)))
@click.option("--limit", default=1000, show_default=True, type=click.IntRange(1, 100000))
@pass_state
def audit_search(
    state: State,
    bsn: str | None,
    officer: str | None,
    signal: str | None,
    connector: str | None,
    trace_id: str | None,
    since: str | None,
    until: str | None,
    log_names: tuple[str, ...],
    limit: int,
) -> None:
    """Search the logs; prints one JSON object per entry."""
    criteria = {
        "officer": officer,
        "signal": signal,
        "connector": connector,
        "trace_id": trace_id,
        "since": since,
        "until": until,
        "bsn": "(gezocht)" if bsn else None,
    }
    detail = {k: str(v) for k, v in criteria.items() if v}
    with _as_auditor(state, "audit.search") as storage:
        try:
            entries = search(
                storage.trail,
                bsn=bsn,
                officer=officer,
                signal=signal,
                connector=connector,
                trace_id=trace_id,
                since=_when(since, "--since"),
                until=_when(until, "--until"),
                logs=[LOGS[n] for n in log_names] or list(LOGS.values()),
                limit=limit,
            )
        except ValueError as exc:
            _done(storage, state, "audit.search", result="failed", reason=str(exc), detail=detail)
            fail(f"zoekvraag onbruikbaar: {exc}")
        _done(storage, state, "audit.search", detail={**detail, "hits": str(len(entries))})
    for e in entries:
        click.echo(
            json.dumps(
                {
                    "log": e.log,
                    "index": e.index,
                    "recorded_at": e.recorded_at,
                    "intact": e.intact,
                    "payload": e.payload,
                },
                ensure_ascii=False,
                default=str,
            )
        )


@audit_group.command("subject-report")
@click.argument("bsn")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@pass_state
def audit_subject_report(state: State, bsn: str, fmt: str) -> None:
    """The overview of processing a citizen may ask for (art. 15 AVG, art. 3.22 Wet BRP)."""
    with _as_auditor(state, "audit.subject-report") as storage:
        try:
            report = subject_report(storage.trail, bsn)
        except ValueError as exc:
            _done(storage, state, "audit.subject-report", result="failed", reason=str(exc))
            fail(f"BSN: {exc}")
        _done(storage, state, "audit.subject-report")
    if fmt == "json":
        click.echo(json.dumps(report.to_json(), indent=2, ensure_ascii=False, default=str))
        return
    click.echo(f"Overzicht van verwerkingen, opgesteld {report.generated_at}")
    click.echo(f"\nVerstrekkingen uit de BRP ({len(report.brp_supplies)}):")
    for line in report.brp_supplies:
        click.echo(
            f"  {line.time}  {line.organisation} — {line.purpose} ({line.legal_ground}); "
            f"gegevens: {', '.join(line.fields)}"
        )
    click.echo(f"\nVerwerkingen ({len(report.processing)}):")
    for line in report.processing:
        click.echo(
            f"  {line.time}  {line.source} — {line.purpose}; gegevens: {', '.join(line.fields)}"
        )
    notice = report.notice()
    if notice:
        click.echo(f"\n{notice}")


@audit_group.command("export")
@click.option(
    "--prov",
    "dossier_id",
    required=True,
    metavar="DOSSIER",
    help="Export this dossier's provenance as W3C PROV-JSON.",
)
@pass_state
def audit_export(state: State, dossier_id: str) -> None:
    """Export a dossier's provenance as W3C PROV-JSON (values left out)."""
    with _as_auditor(state, "audit.export") as storage:
        try:
            dossier = storage.dossiers.load(dossier_id)
        except DossierNotFound:
            _done(
                storage,
                state,
                "audit.export",
                result="failed",
                dossier_id=dossier_id,
                reason="onbekend dossier",
            )
            fail(f"onbekend dossier: {dossier_id}")
        prov = dossier_to_prov(dossier, pseudonymiser=storage.trail.pseudonymiser)
        _done(
            storage,
            state,
            "audit.export",
            dossier_id=dossier_id,
            trace_id=dossier.get("trace_id"),
            detail={"format": "prov-json"},
        )
    click.echo(json.dumps(prov, indent=2, ensure_ascii=False, default=str))


@audit_group.command("public-key")
@pass_state
def audit_public_key(state: State) -> None:
    """Print the log-signing public key, to hand to whoever checks proofs."""
    with _as_auditor(state, "audit.public-key") as storage:
        _done(storage, state, "audit.public-key")
        click.echo(storage.keys.public_key_text())


@click.group("retention")
def retention_group() -> None:
    """Delete what is past its retention period; legal holds."""


@retention_group.command("run")
@pass_state
def retention_run(state: State) -> None:
    """Delete everything due, writing a deletion receipt per data class to the logs."""
    with state.storage() as storage:
        if "admin" not in state.actor.roles:
            storage.record_access(
                state.actor, "retention.run", result="refused", reason="rol admin vereist"
            )
            fail("geweigerd: rol admin vereist voor retention run")
        report = Retention(storage.trail).run()
        storage.record_access(
            state.actor,
            "retention.run",
            role="admin",
            detail={k: str(v) for k, v in report.deleted.items()},
        )
    for data_class, count in sorted(report.deleted.items()):
        click.echo(f"{data_class:<15} {count:>7} verwijderd")


@retention_group.command("hold")
@click.argument("signal_id")
@click.option("--reason", required=True, help="Why (e.g. the case or court order).")
@pass_state
def retention_hold(state: State, signal_id: str, reason: str) -> None:
    """Place a legal hold: nothing of this signal is deleted until released."""
    with state.storage() as storage:
        storage.holds.place(signal_id, reason=reason, placed_by=state.actor.id)
        storage.record_access(
            state.actor, "retention.hold", role="admin", signal_id=signal_id, reason=reason
        )
    click.echo(f"bewaarplicht geplaatst op signaal {signal_id}")


@retention_group.command("release")
@click.argument("signal_id")
@pass_state
def retention_release(state: State, signal_id: str) -> None:
    """Release a legal hold."""
    with state.storage() as storage:
        released = storage.holds.release(signal_id)
        storage.record_access(
            state.actor,
            "retention.release",
            role="admin",
            signal_id=signal_id,
            result="allowed" if released else "failed",
        )
    if not released:
        fail(f"geen bewaarplicht op signaal {signal_id}")
    click.echo(f"bewaarplicht op signaal {signal_id} opgeheven")


COMMANDS = [audit_group, retention_group]
