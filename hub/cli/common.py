"""What the subcommands share: the state (configuration, runtime, store), failures
with exit status 2 and a message instead of a traceback, and the acting user.

Exit statuses: 0 done; 1 a check found a problem (``audit verify``, ``connectors``);
2 bad input or refused, nothing written; 3 an enrichment whose dossier is incomplete
(a registry failed or timed out), stored and printed all the same.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

# The hub itself is imported inside the methods that need it: every command imports this
# module, and `opplus --version` and `--help` must not pay for the web framework, the
# database drivers and the registry clients (hub/cli/main.py).
if TYPE_CHECKING:
    from ..accountability import Actor, Storage
    from ..config import Config
    from ..runtime import Runtime
    from ..service import HubService
    from ..usecases import UseCaseError

EXIT_BAD_INPUT = 2
EXIT_INCOMPLETE = 3
#: stored data was changed outside the hub (as ``audit verify`` exits on a change)
EXIT_TAMPERED = 1


def fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    click.echo(f"opplus: {message}", err=True)
    sys.exit(code)


def fail_use_case(exc: UseCaseError) -> NoReturn:
    """A use case's error as the command line reports it: the message naming its field,
    exit 2 (nothing written), or 1 for stored data changed outside opplus."""
    from ..usecases import Damaged, Refused

    if isinstance(exc, Damaged):
        fail(str(exc), EXIT_TAMPERED)
    fail(f"geweigerd: {exc}" if isinstance(exc, Refused) else str(exc))


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
    def service(self) -> Iterator[HubService]:
        from ..service import HubService

        runtime = self.runtime()
        with self.storage() as storage:
            yield HubService(self.config, runtime, storage)

    @contextmanager
    def store_service(self) -> Iterator[HubService]:
        """The service for use cases that only read and write the store (listing,
        auditing, accounts): no connectors are built, so none can be asked."""
        from ..service import HubService

        with self.storage() as storage:
            yield HubService(self.config, None, storage)  # type: ignore[arg-type]

    @property
    def actor(self) -> Actor:
        from ..accountability import Actor

        op = self.config.operator
        return Actor(op.id, op.name, tuple(op.roles), tuple(op.municipalities), client="cli")


pass_state = click.make_pass_decorator(State)


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
