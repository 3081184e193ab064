"""Forwarding from the command line: ``forward``, ``deliveries``, ``deliver``, ``feedback``."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click

from ..forwarding.outbox import DeliveryRow
from ..forwarding.service import AlreadyForwarded, ForwardingService
from ..usecases import Damaged, NotFound, Refused
from .common import EXIT_TAMPERED, State, fail, pass_state


@contextmanager
def _forwarding(state: State) -> Iterator[ForwardingService]:
    runtime = state.runtime()
    with state.storage() as storage:
        yield ForwardingService(state.config, runtime, storage)


def _row(row: DeliveryRow) -> str:
    extra = f" — {row.last_error}" if row.last_error and row.state != "delivered" else ""
    ref = f" ref {row.receipt_reference}" if row.receipt_reference else ""
    return (
        f"{row.id}  {row.state:<12} {row.table_name:<8} poging {row.attempts}/"
        f"{row.max_attempts}  dossier {row.dossier_id}{ref}{extra}"
    )


@click.command()
@click.argument("dossier_id")
@click.option("--table", "table_name", help="The table to forward to (see the suggestions).")
@click.option("--yes", is_flag=True, help="Confirm without asking (you are the named officer).")
@click.option("--show-payload", is_flag=True, help="Print the exact JSON that will be sent.")
@click.option(
    "--deliver",
    "deliver_now",
    is_flag=True,
    help="Try to deliver at once (otherwise the worker does).",
)
@pass_state
def forward(
    state: State,
    dossier_id: str,
    table_name: str | None,
    yes: bool,
    show_payload: bool,
    deliver_now: bool,
) -> None:
    """Show suggested tables, or preview and confirm forwarding DOSSIER_ID to --table."""
    actor = state.actor
    with _forwarding(state) as fwd:
        try:
            dossier = fwd.dossiers.view(actor, dossier_id, action="forward.preview")
        except Refused as exc:
            fail(f"geweigerd: {exc}")
        except NotFound:
            fail(f"onbekend dossier: {dossier_id}")
        except Damaged as exc:
            fail(str(exc), EXIT_TAMPERED)
        if table_name is None:
            suggestions = fwd.suggestions(dossier)
            click.echo("Voorgestelde tafels (u kiest zelf; er wordt niets verstuurd):")
            for s in suggestions:
                click.echo(f"  {s.table:<8} {s.explanation}")
            others = sorted(set(state.config.tables) - {s.table for s in suggestions})
            if others:
                click.echo(f"Andere tafels: {', '.join(others)}")
            click.echo("Doorsturen: opplus forward DOSSIER --table NAAM")
            return
        try:
            preview = fwd.preview(dossier, table_name)
        except Refused as exc:
            fail(str(exc))
        payload = preview.payload
        click.echo(f"Voorbeeld: wat {preview.label} ontvangt (sha256 {payload.sha256[:16]}…)")
        for subject in payload.data["subjects"]:
            attrs = [
                f["attribute"] for f in payload.data["facts"] if f["subject"] == subject["key"]
            ]
            click.echo(f"  {subject['key']}: {', '.join(attrs)}")
        click.echo(f"  aandachtspunten: {len(payload.data['aandachtspunten'])}")
        if payload.withheld:
            counts = ", ".join(f"{n}× {cls}" for cls, n in payload.withheld_counts.items())
            click.echo(f"Achtergehouden (mag deze tafel niet ontvangen): {counts}")
            if any(w.startswith("bibob") for w in payload.withheld):
                click.echo(
                    "  Bibob-gegevens worden niet verstrekt: deze tafel heeft geen "
                    "wettelijke grondslag als Bibob-ontvanger."
                )
        if show_payload:
            click.echo(json.dumps(payload.data, indent=2, ensure_ascii=False))
        if not yes:
            if not sys.stdin.isatty():
                fail("bevestiging vereist: geef --yes of bevestig interactief")
            if not click.confirm(f"Doorsturen naar {preview.label} als {actor.name}?"):
                click.echo("Niet verstuurd.")
                return
        try:
            row = fwd.forward(dossier_id, table_name, actor)
        except AlreadyForwarded as exc:
            fail(str(exc))
        except Refused as exc:
            fail(f"geweigerd: {exc}")
        click.echo(f"In de wachtrij: levering {row.id} naar {table_name}")
        if deliver_now:

            async def once() -> list[DeliveryRow]:
                async with fwd.runtime:
                    return await fwd.deliver_due(_worker_id(), limit=50)

            for done in asyncio.run(once()):
                click.echo(_row(done))


@click.command()
@click.option(
    "--state",
    "state_filter",
    type=click.Choice(["queued", "sending", "delivered", "acknowledged", "failed", "stuck"]),
)
@click.option("--dossier", "dossier_id")
@pass_state
def deliveries(state: State, state_filter: str | None, dossier_id: str | None) -> None:
    """Deliveries of the operator's municipalities, newest first."""
    with _forwarding(state) as fwd:
        try:
            rows = fwd.deliveries(state.actor, state=state_filter, dossier_id=dossier_id)
        except Refused as exc:
            fail(f"geweigerd: {exc}")
    for row in rows:
        click.echo(_row(row) + ("  [VASTGELOPEN]" if row.stuck() else ""))
    if not rows:
        click.echo("geen leveringen")


def _worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@click.command()
@click.option("--loop", is_flag=True, help="Keep delivering until stopped.")
@click.option("--interval", default=2.0, show_default=True, type=click.FloatRange(0.1, 3600))
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 1000))
@click.option(
    "--lease",
    "lease_s",
    default=120.0,
    show_default=True,
    type=click.FloatRange(1, 86400),
    help="Seconds a claimed delivery stays ours.",
)
@pass_state
def deliver(state: State, loop: bool, interval: float, limit: int, lease_s: float) -> None:
    """Send due deliveries from the outbox (one pass, or --loop)."""
    worker = _worker_id()

    async def run(fwd: ForwardingService) -> int:
        total = 0
        async with fwd.runtime:
            while True:
                done = await fwd.deliver_due(worker, limit=limit, lease_s=lease_s)
                for row in done:
                    click.echo(_row(row))
                total += len(done)
                if not loop:
                    return total
                if not done:
                    await asyncio.sleep(interval)

    with _forwarding(state) as fwd:
        try:
            total = asyncio.run(run(fwd))
        except KeyboardInterrupt:
            return
    if not total:
        click.echo("niets te versturen")


@click.command()
@click.argument("delivery_id")
@click.option("--text", required=True, help="The table's feedback (e.g. from its e-mail).")
@click.option("--from", "source", required=True, help="Who gave it (table or person).")
@pass_state
def feedback(state: State, delivery_id: str, text: str, source: str) -> None:
    """Record a table's feedback on a delivery (for tables that answer by e-mail)."""
    with _forwarding(state) as fwd:
        try:
            fb = fwd.record_feedback(delivery_id, text, source=source, actor=state.actor)
        except ValueError as exc:
            fail(str(exc))
        except Refused as exc:
            fail(f"geweigerd: {exc}")
    click.echo(f"terugkoppeling {fb.id} vastgelegd bij dossier {fb.dossier_id}")


COMMANDS = [forward, deliveries, deliver, feedback]
