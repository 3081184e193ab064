"""The tamper-evident store from the command line: a damaged dossier is a clear Dutch
error with exit status 1 (never a traceback), and ``audit verify`` names a deleted
stored response."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from .conftest import ROOT, clean_env, run_opplus

pytestmark = pytest.mark.e2e


@pytest.fixture
def home(tmp_path: Path) -> dict[str, str]:
    return clean_env(OPPLUS_HOME=str(tmp_path / "home"))


def enrich(env: dict[str, str]) -> str:
    example = ROOT / "examples" / "2-seksuele-uitbuiting-enkhuizen.json"
    result = run_opplus("enrich", str(example), "--format", "json", env=env)
    assert result.code == 0, result.err
    return str(json.loads(result.out)["id"])


def database(env: dict[str, str]) -> sqlite3.Connection:
    return sqlite3.connect(Path(env["OPPLUS_HOME"]) / "opplus.sqlite3")


def test_a_flipped_envelope_byte_is_a_clear_error(home: dict[str, str]) -> None:
    dossier_id = enrich(home)
    with database(home) as db:
        (envelope,) = db.execute("SELECT envelope FROM dossiers").fetchone()
        bent = bytearray(envelope)
        bent[-5] ^= 0x01
        db.execute("UPDATE dossiers SET envelope = ?", (bytes(bent),))
    shown = run_opplus("dossier", "show", dossier_id, env=home)
    assert shown.code == 1 and "Traceback" not in shown.err
    assert f"dossier {dossier_id} is beschadigd of buiten opplus gewijzigd" in shown.err
    assert shown.out == ""


def test_verify_names_a_deleted_stored_response(home: dict[str, str]) -> None:
    dossier_id = enrich(home)
    assert run_opplus("audit", "verify", env=home).code == 0
    with database(home) as db:
        (evidence_id,) = db.execute("SELECT id FROM evidence ORDER BY id LIMIT 1").fetchone()
        db.execute("DELETE FROM evidence WHERE id = ?", (evidence_id,))
    bad = run_opplus("audit", "verify", env=home)
    assert bad.code == 1 and "Traceback" not in bad.err
    assert f"evidence {evidence_id} of dossier {dossier_id}: deleted without a deletion entry" in (
        bad.err
    )
    assert "FOUT  log dossier-store" in bad.out
