"""The Merkle log on both backends: append, checkpoints, proofs, and tamper detection."""

from __future__ import annotations

import json
import threading

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hub.audit import (
    Checkpoint,
    CheckpointError,
    InclusionProof,
    MerkleLog,
    TamperDetected,
    VerifyReport,
    canonical_json,
    load_public_key,
    verify_checkpoint,
    verify_inclusion,
)
from hub.audit.log import COLUMNS, entry_mac
from hub.audit.merkle import CompactRange, leaf_hash
from hub.audit.verify import verify_log
from hub.store import Database
from hub.store.keys import Keys

MAC_KEY = b"m" * 32


def payload(i: int) -> dict[str, object]:
    return {"kind": "access", "action": "view_dossier", "user_id": f"u{i % 3}", "n": i}


def make_log(
    db: Database, key: Ed25519PrivateKey, n: int = 0, *, mac: bool = True, name: str = "test"
) -> MerkleLog:
    log = MerkleLog(db, name, signing_key=key, mac_key=MAC_KEY if mac else None)
    if n:
        log.append_many([payload(i) for i in range(n)])
    return log


def public_text(key: Ed25519PrivateKey) -> str:
    return Keys(b"e" * 32, key, b"p" * 32).public_key_text()


def bad(log: MerkleLog, **kwargs: object) -> VerifyReport:
    """Verify, expecting a failure; return the report."""
    with pytest.raises(TamperDetected) as caught:
        log.verify(**kwargs)  # type: ignore[arg-type]
    [report] = caught.value.reports
    assert caught.value.first == report.first
    return report


def rewrite_head(db: Database, log: MerkleLog) -> None:
    """What a careful attacker does after editing entries: recompute the stored head."""
    rows = db.query("SELECT leaf_hash FROM audit_entries WHERE log = ? ORDER BY idx", (log.name,))
    tree = CompactRange()
    for (h,) in rows:
        tree.append(bytes(h))
    db.execute(
        "UPDATE audit_logs SET size = ?, frontier = ? WHERE name = ?",
        (tree.size, tree.frontier, log.name),
    )


def shift(db: Database, log: MerkleLog, start: int, delta: int) -> None:
    """Renumber entries from ``start`` on by ``delta`` (two steps: the key is unique)."""
    db.execute(
        "UPDATE audit_entries SET idx = -idx - 1 WHERE log = ? AND idx >= ?", (log.name, start)
    )
    db.execute(
        "UPDATE audit_entries SET idx = -idx - 1 + ? WHERE log = ? AND idx < 0", (delta, log.name)
    )


# -- writing and reading ---------------------------------------------------------------


def test_append_entry_and_head(db: Database, signing_key: Ed25519PrivateKey) -> None:
    log = make_log(db, signing_key)
    first = log.append(payload(0))
    rest = log.append_many([payload(i) for i in range(1, 5)])
    assert [e.index for e in [first, *rest]] == [0, 1, 2, 3, 4]
    entry = log.entry(2)
    assert entry.intact and entry.payload is not None and entry.payload["n"] == 2
    assert "logged_at" in entry.payload
    assert entry.leaf_hash == leaf_hash(canonical_json(entry.payload))
    size, root = log.head()
    assert size == 5
    cp = log.checkpoint()
    assert (cp.size, cp.root_hash) == (size, root)
    with pytest.raises(ValueError):
        log.append({"no": "kind"})


def test_checkpoints_are_signed_and_third_party_checkable(
    db: Database, signing_key: Ed25519PrivateKey
) -> None:
    log = make_log(db, signing_key, 3)
    cp = log.checkpoint()
    public = public_text(signing_key)
    as_json = json.loads(json.dumps(cp.to_json()))
    assert verify_checkpoint(as_json, public)
    assert Checkpoint.from_json(as_json) == cp
    forged = dict(as_json, size=2)
    assert not verify_checkpoint(forged, public)
    other = public_text(Ed25519PrivateKey.generate())
    assert not verify_checkpoint(as_json, other)
    with pytest.raises(CheckpointError):
        MerkleLog(db, "test").checkpoint()


