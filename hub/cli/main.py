"""The ``opplus`` group and its global options."""

from __future__ import annotations

import click

from ..logging import configure_logging
from ..store import DecryptionFailed
from .common import EXIT_TAMPERED, State, fail


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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
    configure_logging(json=log_json, level=log_level)
    ctx.obj = State(config_path, fakes_url)


def _register() -> None:
    from . import audit, dossiers, forward, registries, web

    for module in (dossiers, registries, audit, forward, web):
        for command in module.COMMANDS:
            cli.add_command(command)


_register()


def main() -> None:
    try:
        cli(prog_name="opplus")
    except DecryptionFailed as exc:
        # a damaged record met on a path that does not name it itself (e.g. a notice)
        fail(f"opgeslagen gegevens beschadigd of buiten opplus gewijzigd: {exc}", EXIT_TAMPERED)
