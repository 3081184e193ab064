"""Enriching signals and reading dossiers: ``enrich``, ``demo``, ``dossier``."""

from __future__ import annotations

import asyncio
from pathlib import Path

import click

from ..config import Config
from ..dossier import Dossier
from ..render import render_text
from ..signal import (
    MAX_DESCRIPTION,
    MAX_SIGNAL_BYTES,
    MAX_SUBJECTS,
    Signal,
    SignalError,
    load_signal,
)
from ..usecases.cases import SORTS, STATUSES, Cases, SignalQuery
from ..usecases.enrich import Enrich
from .cases import signal_table
from .common import EXIT_INCOMPLETE, State, answered, fail, pass_state, write_output


def _format(dossier: Dossier, fmt: str, config: Config) -> str:
    if fmt == "json":
        return dossier.to_json() + "\n"
    from ..labels import Labels
    from ..runtime import load_plugins

    return render_text(dossier, Labels.from_plugins(load_plugins(config)), config.municipalities)


def _load(path: Path) -> Signal:
    try:
        return load_signal(path)
    except SignalError as exc:
        lines = "\n".join(f"  {field}: {msg}" for field, msg in exc.problems)
        fail(f"signaal {path} afgewezen:\n{lines}")


def _enrich(state: State, signals: list[Signal]) -> list[Dossier]:
    """Check every signal (a refusal exits 2 before any registry is asked), then
    enrich them one by one."""
    runtime = state.runtime()
    with state.context() as context, answered():
        enrich = Enrich(context, runtime)
        for signal in signals:
            enrich.check(state.actor, signal)

        async def run() -> list[Dossier]:
            async with runtime:
                return [await enrich.run(state.actor, signal) for signal in signals]

        return asyncio.run(run())


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
    [dossier] = _enrich(state, [signal])
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
    dossiers = _enrich(state, signals)
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
@click.option("--zoek", "search", default="", help="Zoek in naam, adres, vorm en id.")
@click.option(
    "--status",
    type=click.Choice(list(STATUSES)),
    help="Alleen zaken met deze status.",
)
@click.option("--gemeente", "municipality", help="Alleen deze gemeentecode.")
@click.option("--sorteer", "sort", type=click.Choice(SORTS), default="nieuwste", show_default=True)
@click.option("--pagina", "page", default=1, show_default=True, type=click.IntRange(1))
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 1000))
@pass_state
def dossier_list(
    state: State,
    search: str,
    status: str | None,
    municipality: str | None,
    sort: str,
    page: int,
    limit: int,
) -> None:
    """The signals of the operator's municipalities, each with its newest dossier."""
    query = SignalQuery(search, status, municipality, sort, page, limit)
    names = {"search": "--zoek", "municipality": "--gemeente", "page": "--pagina"}
    with state.context() as context, answered(names):
        found = Cases(context).signals(state.actor, query)
    click.echo(signal_table(found.lines, state.config.municipalities), nl=False)
    click.echo(f"{found.total} signalen, pagina {found.page} van {found.pages}")


@dossier_group.command("show")
@click.argument("dossier_id")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--out", type=click.Path(dir_okay=False), help="Write to this file instead.")
@pass_state
def dossier_show(state: State, dossier_id: str, fmt: str, out: str | None) -> None:
    """Show a stored dossier with its deliveries and feedback (a unique prefix of
    DOSSIER_ID is enough; ``--out`` is logged as an export)."""
    from ..forwarding.service import ForwardingService
    from ..usecases.forwarding import Forwarding

    with state.storage() as storage, answered({"dossier_id": "DOSSIER_ID"}):
        forwarding = Forwarding(ForwardingService(state.config, state.runtime(), storage))
        dossier_id = Cases(forwarding.ctx).resolve(state.actor, dossier_id)
        if out:
            dossier = forwarding.dossiers.export(state.actor, dossier_id)
        else:
            dossier = forwarding.dossiers.view(state.actor, dossier_id)
        rows, feedback = forwarding.history(state.actor, dossier)
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
