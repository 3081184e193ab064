"""What the subcommands share: the state (configuration, runtime, store), failures
with exit status 2 and a message instead of a traceback, the acting user, and the one
translation of a use case's error into a message and an exit status (:func:`answered`).

Exit statuses: 0 done; 1 a check found a problem (``audit verify``, ``connectors``),
or stored data was changed outside opplus; 2 bad input or refused, nothing written;
3 an enrichment whose dossier is incomplete (a registry failed or timed out), stored
and printed all the same.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

# The hub itself is imported inside the functions that need it: every command imports
# this module, and `opplus --version` and `--help` must not pay for the web framework,
# the database drivers and the registry clients (hub/cli/main.py).
if TYPE_CHECKING:
    from ..accountability import Actor, Storage
    from ..config import Config
    from ..runtime import Runtime
    from ..usecases import Problem, UseCaseError
    from ..usecases.context import Context

EXIT_BAD_INPUT = 2
EXIT_INCOMPLETE = 3
#: stored data was changed outside the hub (as ``audit verify`` exits on a change)
EXIT_TAMPERED = 1


def fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    click.echo(f"opplus: {message}", err=True)
    sys.exit(code)


class State:
    """Lazily loaded configuration, runtime and store for one command."""

    def __init__(self, config_path: str | None, fakes_url: str | None) -> None:
        self.config_path = config_path
        self.fakes_url = fakes_url
        self._config: Config | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            from ..config import ConfigError, load_config

            try:
                self._config = load_config(self.config_path, fakes_url=self.fakes_url)
            except ConfigError as exc:
                fail(f"configuratie onbruikbaar:\n{exc}")
        return self._config

    def runtime(self, **fake_options: Any) -> Runtime:
        from plugins import PluginLoadError

        from ..config import ConfigError
        from ..runtime import Runtime

        try:
            return Runtime.build(self.config, fake_options=fake_options or None)
        except (ConfigError, PluginLoadError) as exc:
            fail(f"configuratie onbruikbaar:\n{exc}")

    @contextmanager
    def storage(self) -> Iterator[Storage]:
        from ..accountability import Storage
        from ..audit import WitnessError
        from ..store import StoreError

        try:
            storage = Storage.open(self.config)
        except StoreError as exc:
            fail(f"opslag niet te openen: {exc}")
        except WitnessError as exc:
            fail(f"getuige van de logboeken onbruikbaar: {exc}")
        notice = storage.keys.notice()
        if notice:
            click.echo(f"opplus: {notice}", err=True)
        try:
            yield storage
        finally:
            storage.close()

    @contextmanager
    def context(self) -> Iterator[Context]:
        """What every use case is given: the configuration and the opened store; a
        use case that asks registries is given a :meth:`runtime` besides."""
        from ..usecases.context import Context

        with self.storage() as storage:
            yield Context(self.config, storage)

    @property
    def actor(self) -> Actor:
        from ..accountability import Actor

        op = self.config.operator
        return Actor(op.id, op.name, tuple(op.roles), tuple(op.municipalities), client="cli")


pass_state = click.make_pass_decorator(State)


def use_case_failed(exc: UseCaseError, names: Mapping[str, str] | None = None) -> NoReturn:
    """A use case's refusal or error as the command line answers it: a Dutch message
    naming the field, exit 2 (nothing was written), or 1 for damaged stored data.

    ``names``: the command line's own name of a use case's field (``{"bsn": "--bsn"}``),
    so the message names what the user typed."""
    from ..usecases import Damaged, NotFound, Refused

    def line(problem: Problem) -> str:
        if problem.field is None:
            return problem.message
        return f"{(names or {}).get(problem.field, problem.field)}: {problem.message}"

    if isinstance(exc, Damaged):
        fail(exc.message, EXIT_TAMPERED)
    if isinstance(exc, NotFound):
        fail(exc.message)  # it names the object asked for
    lines = [line(p) for p in exc.problems]
    if isinstance(exc, Refused):
        fail(f"geweigerd: {lines[0]}")
    if len(lines) > 1:
        fail("invoer afgewezen:\n" + "\n".join(f"  {text}" for text in lines))
    fail(lines[0] if lines else "afgewezen")


@contextmanager
def answered(names: Mapping[str, str] | None = None) -> Iterator[None]:
    """Run use cases; their errors end the command as :func:`use_case_failed` says."""
    from ..usecases import UseCaseError

    try:
        yield
    except UseCaseError as exc:
        use_case_failed(exc, names)


def write_output(out: str | None, text: str) -> None:
    """Print, or write atomically to ``out`` (a failed run leaves no half file)."""
    if out is None:
        click.echo(text, nl=False)
        return
    target = Path(out)
    if not target.resolve().parent.is_dir():
        fail(f"--out: map {target.resolve().parent} bestaat niet")
    fd, tmp = tempfile.mkstemp(dir=target.resolve().parent, prefix=".opplus-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
