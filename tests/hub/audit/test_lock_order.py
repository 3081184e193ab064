"""Every transaction that writes more than one log takes the log heads in name order.

An append locks its log's head row (PostgreSQL ``FOR UPDATE``) until the transaction
ends; two writers that take two heads crosswise wait on each other until PostgreSQL
aborts one as a deadlock (an enrichment lost while a retention run is going on). One
order everywhere makes that impossible; this test records the order of the appends.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from hub.accountability import Actor, Storage, access_record
from hub.audit import MerkleLog, Retention
from hub.store import Keys
from hub.store.testing import sample_response, temporary_database
from hub.store.timestamps import utc_now

OFFICER = Actor("af-hoorn", "A. Hoorn", ("officer", "admin"), ("0405",))


@pytest.fixture
def storage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    with temporary_database("sqlite", tmp_path) as db:
        yield Storage.over(db, Keys.fresh())


@pytest.fixture
def heads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The logs in the order their heads are taken (each append takes its head)."""
    taken: list[str] = []
    for method in ("append", "append_many"):
        original = getattr(MerkleLog, method)

        def spy(self: MerkleLog, *args: Any, _original: Any = original, **kw: Any) -> Any:
            taken.append(self.name)
            return _original(self, *args, **kw)

        monkeypatch.setattr(MerkleLog, method, spy)
    return taken


def _in_name_order(taken: list[str]) -> bool:
    first_seen = list(dict.fromkeys(taken))
    return first_seen == sorted(first_seen)


def _run() -> Any:
    dossier = SimpleNamespace(
        id="d-1",
        signal_id="sig-1",
        signal={"municipality": "0405"},
        officer=SimpleNamespace(id="af-hoorn"),
        purpose=SimpleNamespace(id="VA-MH-01"),
        trace_id="a" * 32,
        outcomes=[],
        complete=True,
        model_dump=lambda mode: {"id": "d-1"},
    )
    return SimpleNamespace(dossier=dossier, evidence=[("a" * 32, sample_response(1))])


def test_saving_an_enrichment_takes_the_heads_in_name_order(storage, heads) -> None:
    storage.save_run(_run(), OFFICER)
    assert set(heads) >= {"access", "store"}
    assert _in_name_order(heads), heads


def test_a_retention_run_takes_the_heads_in_name_order(storage, heads) -> None:
    storage.save_run(_run(), OFFICER)
    heads.clear()
    Retention(storage.trail).run(now=utc_now().replace(year=utc_now().year + 5))
    assert set(heads) >= {"access", "store"}
    assert _in_name_order(heads), heads


def test_a_group_of_records_takes_the_heads_in_name_order(storage, heads) -> None:
    processing_first = SimpleNamespace(LOG="processing", to_payload=lambda: {"kind": "x"})
    storage.trail.record([processing_first, access_record(OFFICER, "view")])  # type: ignore[list-item]
    assert heads == ["access", "processing"]
