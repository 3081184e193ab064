"""The ``opplus`` group and its global options.

The subcommands live in sibling modules that import the whole hub (web framework,
database drivers, registry clients); the group imports a module only when one of its
commands runs, so ``opplus --version`` and ``opplus --help`` answer without them.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping

import click

from .common import EXIT_TAMPERED, State, fail

__all__ = ["SUBCOMMANDS", "LazyGroup", "cli", "main"]

#: every subcommand: the hub.cli module that defines it (in its ``COMMANDS``) and its
#: one-line help for the listing in ``opplus --help``. Kept here so that listing the
#: commands imports none of them; tests/hub/test_cli_lazy.py holds each line to the
#: command's own help.
SUBCOMMANDS: Mapping[str, tuple[str, str]] = {
    "audit": (
        "audit",
        "Tamper-evident logs: checkpoints, verification, proofs, search, reports.",
    ),
    "case": ("cases", "The case around a signal: status, assignee and the officer's notes."),
    "config": ("registries", "Inspect the configuration."),
    "connectors": (
        "registries",
        "List the loaded connectors and probe each registry with its credentials.",
    ),
    "deliver": ("forward", "Send due deliveries from the outbox (one pass, or --loop)."),
    "deliveries": ("forward", "Deliveries of the operator's municipalities, newest first."),
    "demo": (
        "dossiers",
        "Enrich the example signals of examples/ against the configured registries.",
    ),
    "dossier": ("dossiers", "Stored dossiers (every view is written to the access log)."),
    "enrich": (
        "dossiers",
        "Enrich the signal in SIGNAL_FILE (JSON), store the dossier and print it.",
    ),
    "fakes": ("registries", "The registries' test doubles."),
    "feedback": (
        "forward",
        "Record feedback on a delivery, told by a table or signed by it.",
    ),
    "forward": (
        "forward",
        "Show suggested tables, or preview and confirm forwarding DOSSIER_ID to --table.",
    ),
    "requeue": ("forward", "Try a failed delivery again, with a fresh attempt budget."),
    "retention": ("audit", "Delete what is past its retention period; legal holds."),
    "schema": ("registries", "Print the dossier's JSON Schema."),
    "serve": (
        "web",
        "Serve the pages and the JSON API (/api/v1, /openapi.json, /metrics, /healthz).",
    ),
    "users": ("web", "Accounts of the web service: add, disable, enable, reset, tokens."),
}


class LazyGroup(click.Group):
    """A group that lists its subcommands from :data:`SUBCOMMANDS` and imports a
    command's module only when that command is looked up to run (or to show its own
    help)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *SUBCOMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in SUBCOMMANDS:
            module = importlib.import_module(f"{__package__}.{SUBCOMMANDS[cmd_name][0]}")
            for command in module.COMMANDS:
                self.add_command(command)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # stand-ins carrying only the help line, laid out exactly as click lays out loaded
        # commands (same width limit, same shortening)
        stand_ins = [click.Command(name, help=line) for name, (_, line) in SUBCOMMANDS.items()]
        limit = formatter.width - 6 - max(len(name) for name in SUBCOMMANDS)
        rows = [(c.name or "", c.get_short_help_str(limit)) for c in stand_ins]
        with formatter.section("Commands"):
            formatter.write_dl(sorted(rows))


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    help="TOML configuration (default: $OPPLUS_CONFIG, else the embedded default).",
)
@click.option("--fakes-url", help="Use a running `opplus fakes serve` at this URL.")
@click.option("--log-json", is_flag=True, help="Application logs as JSON lines on stderr.")
@click.option(
    "--log-level",
    default="WARNING",
    show_default=True,
    type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"]),
)
@click.version_option(package_name="opplus")
@click.pass_context
def cli(
    ctx: click.Context,
    config_path: str | None,
    fakes_url: str | None,
    log_json: bool,
    log_level: str,
) -> None:
    """opplus: enrich signals of human trafficking with the municipality's registries."""
    from ..logging import configure_logging  # structlog: only for a command that runs

    configure_logging(json=log_json, level=log_level)
    ctx.obj = State(config_path, fakes_url)


def main() -> None:
    try:
        cli(prog_name="opplus")
    except Exception as exc:
        from ..store import DecryptionFailed  # the store only when something failed

        if not isinstance(exc, DecryptionFailed):
            raise
        # a damaged record met on a path that does not name it itself (e.g. a notice)
        fail(f"opgeslagen gegevens beschadigd of buiten opplus gewijzigd: {exc}", EXIT_TAMPERED)
