"""Auditor tools and retention: ``audit ...`` and ``retention ...``.

Every auditor command is itself written to the access log, refusals included; the
auditor's use cases are :class:`~hub.usecases.audit.Audit` and
:meth:`~hub.usecases.dossiers.Dossiers.provenance`, shared with the web; retention
is :class:`~hub.usecases.retention.Retention`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import click

from ..audit import AuditError, WitnessError
from ..usecases.audit import LOGS, Audit
from ..usecases.dossiers import Dossiers
from ..usecases.retention import Retention
from .common import State, answered, fail, pass_state


@contextmanager
def _audit(state: State, **names: str) -> Iterator[Audit]:
    """The auditor's use cases over the store (no registries are asked); a refusal or
    bad input exits 2 (``names``: the command line's names of the use case's fields)."""
    with state.context() as context, answered(names):
        yield Audit(context)


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
    with _audit(state) as audit:
        try:
            heads = audit.checkpoint(state.actor)
        except WitnessError as exc:
            fail(f"checkpoint niet bij de getuige afgegeven: {exc}")
        except AuditError as exc:  # the head was changed outside the hub
            fail(f"checkpoint geweigerd: {exc}", 1)
    for name, cp in heads.items():
        click.echo(
            f"{name:<14} size {cp.size:>8}  root {cp.root_hash.hex()}  "
            f"{cp.timestamp}  key {cp.key_id}"
        )


@audit_group.command("verify")
@pass_state
def audit_verify(state: State) -> None:
    """Recompute every log, check every checkpoint and hold each log against the newest
    checkpoint its witnesses kept; exit 1 on any change (2: a witness is unusable)."""
    with _audit(state) as audit:
        outcome = audit.verify(state.actor)
    if outcome.error is not None:
        fail(f"verificatie niet mogelijk: {outcome.error}")
    for report in outcome.reports:
        click.echo(("OK    " if report.ok else "FOUT  ") + report.summary())
    if not outcome.ok:
        first = next((r.first for r in outcome.reports if r.first is not None), None)
        detail = f" ({first.detail})" if first is not None else ""
        click.echo(
            f"opplus: de logs zijn gewijzigd — eerste fout: {outcome.where}{detail}", err=True
        )
        raise SystemExit(1)


@audit_group.command("prove")
@click.argument("entry", type=click.IntRange(0))
@click.option(
    "--log", "log_name", type=click.Choice(sorted(LOGS)), default="processing", show_default=True
)
@pass_state
def audit_prove(state: State, entry: int, log_name: str) -> None:
    """Print an inclusion proof of ENTRY (its index) that a third party can check."""
    with _audit(state, index="ENTRY", log="--log") as audit:
        try:
            proof, public_key = audit.prove(state.actor, log_name, entry)
        except AuditError as exc:  # signing the checkpoint the proof needs failed
            fail(f"checkpoint mislukt: {exc}")
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
    since_at, until_at = _when(since, "--since"), _when(until, "--until")
    with _audit(state, bsn="--bsn", logs="--log") as audit:
        entries = audit.search(
            state.actor,
            bsn=bsn,
            officer=officer,
            signal=signal,
            connector=connector,
            trace_id=trace_id,
            since=since_at,
            until=until_at,
            logs=log_names,
            limit=limit,
        )
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
    with _audit(state, bsn="BSN") as audit:
        report = audit.subject_report(state.actor, bsn)
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
    click.echo(f"\nVerstrekkingen aan tafels ({len(report.disclosures)}):")
    for line in report.disclosures:
        click.echo(
            f"  {line.time}  {line.organisation} aan {line.recipient} — {line.purpose} "
            f"({line.legal_ground}); gegevens: {', '.join(line.fields)}"
        )
    notice = report.notice
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
    with state.context() as context, answered():
        prov = Dossiers(context).provenance(state.actor, dossier_id)
    click.echo(json.dumps(prov, indent=2, ensure_ascii=False, default=str))


@audit_group.command("public-key")
@pass_state
def audit_public_key(state: State) -> None:
    """Print the log-signing public key, to hand to whoever checks proofs."""
    with _audit(state) as audit:
        click.echo(audit.public_key(state.actor))


@audit_group.group("witness")
def audit_witness() -> None:
    """The witness: where signed checkpoints are kept outside the database."""


@audit_witness.command("serve")
@click.option(
    "--dir",
    "directory",
    required=True,
    type=click.Path(path_type=Path),
    help="An existing directory for checkpoints.jsonl (not one the hub's database "
    "administrator can write).",
)
@click.option(
    "--public-key",
    "public_keys",
    multiple=True,
    required=True,
    help="Base64 Ed25519 key of a hub whose checkpoints are accepted "
    "(opplus audit public-key); repeat for older keys.",
)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8910, show_default=True, type=click.IntRange(1, 65535))
def audit_witness_serve(
    directory: Path, public_keys: tuple[str, ...], host: str, port: int
) -> None:
    """Serve a witness: POST /v1/checkpoints, GET /v1/checkpoints/{log} (the newest)."""
    import uvicorn

    from ..audit.witness_server import create_witness_app

    try:
        app = create_witness_app(directory, public_keys)
    except WitnessError as exc:
        fail(f"--dir: {exc}")
    except ValueError:
        fail("--public-key: geen Ed25519-publieke sleutel (base64 van 32 bytes)")
    click.echo(f"opplus: getuige op http://{host}:{port} bewaart in {directory}", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")


@click.group("retention")
def retention_group() -> None:
    """Delete what is past its retention period; legal holds."""


@retention_group.command("run")
@pass_state
def retention_run(state: State) -> None:
    """Delete everything due, writing a deletion receipt per data class to the logs."""
    with state.context() as context, answered():
        report = Retention(context).run(state.actor)
    for data_class, count in sorted(report.deleted.items()):
        click.echo(f"{data_class:<15} {count:>7} verwijderd")


@retention_group.command("hold")
@click.argument("signal_id")
@click.option("--reason", required=True, help="Why (e.g. the case or court order).")
@pass_state
def retention_hold(state: State, signal_id: str, reason: str) -> None:
    """Place a legal hold: nothing of this signal is deleted until released."""
    with state.context() as context, answered():
        Retention(context).hold(state.actor, signal_id, reason)
    click.echo(f"bewaarplicht geplaatst op signaal {signal_id}")


@retention_group.command("release")
@click.argument("signal_id")
@pass_state
def retention_release(state: State, signal_id: str) -> None:
    """Release a legal hold."""
    with state.context() as context, answered():
        Retention(context).release(state.actor, signal_id)
    click.echo(f"bewaarplicht op signaal {signal_id} opgeheven")


COMMANDS = [audit_group, retention_group]
