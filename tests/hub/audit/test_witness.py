"""Witnesses (checkpoints kept outside the database) and the keyed tree head: a log
cut back, emptied or rolled back no longer verifies, and the finding names the log,
the witnessed size and the size the database still has."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hub.audit import (
    AuditSettings,
    AuditTrail,
    CheckpointError,
    FileWitness,
    Pseudonymiser,
    TamperDetected,
    WitnessError,
)
from hub.audit.checkpoint import Checkpoint
from hub.audit.merkle import CompactRange
from hub.audit.records import ACCESS_LOG, PROCESSING_LOG, STORE_LOG
from hub.audit.witness import WITNESS_FILE, newest_per_log, witnesses_for
from hub.store import Database


@pytest.fixture
def witness(tmp_path: Path) -> FileWitness:
    return FileWitness(tmp_path / "witness", create=True)


@pytest.fixture
def witnessed_trail(
    db: Database, signing_key: Ed25519PrivateKey, witness: FileWitness
) -> AuditTrail:
    trail = AuditTrail(
        db,
        signing_key=signing_key,
        pseudonymiser=Pseudonymiser(os.urandom(32)),
        witnesses=[witness],
    )
    for name, log in trail.logs.items():
        if name != STORE_LOG:  # the store log holds only the stores' own entries
            log.append_many([{"kind": name, "n": i} for i in range(12)])
    trail.checkpoint()
    return trail


def _recompute_head(db: Database, log: str) -> None:
    """Write the head of the tree the stored leaves make (no key needed for that)."""
    tree = CompactRange()
    rows = db.query("SELECT leaf_hash FROM audit_entries WHERE log = ? ORDER BY idx", (log,))
    for (leaf,) in rows:
        tree.append(bytes(leaf))
    db.execute(
        "UPDATE audit_logs SET size = ?, frontier = ? WHERE name = ?",
        (tree.size, tree.frontier, log),
    )


def _cut(db: Database, log: str, keep: int) -> None:
    """What a DB-only attacker does: cut the tail, drop the checkpoints that would
    betray it, and write the head of the shorter tree."""
    db.execute("DELETE FROM audit_entries WHERE log = ? AND idx >= ?", (log, keep))
    db.execute("DELETE FROM audit_checkpoints WHERE log = ?", (log,))
    _recompute_head(db, log)


def test_checkpoints_go_to_the_witness_one_json_line_each(
    witnessed_trail: AuditTrail, witness: FileWitness
) -> None:
    lines = witness.path.read_text().splitlines()
    assert len(lines) == len(witnessed_trail.logs)
    assert {json.loads(line)["log"] for line in lines} == set(witnessed_trail.logs)
    witnessed_trail.checkpoint()
    # appended, nothing rewritten
    assert len(witness.path.read_text().splitlines()) == 2 * len(witnessed_trail.logs)
    assert witness.path.stat().st_mode & 0o777 == 0o600
    assert witnessed_trail.verify()


def test_newest_is_the_largest_checkpoint_of_each_log(witnessed_trail: AuditTrail) -> None:
    witnessed_trail.processing.append({"kind": "processing"})
    witnessed_trail.checkpoint()
    newest = newest_per_log(witnessed_trail.witnessed()[PROCESSING_LOG])
    assert newest[PROCESSING_LOG].size == 13


def test_cut_log_with_dropped_checkpoints_fails_naming_both_sizes(
    db: Database, witnessed_trail: AuditTrail
) -> None:
    _cut(db, PROCESSING_LOG, 5)
    with pytest.raises(TamperDetected) as caught:
        witnessed_trail.verify()
    first = caught.value.first
    assert first is not None and first.log == PROCESSING_LOG
    assert first.problem == "truncated" and first.index == 5
    assert "witnessed checkpoint" in first.detail
    assert "12 entries signed, the database log has only 5" in first.detail


def test_witness_alone_catches_a_log_that_was_emptied(
    db: Database, witnessed_trail: AuditTrail
) -> None:
    db.execute("DELETE FROM audit_entries WHERE log = ?", (ACCESS_LOG,))
    db.execute("DELETE FROM audit_checkpoints WHERE log = ?", (ACCESS_LOG,))
    db.execute(
        "UPDATE audit_logs SET size = 0, frontier = ?, head_mac = NULL WHERE name = ?",
        (b"", ACCESS_LOG),
    )
    with pytest.raises(TamperDetected) as caught:
        witnessed_trail.verify()
    problems = {f.problem for r in caught.value.reports for f in r.findings}
    assert problems == {"truncated", "checkpoint_dropped"}


def test_a_diverging_rewrite_of_the_witnessed_range_fails(
    db: Database, witnessed_trail: AuditTrail
) -> None:
    """Rebuilt by someone with the keys (so MACs and head hold), the stored
    checkpoints replaced: only the witness still knows the old root."""
    log = witnessed_trail.processing
    db.execute("DELETE FROM audit_entries WHERE log = ?", (log.name,))
    db.execute("DELETE FROM audit_checkpoints WHERE log = ?", (log.name,))
    db.execute(
        "UPDATE audit_logs SET size = 0, frontier = ?, head_mac = NULL WHERE name = ?",
        (b"", log.name),
    )
    log.append_many([{"kind": "processing", "n": i, "forged": True} for i in range(12)])
    with pytest.raises(TamperDetected) as caught:
        witnessed_trail.verify()
    assert {f.problem for f in caught.value.reports[0].findings} >= {"checkpoint_root"}


def test_a_dropped_checkpoint_row_is_noticed(db: Database, witnessed_trail: AuditTrail) -> None:
    db.execute("DELETE FROM audit_checkpoints WHERE log = ?", (ACCESS_LOG,))
    with pytest.raises(TamperDetected) as caught:
        witnessed_trail.verify()
    first = caught.value.first
    assert first is not None and first.problem == "checkpoint_dropped"
    assert "missing or changed in the database" in first.detail


def test_a_witnessed_checkpoint_must_carry_a_valid_signature(
    witnessed_trail: AuditTrail, witness: FileWitness
) -> None:
    newest = newest_per_log(witnessed_trail.witnessed()[PROCESSING_LOG])[PROCESSING_LOG]
    forged = Checkpoint(
        newest.log, newest.size + 5, newest.root_hash, newest.timestamp, newest.key_id, b"x" * 64
    )
    witness.publish([forged])
    with pytest.raises(TamperDetected) as caught:
        witnessed_trail.verify()
    assert "checkpoint_signature" in {f.problem for f in caught.value.reports[0].findings}


def test_another_hubs_lines_in_a_shared_witness_are_left_out(
    witnessed_trail: AuditTrail, witness: FileWitness
) -> None:
    other = Checkpoint.sign(Ed25519PrivateKey.generate(), PROCESSING_LOG, 999, b"r" * 32, "t")
    witness.publish([other])
    assert witnessed_trail.verify()


def test_head_mac_catches_a_cut_tail_that_no_checkpoint_covers(
    db: Database, witnessed_trail: AuditTrail
) -> None:
    access = witnessed_trail.access
    access.append_many([{"kind": "access", "n": i} for i in range(12, 16)])
    db.execute("DELETE FROM audit_entries WHERE log = ? AND idx >= 13", (ACCESS_LOG,))
    _recompute_head(db, ACCESS_LOG)
    with pytest.raises(TamperDetected) as caught:
        witnessed_trail.verify()
    assert caught.value.first is not None and caught.value.first.problem == "head_altered"
    # the hub neither signs nor launders the forged head by appending to it
    with pytest.raises(CheckpointError):
        access.checkpoint()
    access.append({"kind": "access", "n": 99})
    with pytest.raises(TamperDetected):
        witnessed_trail.verify()


def test_configured_witness_directory_must_exist(tmp_path: Path) -> None:
    with pytest.raises(WitnessError, match="map bestaat niet"):
        witnesses_for(AuditSettings(witness_dir=tmp_path / "typo"), tmp_path)
    made = witnesses_for(AuditSettings(witness_url="http://127.0.0.1:9"), tmp_path)
    assert (tmp_path / "witness").is_dir() and len(made) == 2


def test_a_witness_path_that_is_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    with pytest.raises(WitnessError):
        FileWitness(tmp_path / "file")


def test_unreadable_witness_line_is_a_clear_error(witness: FileWitness) -> None:
    witness.path.write_text("not json\n")
    with pytest.raises(WitnessError, match=f"regel 1 van {WITNESS_FILE}"):
        witness.witnessed([PROCESSING_LOG])


def test_keys_are_nowhere_in_the_database(
    witnessed_trail: AuditTrail, signing_key: Ed25519PrivateKey, tmp_path: Path
) -> None:
    """A DB-only insider cannot recompute MACs: neither key is stored or derivable there."""
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

    db = witnessed_trail.db
    if db.dialect.name != "sqlite":
        pytest.skip("looks at the database file")
    seed = signing_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    mac_key = witnessed_trail.processing.mac_key
    assert mac_key is not None
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("test.sqlite3*"))  # with the WAL
    assert seed not in raw and mac_key not in raw
    assert seed.hex().encode() not in raw and mac_key.hex().encode() not in raw


def test_heads_written_before_the_upgrade_are_adopted_once(
    tmp_path: Path, signing_key: Ed25519PrivateKey
) -> None:
    """A database from before head MACs: the process that migrates MACs the heads as
    they are; later a missing head MAC is a finding again."""
    from hub.store.migrations import HEAD_MAC_MIGRATION, migration_version

    url = f"sqlite:///{tmp_path}/old.sqlite3"
    pseudonymiser = Pseudonymiser(os.urandom(32))
    with Database(url) as db:
        trail = AuditTrail(db, signing_key=signing_key, pseudonymiser=pseudonymiser)
        trail.processing.append_many([{"kind": "processing", "n": i} for i in range(5)])
        # back to the schema before the migration
        db.execute("ALTER TABLE audit_logs DROP COLUMN head_mac")
        db.execute(
            "DELETE FROM schema_migrations WHERE version = ?",
            (migration_version(HEAD_MAC_MIGRATION),),
        )
    with Database(url) as db:
        trail = AuditTrail(db, signing_key=signing_key, pseudonymiser=pseudonymiser)
        assert trail.verify()
        db.execute("UPDATE audit_logs SET head_mac = NULL")
    with Database(url) as db:
        trail = AuditTrail(db, signing_key=signing_key, pseudonymiser=pseudonymiser)
        with pytest.raises(TamperDetected):
            trail.verify()


def test_logs_signed_before_a_refusal_still_reach_the_witness(
    db: Database, witnessed_trail: AuditTrail, witness: FileWitness
) -> None:
    before = len(witness.path.read_text().splitlines())
    db.execute("UPDATE audit_logs SET head_mac = NULL WHERE name = ?", (ACCESS_LOG,))
    with pytest.raises(CheckpointError, match="changed outside the hub"):
        witnessed_trail.checkpoint()
    signed = [json.loads(line)["log"] for line in witness.path.read_text().splitlines()]
    assert signed[before:] == [PROCESSING_LOG]  # signed before the access log refused


def test_a_checkpoint_signed_for_a_proof_is_witnessed_too(
    witnessed_trail: AuditTrail, witness: FileWitness
) -> None:
    witnessed_trail.access.append({"kind": "access", "n": 12})
    proof = witnessed_trail.prove(ACCESS_LOG, 12)
    assert proof.tree_size == 13
    newest = newest_per_log(witnessed_trail.witnessed()[ACCESS_LOG])[ACCESS_LOG]
    assert newest == proof.checkpoint
