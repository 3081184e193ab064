"""Witnesses as an operator and an auditor meet them: the witness server on loopback,
``opplus audit checkpoint`` handing checkpoints to it, and ``opplus audit verify``
failing on a database rolled back behind the witnesses' back."""

from __future__ import annotations

import base64
import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from hub.audit import AuditTrail, HttpWitness, Pseudonymiser, TamperDetected, WitnessError
from hub.audit.checkpoint import Checkpoint
from hub.audit.merkle import CompactRange
from hub.audit.witness_server import create_witness_app
from hub.store import Database

from .conftest import (
    ROOT,
    clean_env,
    free_port,
    opplus_server,
    run_opplus,
    served_in_thread,
    spawn_opplus,
)

pytestmark = pytest.mark.e2e

EXAMPLE = ROOT / "examples" / "3-criminele-uitbuiting-medemblik.json"


def _public(key: Ed25519PrivateKey) -> str:
    raw = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return base64.b64encode(raw).decode()


@pytest.fixture
def hub_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def _serve(directory: Path, *public_keys: str) -> AbstractContextManager[str]:
    keys = [arg for k in public_keys for arg in ("--public-key", k)]
    return opplus_server(
        "audit",
        "witness",
        "serve",
        "--dir",
        str(directory),
        *keys,
        probe="/v1/checkpoints/processing",
        ready=404,
    )


@pytest.fixture
def witness_url(tmp_path: Path, hub_key: Ed25519PrivateKey) -> Iterator[str]:
    """The witness server in a thread; `opplus audit witness serve` itself is started
    in test_verify_with_the_http_witness_alone."""
    directory = tmp_path / "witness-server"
    directory.mkdir()
    with served_in_thread(create_witness_app(directory, [_public(hub_key)])) as url:
        yield url


def test_witness_server_keeps_signed_checkpoints_and_refuses_the_rest(
    witness_url: str, hub_key: Ed25519PrivateKey
) -> None:
    small = Checkpoint.sign(hub_key, "processing", 3, b"a" * 32, "2026-12-01T10:00:00Z")
    large = Checkpoint.sign(hub_key, "processing", 7, b"b" * 32, "2026-12-01T11:00:00Z")
    for cp in (large, small):
        assert httpx.post(f"{witness_url}/v1/checkpoints", json=cp.to_json()).status_code == 201
    newest = httpx.get(f"{witness_url}/v1/checkpoints/processing")
    assert newest.status_code == 200 and Checkpoint.from_json(newest.json()) == large
    stranger = Checkpoint.sign(Ed25519PrivateKey.generate(), "processing", 10**9, b"c" * 32, "t")
    refused = httpx.post(f"{witness_url}/v1/checkpoints", json=stranger.to_json())
    assert refused.status_code == 403 and "handtekening" in refused.json()["detail"]
    assert httpx.post(f"{witness_url}/v1/checkpoints", content=b"{").status_code == 400
    assert httpx.post(f"{witness_url}/v1/checkpoints", content=b"x" * 10_000).status_code == 413
    assert httpx.get(f"{witness_url}/v1/checkpoints/access").status_code == 404


def test_http_witness_catches_a_cut_log(
    tmp_path: Path, witness_url: str, hub_key: Ed25519PrivateKey
) -> None:
    with Database(f"sqlite:///{tmp_path}/hub.sqlite3") as db:
        trail = AuditTrail(
            db,
            signing_key=hub_key,
            pseudonymiser=Pseudonymiser(os.urandom(32)),
            witnesses=[HttpWitness(witness_url)],
        )
        trail.processing.append_many([{"kind": "processing", "n": i} for i in range(9)])
        trail.checkpoint()
        assert trail.verify()
        db.execute("DELETE FROM audit_entries WHERE log = 'processing' AND idx >= 4")
        db.execute("DELETE FROM audit_checkpoints")
        tree = CompactRange()
        for (leaf,) in db.query(
            "SELECT leaf_hash FROM audit_entries WHERE log = 'processing' ORDER BY idx"
        ):
            tree.append(bytes(leaf))
        db.execute(
            "UPDATE audit_logs SET size = ?, frontier = ? WHERE name = 'processing'",
            (tree.size, tree.frontier),
        )
        with pytest.raises(TamperDetected) as caught:
            trail.verify()
        first = caught.value.first
        assert first is not None and first.log == "processing"
        assert "9 entries signed, the database log has only 4" in first.detail


