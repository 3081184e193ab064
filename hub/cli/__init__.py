"""The ``opplus`` command line: one group, with subcommands in sibling modules."""

from __future__ import annotations

from .main import cli, main

__all__ = ["cli", "main"]
