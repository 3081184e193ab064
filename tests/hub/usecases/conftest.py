"""A store on either backend for the use cases, built from fresh keys (no files, no
registries): what :class:`hub.usecases.context.Context` is given in production."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hub.accountability import Actor, Storage
from hub.config import load_config
from hub.store import Keys
from hub.store.testing import BACKENDS, temporary_database
from hub.usecases.context import Context

HOORN_OFFICER = Actor("af-hoorn", "A. Hoorn", ("officer",), ("0405",))
ENKHUIZEN_OFFICER = Actor("af-enkhuizen", "A. Enkhuizen", ("officer",), ("0388",))
AUDITOR = Actor("auditor", "A. Auditor", ("auditor",), ())


@pytest.fixture(params=BACKENDS)
def context(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Context]:
    """A store holding one Enkhuizen dossier, ``d-enk`` of signal ``sig-1``."""
    with temporary_database(request.param, tmp_path) as db:
        storage = Storage.over(db, Keys.fresh())
        storage.dossiers.save("d-enk", "sig-1", "0388", "af-enkhuizen", {"geheim": True})
        yield Context(load_config(), storage)


def access_log(context: Context) -> list[dict[str, Any]]:
    log = context.storage.trail.access
    return [log.entry(i).payload or {} for i in range(log.size())]


def refusals(context: Context) -> list[dict[str, Any]]:
    return [e for e in access_log(context) if e.get("result") == "refused"]
