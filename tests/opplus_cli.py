"""The ``opplus`` command line run as a user runs it, for the end-to-end tests.

:func:`run_in_process` runs the installed entry point (``hub.cli:main``) in the test
process with the arguments, environment and working directory a subprocess would get,
and gives what a subprocess gives: exit status, stdout and stderr. That spares each run
the interpreter start and imports (a second or two on a small machine).
:func:`run_process` runs it as a real process, where the process itself is what a test
proves: the status a shell sees, a ``PYTHONPATH`` read at start, a server, a kill.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import traceback
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import structlog
from click.testing import CliRunner

#: ``opplus`` as a process: the module the console script runs
OPPLUS = [sys.executable, "-m", "hub"]


@dataclass
class Result:
    code: int
    out: str
    err: str


def run_process(
    args: Sequence[str], env: Mapping[str, str], cwd: Path, timeout: float = 120
) -> Result:
    """``opplus <args>`` as a real process."""
    proc = subprocess.run(
        [*OPPLUS, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=dict(env),
        cwd=cwd,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


def run_in_process(args: Sequence[str], env: Mapping[str, str], cwd: Path) -> Result:
    """``opplus <args>`` in this process, as :func:`run_process` would run it: ``env`` is
    the whole environment, ``cwd`` the working directory. An exception the command does
    not handle is exit status 1 with its traceback on stderr, as the interpreter prints
    it. Environment, working directory and logging are restored afterwards."""
    from hub.cli import main

    saved_env, saved_cwd, saved_argv = dict(os.environ), os.getcwd(), sys.argv
    saved_logging = _logging_state()
    code = 0
    try:
        os.environ.clear()
        os.environ.update(env)
        os.chdir(cwd)
        sys.argv = ["opplus", *args]
        with CliRunner().isolation() as (out, err, _):
            try:
                main()
            except SystemExit as exc:
                code = _exit_status(exc)
            except Exception:
                traceback.print_exc()
                code = 1
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
            stdout, stderr = out.getvalue(), err.getvalue()
    finally:
        sys.argv = saved_argv
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
        _restore_logging(saved_logging)
    return Result(code, stdout.decode(), stderr.decode(errors="backslashreplace"))


def _exit_status(exc: SystemExit) -> int:
    """The status the interpreter exits with for ``exc`` (a message means 1, printed)."""
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code
    print(exc.code, file=sys.stderr)
    return 1


# the loggers whose levels the command sets (hub/logging.py), besides the root
_SET_BY_THE_COMMAND = ("", "httpx", "httpcore", "zeep", "asyncio")
_LoggingState = tuple[dict[str, Any], list[logging.Handler], dict[str, int]]


def _logging_state() -> _LoggingState:
    levels = {name: logging.getLogger(name).level for name in _SET_BY_THE_COMMAND}
    return structlog.get_config(), list(logging.getLogger().handlers), levels


def _restore_logging(state: _LoggingState) -> None:
    """The command pointed the root logger at its own stderr (closed now) and set
    levels: the test process logs as it did before."""
    config, handlers, levels = state
    structlog.configure(**config)
    logging.getLogger().handlers[:] = handlers
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)
