"""The case around a signal at the command line: ``case show``, ``case status``,
``case note``, and the signal table of ``dossier list``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import click

from ..usecases.cases import NOTE_KINDS, STATUSES, Case, Cases, SignalLine
from ..web.views import display_time
from .common import State, answered, pass_state

#: the command line's names of the use case's fields
_NAMES = {
    "dossier_id": "DOSSIER_ID",
    "status": "STATUS",
    "reason": "--reden",
    "assignee": "--toegewezen-aan",
    "text": "TEKST",
}
_HEADER = (
    "DOSSIER",
    "DATUM",
    "GEMEENTE",
    "STATUS",
    "VORM",
    "NAAM / ADRES",
    "DOORGESTUURD NAAR",
    "MISLUKTE BRONNEN",
)


def _cells(line: SignalLine, municipalities: Mapping[str, str]) -> tuple[str, ...]:
    return (
        line.dossier_id,
        display_time(line.created_at),
        municipalities.get(line.municipality, line.municipality),
        line.status_label,
        ", ".join(line.forms),
        ", ".join((*line.names, *line.addresses)) or "-",
        ", ".join(line.forwarded_to) or "-",
        ", ".join(line.failed_sources) or "-",
    )


def signal_table(lines: Sequence[SignalLine], municipalities: Mapping[str, str]) -> str:
    """The signals as columns under a header, one line each (``municipalities``: code →
    name)."""
    rows = [_HEADER, *(_cells(line, municipalities) for line in lines)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(_HEADER))]
    return "".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        + "\n"
        for row in rows
    )


def _print(case: Case) -> None:
    assignee = case.assignee or "niemand"
    click.echo(f"zaak van signaal {case.signal_id}: {case.status_label}, toegewezen aan {assignee}")
    if case.reason:
        click.echo(f"reden van afsluiten: {case.reason}")
    for note in case.notes:
        what = f"status {STATUSES[note.status]}" if note.status else note.kind
        click.echo(
            f"- {display_time(note.created_at)} {what} ({note.provenance} {note.officer_id})"
        )
        if note.text:
            click.echo(f"  {note.text}")


@click.group("case")
def case_group() -> None:
    """The case around a signal: status, assignee and the officer's notes."""


@case_group.command("show")
@click.argument("dossier_id")
@pass_state
def case_show(state: State, dossier_id: str) -> None:
    """The case of the signal of DOSSIER_ID (a unique prefix is enough)."""
    with state.context() as context, answered(_NAMES):
        cases = Cases(context)
        case = cases.show(state.actor, cases.resolve(state.actor, dossier_id))
    _print(case)


@case_group.command("status")
@click.argument("dossier_id")
@click.argument("status", type=click.Choice(list(STATUSES)))
@click.option("--reden", "reason", default="", help="Verplicht bij afgesloten.")
@click.option("--toegewezen-aan", "assignee", default="", help="Login van een collega.")
@pass_state
def case_status(state: State, dossier_id: str, status: str, reason: str, assignee: str) -> None:
    """Set the status (and assignee) of the case of DOSSIER_ID."""
    with state.context() as context, answered(_NAMES):
        cases = Cases(context)
        case = cases.change_status(
            state.actor,
            cases.resolve(state.actor, dossier_id),
            status,
            reason=reason,
            assignee=assignee,
        )
    _print(case)


@case_group.command("note")
@click.argument("dossier_id")
@click.argument("text")
@click.option("--soort", "kind", type=click.Choice(list(NOTE_KINDS)), default="notitie")
@pass_state
def case_note(state: State, dossier_id: str, text: str, kind: str) -> None:
    """Add a note (or an assessment, --soort beoordeling) to the case of DOSSIER_ID."""
    with state.context() as context, answered(_NAMES):
        cases = Cases(context)
        case = cases.add_note(state.actor, cases.resolve(state.actor, dossier_id), text, kind)
    _print(case)


COMMANDS = [case_group]
