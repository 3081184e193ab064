"""Connectors, configuration and fakes: ``connectors``, ``config check``, ``fakes serve``,
``schema``."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

import click

from plugins import ConnectorSettings, PluginLoadError

from ..config import FAKES_HTTP_PORT, Config, ConfigError, connector_settings
from ..runtime import load_plugins
from ..usecases.registries import Registries, RegistriesHealth
from .common import State, answered, fail, pass_state


@click.command()
@pass_state
def connectors(state: State) -> None:
    """List the loaded connectors and probe each registry with its credentials.

    Needs the role admin or monitor; written to the access log. Exit 1 when one fails."""
    runtime = state.runtime()

    async def probe(registries: Registries) -> RegistriesHealth:
        async with runtime:
            return await registries.health(state.actor)

    with state.context() as context, answered():
        found = asyncio.run(probe(Registries(context, runtime)))
    click.echo(f"plugins: {', '.join(found.plugins)}")
    for c in found.connectors:
        info, result = c.info, c.health
        status = "ok" if result.ok else "NIET OK"
        latency = f" {result.latency_ms:.0f} ms" if result.latency_ms is not None else ""
        click.echo(
            f"{info.name:<12} {info.version:<8} {status:<8}{latency:>8}  {info.registry}"
            f" [{', '.join(sorted(info.subject_kinds))}] — {result.detail}"
        )
    for name in found.unconfigured:
        click.echo(f"{name:<12} (geladen, niet geconfigureerd)")
    if found.failing:
        sys.exit(1)


@click.group("config")
def config_group() -> None:
    """Inspect the configuration."""


@config_group.command("check")
@pass_state
def config_check(state: State) -> None:
    """Validate the configuration, including every connector's and table's settings."""
    config = state.config
    try:
        plugins = load_plugins(config)
    except PluginLoadError as exc:
        fail(str(exc))
    specs = plugins.connectors()
    problems = []
    for name in config.connectors:
        if name not in specs:
            problems.append(f"{config.source}: connectors.{name}: no plugin registers {name!r}")
            continue
        try:
            settings = connector_settings(config, specs[name])
        except ConfigError as exc:
            problems.append(str(exc))
            continue
        problems.extend(_uncoded_purposes(config, name, settings))
    for purpose in config.purposes:
        for name in purpose.fields:
            if name not in specs:
                problems.append(
                    f"{config.source}: purposes[{purpose.id}].fields.{name}: unknown connector"
                )
    transports = plugins.tables()
    for name, table in config.tables.items():
        if table.transport not in transports:
            problems.append(
                f"{config.source}: tables.{name}.transport: unknown transport "
                f"{table.transport!r} (known: {', '.join(sorted(transports))})"
            )
    if problems:
        fail("configuratie onbruikbaar:\n" + "\n".join(problems))
    click.echo(
        f"{config.source}: ok — {len(config.purposes)} verwerkingsactiviteiten, "
        f"{len(config.connectors)} connectoren, {len(config.tables)} tafels, "
        f"fakes: {config.fakes.mode.value}"
    )


def _uncoded_purposes(config: Config, name: str, settings: ConnectorSettings | None) -> list[str]:
    """Purposes that may ask connector ``name`` but have no code at its gateway: every
    such query would fail, so the configuration says so before the first one."""
    if settings is None or settings.purpose_headers is None or not settings.enabled:
        return []
    codes = settings.purpose_headers.purposes
    return [
        f"{config.source}: connectors.{name}.purpose_headers.purposes: geen code voor "
        f"verwerkingsactiviteit {purpose.id} (die mag {name} bevragen)"
        for purpose in config.purposes
        if purpose.fields.get(name) and purpose.id not in codes
    ]


@click.group("fakes")
def fakes_group() -> None:
    """The registries' test doubles."""


@fakes_group.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option(
    "--port",
    default=FAKES_HTTP_PORT,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port of the HTTP fakes; the other fakes' ports move along (0: free ports).",
)
@click.option(
    "--latency",
    "latency_s",
    default=0.0,
    type=click.FloatRange(0, 60),
    help="Seconds of latency added to every call.",
)
@click.option(
    "--mail/--no-mail",
    default=True,
    show_default=True,
    help="Also run the local STARTTLS mail server (port 8925 beside --port 8900).",
)
@click.option(
    "--openapi-dir",
    envvar="OPPLUS_SPECS_DIR",
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory of the registries' official OpenAPI documents (default: "
    "$OPPLUS_SPECS_DIR): each fake then refuses every request outside its document, in "
    "the registry's own error format (needs PyYAML).",
)
@pass_state
def fakes_serve(
    state: State, host: str, port: int, latency_s: float, mail: bool, openapi_dir: Path | None
) -> None:
    """Serve every fake over real HTTP, each at its registry's official base path
    (and the fakes that do not speak HTTP, such as the mail server, on their ports)."""
    import uvicorn

    from ..fakes import FakePortError, build_fakes_app, serve_other_fakes
    from ..openapi_documents import OfficialDocumentsError, fakes_documents

    try:
        plugins = load_plugins(state.config)
    except PluginLoadError as exc:
        fail(str(exc))
    fakes = plugins.fakes()
    strict: dict[str, dict[str, Any]] = {}
    if openapi_dir is not None:
        try:
            documents = fakes_documents(fakes, openapi_dir)
        except OfficialDocumentsError as exc:
            fail(f"--openapi-dir: {exc}")
        strict = {name: {"openapi": docs} for name, docs in documents.items()}
    app = build_fakes_app(fakes, per_fake=strict, latency_s=latency_s)
    for spec in sorted(fakes.values(), key=lambda s: s.mount):
        if spec.app_factory is not None:
            checked = " (strikt: officieel OpenAPI-document)" if spec.name in strict else ""
            click.echo(
                f"fake {spec.name:<11} http://{host}:{port}{spec.mount or '/'}{checked}", err=True
            )
    data_dir = state.config.resolved_storage().data_dir.expanduser()
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning"))

    async def run() -> None:
        others = fakes if mail else {}
        async with serve_other_fakes(others, data_dir, http_port=port) as ports:
            for name, bound in sorted(ports.items()):
                click.echo(f"fake {name:<11} {host}:{bound}", err=True)
            await server.serve()

    try:
        asyncio.run(run())
    except FakePortError as exc:
        fail(str(exc))


@click.command()
def schema() -> None:
    """Print the dossier's JSON Schema."""
    from ..dossier import dossier_json_schema

    click.echo(json.dumps(dossier_json_schema(), indent=2, ensure_ascii=False))


COMMANDS = [connectors, config_group, fakes_group, schema]