@pytest.mark.parametrize("size", [1, 2, 7, 256, 257, 600])
def test_inclusion_proofs_from_the_database(
    db: Database, signing_key: Ed25519PrivateKey, size: int
) -> None:
    log = make_log(db, signing_key, size)
    cp = log.checkpoint()
    for index in sorted({0, 1, size // 2, 255, 256, 511, 512, size - 1}):
        if index >= size:
            continue
        proof = log.prove(index)
        assert proof.checkpoint == cp
        assert proof.check(signing_key.public_key())
        data = json.loads(json.dumps(proof.to_json()))  # what a third party receives
        assert verify_inclusion(
            bytes.fromhex(data["leaf_hash"]),
            data["index"],
            data["tree_size"],
            [bytes.fromhex(p) for p in data["path"]],
            bytes.fromhex(data["root_hash"]),
        )
        assert leaf_hash(data["leaf"].encode()) == bytes.fromhex(data["leaf_hash"])
        again = InclusionProof.from_json(data)
        assert again == proof and again.check(load_public_key(public_text(signing_key)))
        if size > 1:
            moved = InclusionProof.from_json(dict(data, index=(index + 1) % size))
            assert not moved.check(signing_key.public_key())
        forged_leaf = dict(data, leaf=data["leaf"].replace("view_dossier", "export"))
        assert not InclusionProof.from_json(forged_leaf).check(signing_key.public_key())


def test_prove_makes_a_checkpoint_when_none_covers(
    db: Database, signing_key: Ed25519PrivateKey
) -> None:
    log = make_log(db, signing_key, 3)
    log.checkpoint()
    log.append(payload(3))
    proof = log.prove(3)
    assert proof.tree_size == 4 and len(log.checkpoints()) == 2


def test_concurrent_appends_serialise(db: Database, signing_key: Ed25519PrivateKey) -> None:
    log = make_log(db, signing_key)

    def work() -> None:
        for i in range(25):
            log.append_many([payload(i), payload(i + 1)])

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    log.checkpoint()
    assert log.verify().size == 200


def test_clean_log_verifies_with_many_checkpoints(
    db: Database, signing_key: Ed25519PrivateKey
) -> None:
    log = make_log(db, signing_key)
    external = []
    for n in (1, 5, 3, 250, 20, 300):
        log.append_many([payload(i) for i in range(n)])
        external.append(log.checkpoint())
    report = log.verify(external_checkpoints=external)
    assert report.ok and report.size == 579 and report.checkpoints == 12
    assert report.root_hash == log.head()[1]
    assert "consistent" in report.summary()


# -- tampering: every change is detected and the first bad entry named -----------------


N = 40
K = 17  # the entry the attacker goes after


@pytest.fixture
def sealed(db: Database, signing_key: Ed25519PrivateKey) -> MerkleLog:
    """A log of N entries with checkpoints at 10 and N."""
    log = make_log(db, signing_key, 10)
    log.checkpoint()
    log.append_many([payload(i) for i in range(10, N)])
    log.checkpoint()
    return log


def test_altered_payload(db: Database, sealed: MerkleLog) -> None:
    db.execute(
        "UPDATE audit_entries SET payload = REPLACE(payload, 'view_dossier', 'export')"
        " WHERE log = ? AND idx = ?",
        (sealed.name, K),
    )
    report = bad(sealed)
    assert report.first_bad_index == K and report.first is not None
    assert report.first.problem == "payload_altered"
    assert not sealed.entry(K).intact


def test_altered_leaf_hash(db: Database, sealed: MerkleLog) -> None:
    db.execute(
        "UPDATE audit_entries SET leaf_hash = ? WHERE log = ? AND idx = ?",
        (b"\x00" * 32, sealed.name, K),
    )
    report = bad(sealed)
    assert report.first_bad_index == K
    assert {f.problem for f in report.findings} >= {"payload_altered", "entry_altered"}


def test_consistently_rewritten_entry(db: Database, sealed: MerkleLog) -> None:
    forged = canonical_json({**payload(K), "action": "nothing to see"}).decode()
    db.execute(
        "UPDATE audit_entries SET payload = ?, leaf_hash = ? WHERE log = ? AND idx = ?",
        (forged, leaf_hash(forged.encode()), sealed.name, K),
    )
    rewrite_head(db, sealed)
    report = bad(sealed)
    assert report.first_bad_index == K and report.first is not None
    assert report.first.problem == "entry_altered"
    assert any(f.problem == "checkpoint_root" for f in report.findings)


def test_consistent_rewrite_without_mac_key_is_caught_by_checkpoints(
    db: Database, sealed: MerkleLog, signing_key: Ed25519PrivateKey
) -> None:
    forged = canonical_json({**payload(K), "action": "nothing to see"}).decode()
    db.execute(
        "UPDATE audit_entries SET payload = ?, leaf_hash = ? WHERE log = ? AND idx = ?",
        (forged, leaf_hash(forged.encode()), sealed.name, K),
    )
    rewrite_head(db, sealed)
    third_party = MerkleLog(db, sealed.name, trusted_keys=[signing_key.public_key()])
    report = bad(third_party)
    # only the signed heads know better: entries after the last good checkpoint (10)
    assert report.first is not None and report.first.problem == "checkpoint_root"
    assert report.first_bad_index == 10


def test_deleted_entry(db: Database, sealed: MerkleLog) -> None:
    db.execute("DELETE FROM audit_entries WHERE log = ? AND idx = ?", (sealed.name, K))
    report = bad(sealed)
    assert report.first_bad_index == K and report.first is not None
    assert report.first.problem == "missing"


def test_deleted_entry_with_renumbering(db: Database, sealed: MerkleLog) -> None:
    db.execute("DELETE FROM audit_entries WHERE log = ? AND idx = ?", (sealed.name, K))
    shift(db, sealed, K + 1, -1)
    rewrite_head(db, sealed)
    report = bad(sealed)
    assert report.first_bad_index == K and report.first is not None
    assert report.first.problem == "entry_altered"


def test_inserted_entry(db: Database, sealed: MerkleLog) -> None:
    shift(db, sealed, K, +1)
    text = canonical_json(payload(999)).decode()
    leaf = leaf_hash(text.encode())
    db.execute(
        "INSERT INTO audit_entries (log, idx, leaf_hash, payload, kind, recorded_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (sealed.name, K, leaf, text, "access", "2026-01-01T00:00:00.000000Z"),
    )
    rewrite_head(db, sealed)
    report = bad(sealed)
    assert report.first_bad_index == K


def test_appended_forgery(db: Database, sealed: MerkleLog) -> None:
    text = canonical_json(payload(999)).decode()
    db.execute(
        "INSERT INTO audit_entries (log, idx, leaf_hash, payload, kind, recorded_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (sealed.name, N, leaf_hash(text.encode()), text, "access", "2026-01-01T00:00:00.000000Z"),
    )
    report = bad(sealed)
    assert report.first_bad_index == N
    assert {f.problem for f in report.findings} >= {"beyond_head", "entry_altered"}


def test_reordered_entries(db: Database, sealed: MerkleLog) -> None:
    a, b = K, K + 5
    db.execute("UPDATE audit_entries SET idx = -1 WHERE log = ? AND idx = ?", (sealed.name, a))
    db.execute("UPDATE audit_entries SET idx = ? WHERE log = ? AND idx = ?", (a, sealed.name, b))
    db.execute("UPDATE audit_entries SET idx = ? WHERE log = ? AND idx = -1", (b, sealed.name))
    rewrite_head(db, sealed)
    report = bad(sealed)
    assert report.first_bad_index == a and report.first is not None
    assert report.first.problem == "entry_altered"


@pytest.mark.parametrize("careful", [False, True])
def test_truncated_log(db: Database, sealed: MerkleLog, careful: bool) -> None:
    db.execute("DELETE FROM audit_entries WHERE log = ? AND idx >= ?", (sealed.name, 30))
    if careful:
        rewrite_head(db, sealed)
    report = bad(sealed)
    assert report.first_bad_index == 30 and report.first is not None
    assert report.first.problem == "truncated"


def test_forged_checkpoint_signature(db: Database, sealed: MerkleLog) -> None:
    db.execute(
        "UPDATE audit_checkpoints SET signature = ? WHERE log = ? AND size = 10",
        (b"\x01" * 64, sealed.name),
    )
    report = bad(sealed)
    assert report.first is not None and report.first.problem == "checkpoint_signature"
    assert report.first.checkpoint_size == 10


def test_checkpoint_from_an_unknown_key(
    db: Database, sealed: MerkleLog, signing_key: Ed25519PrivateKey
) -> None:
    size, root = sealed.head()
    forged = Checkpoint.sign(Ed25519PrivateKey.generate(), sealed.name, size, root, "2026")
    report = bad(sealed, external_checkpoints=[forged])
    assert report.first is not None and report.first.problem == "checkpoint_signature"


def test_external_checkpoint_catches_a_full_rewrite(
    db: Database, sealed: MerkleLog, signing_key: Ed25519PrivateKey
) -> None:
    kept_elsewhere = sealed.checkpoints()
    # the attacker rebuilds the log without entry K, with fresh stored checkpoints
    db.execute("DELETE FROM audit_entries WHERE log = ?", (sealed.name,))
    db.execute("DELETE FROM audit_nodes WHERE log = ?", (sealed.name,))
    db.execute("DELETE FROM audit_checkpoints WHERE log = ?", (sealed.name,))
    db.execute(
        "UPDATE audit_logs SET size = 0, frontier = ?, head_mac = NULL WHERE name = ?",
        (b"", sealed.name),
    )
    sealed.append_many([payload(i) for i in range(N) if i != K])
    sealed.checkpoint()
    assert sealed.verify().ok  # consistent with itself...
    report = bad(sealed, external_checkpoints=kept_elsewhere)  # ...but not with the copies
    assert {f.problem for f in report.findings} >= {"checkpoint_root"}


def test_altered_stored_subtree_hash(db: Database, signing_key: Ed25519PrivateKey) -> None:
    log = make_log(db, signing_key, 300)
    db.execute(
        "UPDATE audit_nodes SET hash = ? WHERE log = ? AND level = 8 AND idx = 0",
        (b"\x02" * 32, log.name),
    )
    report = bad(log)
    assert [f.problem for f in report.findings] == ["node_altered"]


def test_payload_deleted_outside_retention(db: Database, sealed: MerkleLog) -> None:
    db.execute(
        "UPDATE audit_entries SET payload = NULL WHERE log = ? AND idx = ?", (sealed.name, K)
    )
    report = bad(sealed)
    assert report.first_bad_index == K
    assert {f.problem for f in report.findings} == {"redaction_unreceipted"}


def test_mac_binds_position_and_columns() -> None:
    columns = ("access", "2026", None, None, None, "u1", None, None, None, None)
    assert len(columns) == len(COLUMNS)
    base = entry_mac(MAC_KEY, "test", 1, b"l" * 32, columns)
    assert base != entry_mac(MAC_KEY, "test", 2, b"l" * 32, columns)
    assert base != entry_mac(MAC_KEY, "other", 1, b"l" * 32, columns)
    assert base != entry_mac(MAC_KEY, "test", 1, b"l" * 32, ("access", "2026", *[None] * 8))


def test_verify_log_function_reports_without_raising(db: Database, sealed: MerkleLog) -> None:
    db.execute("DELETE FROM audit_entries WHERE log = ? AND idx = ?", (sealed.name, 3))
    report = verify_log(sealed)
    assert not report.ok and report.to_json()["first_bad_index"] == 3
    assert "first bad entry 3" in report.summary()


def test_empty_log_checkpoint_and_verify(db: Database, signing_key: Ed25519PrivateKey) -> None:
    log = make_log(db, signing_key)
    cp = log.checkpoint()
    assert cp.size == 0
    report = log.verify()
    assert report.ok and report.size == 0
    log.append(payload(0))
    assert log.verify().checkpoints == 1  # the empty head is a prefix of every log
