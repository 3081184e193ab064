"""The ``opplus`` command line."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any, NoReturn

import click

from plugins import Officer, PluginLoadError

from .config import Config, ConfigError, load_config
from .dossier import Dossier
from .logging import configure_logging
from .render import render_text
from .runtime import Runtime, load_plugins
from .signal import Signal, SignalError, load_signal

EXIT_BAD_INPUT = 2


def _fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    click.echo(f"opplus: {message}", err=True)
    sys.exit(code)


class _State:
    def __init__(self, config_path: str | None, fakes_url: str | None) -> None:
        self.config_path = config_path
        self.fakes_url = fakes_url
        self._config: Config | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            try:
                self._config = load_config(self.config_path, fakes_url=self.fakes_url)
            except ConfigError as exc:
                _fail(f"configuratie onbruikbaar:\n{exc}")
        return self._config

    def runtime(self, **fake_options: Any) -> Runtime:
        try:
            return Runtime.build(self.config, fake_options=fake_options or None)
        except (ConfigError, PluginLoadError) as exc:
            _fail(f"configuratie onbruikbaar:\n{exc}")


pass_state = click.make_pass_decorator(_State)


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
    ctx.obj = _State(config_path, fakes_url)


def _officer(config: Config, signal: Signal) -> Officer:
    operator = config.operator
    if signal.municipality not in config.municipalities:
        _fail(
            f"municipality: gemeentecode {signal.municipality} wordt door deze "
            f"installatie niet bediend ({', '.join(sorted(config.municipalities))})"
        )
    if signal.municipality not in operator.municipalities:
        _fail(
            f"municipality: {operator.name} mag geen signalen van gemeente "
            f"{signal.municipality} verrijken"
        )
    return Officer(operator.id, operator.name, signal.municipality)


def _check_purpose(config: Config, signal: Signal) -> None:
    if config.purpose(signal.purpose) is None:
        known = ", ".join(p.id for p in config.purposes)
        _fail(f"purpose: onbekende verwerkingsactiviteit {signal.purpose!r} (bekend: {known})")


async def _enrich(runtime: Runtime, signal: Signal) -> Dossier:
    async with runtime:
        run = await runtime.enricher().enrich(signal, _officer(runtime.config, signal))
    return run.dossier


def _write(out: str | None, text: str) -> None:
    if out is None:
        click.echo(text, nl=False)
        return
    target = Path(out)
    fd, tmp = tempfile.mkstemp(dir=target.parent or Path("."), prefix=".opplus-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _format(dossier: Dossier, fmt: str, config: Config) -> str:
    if fmt == "json":
        return dossier.to_json() + "\n"
    return render_text(dossier, config.municipalities)


@cli.command()
@click.argument("signal_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--out", type=click.Path(dir_okay=False), help="Write to this file instead.")
@pass_state
def enrich(state: _State, signal_file: Path, fmt: str, out: str | None) -> None:
    """Enrich the signal in SIGNAL_FILE (JSON) and print the dossier."""
    try:
        signal = load_signal(signal_file)
    except SignalError as exc:
        lines = "\n".join(f"  {field}: {msg}" for field, msg in exc.problems)
        _fail(f"signaal {signal_file} afgewezen:\n{lines}")
    config = state.config
    _check_purpose(config, signal)
    _officer(config, signal)
    if out is not None and not Path(out).resolve().parent.is_dir():
        _fail(f"--out: map {Path(out).resolve().parent} bestaat niet")
    dossier = asyncio.run(_enrich(state.runtime(), signal))
    _write(out, _format(dossier, fmt, config))
    if not dossier.complete:
        click.echo(
            "opplus: let op — niet alle bronnen gaven antwoord (zie de status per bron)", err=True
        )


def examples_dir() -> Path:
    in_repo = Path(__file__).resolve().parent.parent / "examples"
    return in_repo if in_repo.is_dir() else Path(__file__).resolve().parent / "examples"


@cli.command()
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@pass_state
def demo(state: _State, fmt: str) -> None:
    """Enrich the example signals of examples/ against the configured registries."""
    files = sorted(examples_dir().glob("*.json"))
    if not files:
        _fail(f"geen voorbeeldsignalen gevonden in {examples_dir()}")
    config = state.config

    async def run_all() -> list[tuple[Path, Dossier]]:
        results = []
        async with state.runtime() as runtime:
            for path in files:
                signal = load_signal(path)
                run = await runtime.enricher().enrich(signal, _officer(config, signal))
                results.append((path, run.dossier))
        return results

    for path, dossier in asyncio.run(run_all()):
        if fmt == "text":
            click.echo(f"=== {path.name} " + "=" * max(0, 70 - len(path.name)))
        click.echo(_format(dossier, fmt, config), nl=False)
        click.echo()


@cli.command()
@pass_state
def connectors(state: _State) -> None:
    """List the loaded connectors and probe each registry with its credentials."""
    runtime = state.runtime()

    async def probe() -> dict[str, Any]:
        async with runtime:
            return await runtime.check()

    health = asyncio.run(probe())
    click.echo(f"plugins: {', '.join(runtime.plugins.names)}")
    failing = 0
    for handle in runtime.handles:
        info = handle.connector.info
        result = health[handle.name]
        failing += not result.ok
        status = "ok" if result.ok else "NIET OK"
        latency = f" {result.latency_ms:.0f} ms" if result.latency_ms is not None else ""
        click.echo(
            f"{info.name:<12} {info.version:<8} {status:<8}{latency:>8}  {info.registry}"
            f" [{', '.join(sorted(info.subject_kinds))}] — {result.detail}"
        )
    for name in runtime.unconfigured:
        click.echo(f"{name:<12} (geladen, niet geconfigureerd)")
    if failing:
        sys.exit(1)


@cli.group("config")
def config_group() -> None:
    """Inspect the configuration."""


@config_group.command("check")
@pass_state
def config_check(state: _State) -> None:
    """Validate the configuration, including every connector's settings."""
    config = state.config
    try:
        plugins = load_plugins(config)
    except PluginLoadError as exc:
        _fail(str(exc))
    from .config import connector_settings

    specs = plugins.connectors()
    problems = []
    for name in config.connectors:
        if name not in specs:
            problems.append(f"{config.source}: connectors.{name}: no plugin registers {name!r}")
            continue
        try:
            connector_settings(config, specs[name])
        except ConfigError as exc:
            problems.append(str(exc))
    for purpose in config.purposes:
        for name in purpose.fields:
            if name not in specs:
                problems.append(
                    f"{config.source}: purposes[{purpose.id}].fields.{name}: unknown connector"
                )
    if problems:
        _fail("configuratie onbruikbaar:\n" + "\n".join(problems))
    click.echo(
        f"{config.source}: ok — {len(config.purposes)} verwerkingsactiviteiten, "
        f"{len(config.connectors)} connectoren, fakes: {config.fakes.mode.value}"
    )


@cli.group("fakes")
def fakes_group() -> None:
    """The registries' test doubles."""


@fakes_group.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8900, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--latency",
    "latency_s",
    default=0.0,
    type=click.FloatRange(0, 60),
    help="Seconds of latency added to every call.",
)
@pass_state
def fakes_serve(state: _State, host: str, port: int, latency_s: float) -> None:
    """Serve every fake over real HTTP, each at its registry's official base path."""
    import uvicorn

    from .fakes import build_fakes_app

    try:
        plugins = load_plugins(state.config)
    except PluginLoadError as exc:
        _fail(str(exc))
    fakes = plugins.fakes()
    app = build_fakes_app(fakes, latency_s=latency_s)
    for spec in sorted(fakes.values(), key=lambda s: s.mount):
        click.echo(f"fake {spec.name:<11} http://{host}:{port}{spec.mount or '/'}", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")


@cli.command()
def schema() -> None:
    """Print the dossier's JSON Schema."""
    from .dossier import dossier_json_schema

    click.echo(json.dumps(dossier_json_schema(), indent=2, ensure_ascii=False))


def main() -> None:
    cli(prog_name="opplus")
