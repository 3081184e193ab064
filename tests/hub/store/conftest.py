"""Fixtures: a fresh database on each backend, and a cipher."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from hub.store import Cipher, Database
from hub.store.testing import BACKENDS, temporary_database


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    with temporary_database(request.param, tmp_path) as database:
        yield database


@pytest.fixture
def cipher() -> Cipher:
    return Cipher(os.urandom(32))
