"""Forwarding from the command line: ``forward``, ``deliveries``, ``requeue``,
``deliver``, ``feedback`` — an adapter over :mod:`hub.usecases.forwarding`, which
decides who may do what and writes the access log, as it does for the web service;
its errors become a message naming the field and exit status 2."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from ..forwarding.outbox import DeliveryRow
from ..forwarding.service import ForwardingService
from ..usecases import UseCaseError
from ..usecases.forwarding import Forwarding, parse_signed_body
from .common import State, fail, pass_state, use_case_failed

#: the command line's names of the use case's tailoring fields
_TAILORING_OPTIONS = {"leave_out": "--leave-out", "reason": "--reason"}


@contextmanager
def _forwarding(state: State) -> Iterator[Forwarding]:
    """The forwarding use cases; a use case's error ends the command (exit 2)."""
    runtime = state.runtime()
    with state.storage() as storage:
        try:
            yield Forwarding(ForwardingService(state.config, runtime, storage))
        except UseCaseError as exc:
            use_case_failed(exc, _TAILORING_OPTIONS)


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
@click.option(
    "--leave-out",
    "leave_out",
    multiple=True,
    metavar="ONDERWERP[#GEGEVEN]",
    help="Leave a subject (its key, e.g. address:1621JH-88) or one of its facts "
    "(address:1621JH-88#bewoners) out of this table's payload; repeatable; needs --reason.",
)
@click.option("--reason", default="", help="Why you leave it out (logged).")
@pass_state
def forward(
    state: State,
    dossier_id: str,
    table_name: str | None,
    yes: bool,
    show_payload: bool,
    deliver_now: bool,
    leave_out: tuple[str, ...],
    reason: str,
) -> None:
    """Show suggested tables, or preview and confirm forwarding DOSSIER_ID to --table."""
    actor = state.actor
    with _forwarding(state) as fwd:
        if table_name is None:
            overview = fwd.overview(actor, dossier_id)
            click.echo("Voorgestelde tafels (u kiest zelf; er wordt niets verstuurd):")
            for view in overview.tables:
                if view.suggested:
                    click.echo(f"  {view.name:<8} {view.explanation}")
            others = [view.name for view in overview.tables if not view.suggested]
            if others:
                click.echo(f"Andere tafels: {', '.join(sorted(others))}")
            click.echo("Doorsturen: opplus forward DOSSIER --table NAAM")
            return
        _, preview = fwd.preview(actor, dossier_id, table_name, leave_out=leave_out, reason=reason)
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
            if payload.bibob_withheld:
                click.echo(
                    "  Bibob-gegevens worden niet verstrekt: deze tafel heeft geen "
                    "wettelijke grondslag als Bibob-ontvanger."
                )
        if leave_out:
            click.echo(f"Door u weggelaten: {', '.join(leave_out)} (reden: {reason.strip()})")
        if show_payload:
            click.echo(json.dumps(payload.data, indent=2, ensure_ascii=False))
        if not yes:
            if not sys.stdin.isatty():
                fail("bevestiging vereist: geef --yes of bevestig interactief")
            if not click.confirm(f"Doorsturen naar {preview.label} als {actor.name}?"):
                click.echo("Niet verstuurd.")
                return
        # what the officer saw is what goes: a payload changed meanwhile is not sent
        row = fwd.forward(
            actor, dossier_id, table_name, payload.sha256, leave_out=leave_out, reason=reason
        )
        click.echo(f"In de wachtrij: levering {row.id} naar {table_name}")
        if deliver_now:
            machinery = fwd.machinery

            async def once() -> list[DeliveryRow]:
                async with machinery.runtime:
                    return await machinery.deliver_due(_worker_id(), limit=50)

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
        rows = fwd.deliveries(state.actor, state=state_filter, dossier_id=dossier_id)
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
            total = asyncio.run(run(fwd.machinery))
        except KeyboardInterrupt:
            return
    if not total:
        click.echo("niets te versturen")


@click.command()
@click.argument("delivery_id")
@pass_state
def requeue(state: State, delivery_id: str) -> None:
    """Try a failed delivery again, with a fresh attempt budget."""
    with _forwarding(state) as fwd:
        row = fwd.requeue(state.actor, delivery_id)
    click.echo(_row(row))


@click.command()
@click.argument("delivery_id")
@click.option("--text", help="The table's feedback (e.g. from its e-mail).")
@click.option("--from", "source", help="Who gave it (default: the table, via you).")
@click.option(
    "--signed-body",
    type=click.Path(exists=True, dir_okay=False),
    help="A table's own signed feedback: the exact JSON body it signed "
    '({"text": ..., "source"?: ...}), with --signature.',
)
@click.option("--signature", help="The table's X-Opplus-Signature value for --signed-body.")
@pass_state
def feedback(
    state: State,
    delivery_id: str,
    text: str | None,
    source: str | None,
    signed_body: str | None,
    signature: str | None,
) -> None:
    """Record feedback on a delivery, told by a table or signed by it.

    What a table told you: --text, as an officer of the delivery's municipality. A
    table's own signed feedback: --signed-body and --signature; its source is the table
    of the key, as on the web."""
    if (signed_body is None) != (signature is None):
        fail("--signed-body en --signature horen bij elkaar: geef ze allebei")
    if signed_body is not None and (text is not None or source is not None):
        fail("--text/--from of --signed-body: een getekende terugkoppeling draagt zelf haar tekst")
    if signed_body is None and text is None:
        fail("--text: geef de terugkoppeling (of --signed-body met --signature)")
    with _forwarding(state) as fwd:
        if signed_body is not None and signature is not None:
            body = Path(signed_body).read_bytes()
            signed = fwd.verify_signature(delivery_id, signature, body)
            fb = fwd.table_feedback(signed, *parse_signed_body(body))
        else:
            assert text is not None
            fb = fwd.record_feedback(state.actor, delivery_id, text, source)
    click.echo(f"terugkoppeling {fb.id} vastgelegd bij dossier {fb.dossier_id}")


COMMANDS = [forward, deliveries, requeue, deliver, feedback]
