"""Enriching signals and reading dossiers: ``enrich``, ``demo``, ``dossier``."""

from __future__ import annotations

import asyncio
from pathlib import Path

import click

from ..config import Config
from ..dossier import Dossier
from ..render import render_text
from ..service import DamagedDossier, Forbidden, HubService, UnknownDossier
from ..signal import (
    MAX_DESCRIPTION,
    MAX_SIGNAL_BYTES,
    MAX_SUBJECTS,
    Signal,
    SignalError,
    load_signal,
)
from .common import EXIT_INCOMPLETE, EXIT_TAMPERED, State, fail, pass_state, write_output


def _format(dossier: Dossier, fmt: str, config: Config) -> str:
    if fmt == "json":
        return dossier.to_json() + "\n"
    return render_text(dossier, config.municipalities)


def _load(path: Path) -> Signal:
    try:
        return load_signal(path)
    except SignalError as exc:
        lines = "\n".join(f"  {field}: {msg}" for field, msg in exc.problems)
        fail(f"signaal {path} afgewezen:\n{lines}")


async def _enrich(service: HubService, signals: list[Signal], state: State) -> list[Dossier]:
    async with service.runtime:
        return [await service.enrich(signal, state.actor) for signal in signals]


_ENRICH_HELP = f"""Enrich the signal in SIGNAL_FILE (JSON), store the dossier and print it.

\b
SIGNAL_FILE: UTF-8 JSON of at most {MAX_SIGNAL_BYTES // 1024 // 1024} MiB; at most
{MAX_SUBJECTS} persons, {MAX_SUBJECTS} addresses and {MAX_SUBJECTS} businesses;
{MAX_DESCRIPTION:,} characters of description.

\b
Exit status:
  0  the dossier is complete: every registry asked gave an answer
  2  the signal or an option was refused; nothing was asked or stored
  {EXIT_INCOMPLETE}  the dossier is incomplete: a registry failed or timed out, so
     "nothing found" is NOT established there; it is stored and printed
"""


@click.command(help=_ENRICH_HELP)
@click.argument("signal_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--out", type=click.Path(dir_okay=False), help="Write to this file instead.")
@pass_state
def enrich(state: State, signal_file: Path, fmt: str, out: str | None) -> None:
    # the help text is _ENRICH_HELP, built from the limits it states
    signal = _load(signal_file)
    if out is not None and not Path(out).resolve().parent.is_dir():
        fail(f"--out: map {Path(out).resolve().parent} bestaat niet")
    with state.service() as service:
        try:
            service.check_enrich(signal, state.actor)
        except Forbidden as exc:
            fail(f"geweigerd: {exc}")
        [dossier] = asyncio.run(_enrich(service, [signal], state))
    write_output(out, _format(dossier, fmt, state.config))
    click.echo(f"opplus: dossier {dossier.id} opgeslagen", err=True)
    if not dossier.complete:
        _warn_incomplete()
        raise SystemExit(EXIT_INCOMPLETE)


def _warn_incomplete() -> None:
    click.echo(
        "opplus: let op — niet alle bronnen gaven antwoord (zie de status per bron); "
        f"exit status {EXIT_INCOMPLETE}",
        err=True,
    )


def examples_dir() -> Path:
    in_repo = Path(__file__).resolve().parents[2] / "examples"
    return in_repo if in_repo.is_dir() else Path(__file__).resolve().parents[1] / "examples"


@click.command()
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@pass_state
def demo(state: State, fmt: str) -> None:
    """Enrich the example signals of examples/ against the configured registries.

    Exits 3, like ``enrich``, when a dossier is incomplete."""
    files = sorted(examples_dir().glob("*.json"))
    if not files:
        fail(f"geen voorbeeldsignalen gevonden in {examples_dir()}")
    signals = [_load(path) for path in files]
    with state.service() as service:
        try:
            for signal in signals:
                service.check_enrich(signal, state.actor)
        except Forbidden as exc:
            fail(f"geweigerd: {exc}")
        dossiers = asyncio.run(_enrich(service, signals, state))
    for path, dossier in zip(files, dossiers, strict=True):
        if fmt == "text":
            click.echo(f"=== {path.name} " + "=" * max(0, 70 - len(path.name)))
        click.echo(_format(dossier, fmt, state.config), nl=False)
        click.echo()
    if not all(dossier.complete for dossier in dossiers):
        _warn_incomplete()
        raise SystemExit(EXIT_INCOMPLETE)


@click.group("dossier")
def dossier_group() -> None:
    """Stored dossiers (every view is written to the access log)."""


@dossier_group.command("list")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 1000))
@pass_state
def dossier_list(state: State, limit: int) -> None:
    """The newest dossiers of the operator's municipalities."""
    with state.store_service() as service:
        try:
            found = service.list_dossiers(state.actor, limit=limit)
        except Forbidden as exc:
            fail(f"geweigerd: {exc}")
    for s in found:
        click.echo(f"{s.id}  {s.created_at}  gemeente {s.municipality}  signaal {s.signal_id}")


@dossier_group.command("show")
@click.argument("dossier_id")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--out", type=click.Path(dir_okay=False), help="Write to this file instead.")
@pass_state
def dossier_show(state: State, dossier_id: str, fmt: str, out: str | None) -> None:
    """Show a stored dossier with its deliveries and feedback (``--out`` is logged as an
    export)."""
    from ..forwarding.service import ForwardingService

    with state.storage() as storage:
        forwarding = ForwardingService(state.config, state.runtime(), storage)
        try:
            dossier = forwarding.hub.view(
                dossier_id, state.actor, action="export" if out else "view"
            )
        except Forbidden as exc:
            fail(f"geweigerd: {exc}")
        except UnknownDossier:
            fail(f"onbekend dossier: {dossier_id}")
        except DamagedDossier as exc:
            fail(str(exc), EXIT_TAMPERED)
        rows = forwarding.outbox.list(dossier_id=dossier.id)
        feedback = forwarding.feedback_for(dossier.id)
    text = _format(dossier, fmt, state.config)
    if fmt == "text" and (rows or feedback):
        lines = ["", "DOORGESTUURD"]
        for row in rows:
            lines.append(
                f"  {row.table_name:<8} {row.state:<12} {row.created_at} "
                f"(levering {row.id}, bevestigd door {row.confirmed_by})"
            )
        for fb in feedback:
            lines.append(f"  terugkoppeling van {fb.source} ({fb.received_at}): {fb.text}")
        text += "\n".join(lines) + "\n"
    write_output(out, text)


COMMANDS = [enrich, demo, dossier_group]
