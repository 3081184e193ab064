"""`opplus` starts without importing the hub: subcommand modules load when their command
runs, and the help still lists every command with its own help line."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import textwrap

import click
import pytest
from click.testing import CliRunner

from hub.cli.main import SUBCOMMANDS, cli

#: what `import hub.cli` must leave alone (each costs tenths of a second at start)
HEAVY = ("fastapi", "psycopg", "zeep", "cryptography", "uvicorn")


def _loaded_after(code: str) -> set[str]:
    """The modules a fresh interpreter holds after running ``code``."""
    script = textwrap.dedent(code) + "\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def _real_commands() -> dict[str, tuple[str, click.Command]]:
    found: dict[str, tuple[str, click.Command]] = {}
    for module_name in sorted({module for module, _ in SUBCOMMANDS.values()}):
        module = importlib.import_module(f"hub.cli.{module_name}")
        for command in module.COMMANDS:
            assert command.name is not None
            found[command.name] = (module_name, command)
    return found


def test_importing_the_cli_imports_none_of_the_heavy_libraries() -> None:
    loaded = _loaded_after("import hub.cli")
    assert not [name for name in HEAVY if name in loaded]


def test_version_and_help_import_no_subcommand_module() -> None:
    for args in (["--version"], ["--help"], []):
        loaded = _loaded_after(
            f"""
            from hub.cli.main import cli
            try:
                cli({args!r}, prog_name="opplus")
            except SystemExit:
                pass
            """
        )
        commands = {f"hub.cli.{module}" for module, _ in SUBCOMMANDS.values()}
        assert not commands & loaded, args
        assert not [name for name in HEAVY if name in loaded], args


def test_a_command_imports_its_own_module_only() -> None:
    loaded = _loaded_after(
        """
        from hub.cli.main import cli
        try:
            cli(["schema"], prog_name="opplus")
        except SystemExit:
            pass
        """
    )
    assert "hub.cli.registries" in loaded
    assert not {"hub.cli.web", "hub.cli.audit", "hub.cli.forward"} & loaded


def test_the_table_names_every_command_with_its_module_and_help_line() -> None:
    """SUBCOMMANDS is what `opplus --help` lists: exactly the commands the modules
    define, each with the first sentence of its own help."""
    real = _real_commands()
    assert set(real) == set(SUBCOMMANDS)
    for name, (module, command) in real.items():
        assert SUBCOMMANDS[name] == (module, command.get_short_help_str(limit=10_000)), name


@pytest.mark.parametrize("width", [60, 80, 200])
def test_the_lazy_help_is_the_help_of_the_loaded_commands(width: int) -> None:
    """Byte for byte what click prints for the same group with every command loaded."""
    eager = click.Group(
        name=cli.name,
        commands={name: command for name, (_, command) in _real_commands().items()},
        params=cli.params,
        help=cli.help,
        context_settings=cli.context_settings,
    )
    runner = CliRunner()
    lazy_help = runner.invoke(cli, ["--help"], prog_name="opplus", terminal_width=width)
    eager_help = runner.invoke(eager, ["--help"], prog_name="opplus", terminal_width=width)
    assert lazy_help.exit_code == eager_help.exit_code == 0
    assert lazy_help.output == eager_help.output
    for name in SUBCOMMANDS:
        assert f"\n  {name} " in lazy_help.output


def test_an_unknown_command_is_still_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["verrijk"], prog_name="opplus")
    assert result.exit_code == 2
    assert "No such command 'verrijk'" in result.output