def test_unreachable_http_witness_is_a_witness_error() -> None:
    witness = HttpWitness(f"http://127.0.0.1:{free_port()}", timeout_s=1)
    with pytest.raises(WitnessError, match="mislukt"):
        witness.witnessed(["processing"])


# -- the command line ---------------------------------------------------------------


def _config(tmp_path: Path, audit: str) -> Path:
    path = tmp_path / "witness.toml"
    path.write_text((ROOT / "config" / "default.toml").read_text() + f"\n[audit]\n{audit}\n")
    return path


def _cut_processing_and_drop_checkpoints(home: Path, keep: int) -> int:
    db = sqlite3.connect(home / "opplus.sqlite3")
    size = db.execute("SELECT size FROM audit_logs WHERE name = 'processing'").fetchone()[0]
    db.execute("DELETE FROM audit_entries WHERE log = 'processing' AND idx >= ?", (keep,))
    db.execute("DELETE FROM audit_checkpoints")
    tree = CompactRange()
    for (leaf,) in db.execute(
        "SELECT leaf_hash FROM audit_entries WHERE log = 'processing' ORDER BY idx"
    ):
        tree.append(bytes(leaf))
    db.execute("DELETE FROM audit_nodes WHERE log = 'processing'")
    db.execute(
        "UPDATE audit_logs SET size = ?, frontier = ? WHERE name = 'processing'",
        (tree.size, tree.frontier),
    )
    db.commit()
    db.close()
    return int(size)


def test_verify_fails_on_a_log_cut_below_the_witnessed_size(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = clean_env(OPPLUS_HOME=str(home))
    assert run_opplus("enrich", str(EXAMPLE), env=env).code == 0
    assert run_opplus("audit", "checkpoint", env=env).code == 0
    witnessed = (home / "witness" / "checkpoints.jsonl").read_text().splitlines()
    assert {json.loads(line)["log"] for line in witnessed} == {
        "processing",
        "access",
        "brp_protocol",
        "store",
    }
    size = _cut_processing_and_drop_checkpoints(home, 2)
    bad = run_opplus("audit", "verify", env=env)
    assert bad.code == 1, bad.out + bad.err
    assert "log processing" in bad.out
    assert f"(size {size}): {size} entries signed, the database log has only 2" in bad.out
    assert "entry 2 of log processing" in bad.err and "Traceback" not in bad.err
    assert "the database log has only 2" in bad.err


def test_verify_with_the_http_witness_alone(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = clean_env(OPPLUS_HOME=str(home))
    assert run_opplus("enrich", str(EXAMPLE), env=env).code == 0
    public_key = run_opplus("audit", "public-key", env=env).out.strip()
    directory = tmp_path / "witness-server"
    directory.mkdir()
    with _serve(directory, public_key) as url:
        config = _config(tmp_path, f'witness_url = "{url}"')
        assert run_opplus("--config", str(config), "audit", "checkpoint", env=env).code == 0
        assert httpx.get(f"{url}/v1/checkpoints/access").status_code == 200
        (home / "witness" / "checkpoints.jsonl").unlink()  # the local copy is gone too
        _cut_processing_and_drop_checkpoints(home, 1)
        bad = run_opplus("--config", str(config), "audit", "verify", env=env)
        assert bad.code == 1 and "the database log has only 1" in bad.out


def test_unusable_witness_is_refused_with_exit_2(tmp_path: Path) -> None:
    env = clean_env(OPPLUS_HOME=str(tmp_path / "home"))
    missing = _config(tmp_path, f'witness_dir = "{tmp_path / "no-such-dir"}"')
    result = run_opplus("--config", str(missing), "audit", "verify", env=env)
    assert result.code == 2 and "Traceback" not in result.err
    assert "getuige" in result.err and "map bestaat niet" in result.err
    assert not (tmp_path / "home").exists()  # nothing written: no database, no keys
    port = str(free_port())
    serve = spawn_opplus("--config", str(missing), "serve", "--port", port, env=env, timeout=60)
    assert serve.code == 2 and "map bestaat niet" in serve.err and "Traceback" not in serve.err
    away = _config(tmp_path, f'witness_url = "http://127.0.0.1:{free_port()}"')
    result = run_opplus("--config", str(away), "audit", "checkpoint", env=env)
    assert result.code == 2 and "niet bij de getuige afgegeven" in result.err
    assert "Traceback" not in result.err
