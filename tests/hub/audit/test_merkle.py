"""The Merkle functions against hand-computed trees and the RFC 9162 definitions."""

from __future__ import annotations

import hashlib

import pytest

from hub.audit.merkle import (
    EMPTY_ROOT,
    CompactRange,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    leaves_subtree,
    node_hash,
    range_hash,
    root_hash,
    verify_consistency,
    verify_inclusion,
)


def sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


# -- a direct transcription of the RFC 9162 recursive definitions (the reference) ----


def mth(leaves: list[bytes]) -> bytes:
    n = len(leaves)
    if n == 0:
        return sha(b"")
    if n == 1:
        return sha(b"\x00" + leaves[0])
    k = 1
    while k * 2 < n:
        k *= 2
    return sha(b"\x01" + mth(leaves[:k]) + mth(leaves[k:]))


def path(m: int, leaves: list[bytes]) -> list[bytes]:
    n = len(leaves)
    if n == 1:
        return []
    k = 1
    while k * 2 < n:
        k *= 2
    if m < k:
        return [*path(m, leaves[:k]), mth(leaves[k:])]
    return [*path(m - k, leaves[k:]), mth(leaves[:k])]


def subproof(m: int, leaves: list[bytes], whole: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if whole else [mth(leaves)]
    k = 1
    while k * 2 < n:
        k *= 2
    if m <= k:
        return [*subproof(m, leaves[:k], whole), mth(leaves[k:])]
    return [*subproof(m - k, leaves[k:], False), mth(leaves[:k])]


LEAVES = [f"entry {i}".encode() for i in range(64)]
HASHES = [leaf_hash(x) for x in LEAVES]
SUBTREE = leaves_subtree(HASHES)


# -- hashes by hand --------------------------------------------------------------------


def test_domain_separated_hashes() -> None:
    assert leaf_hash(b"a") == sha(b"\x00a")
    assert node_hash(b"L" * 32, b"R" * 32) == sha(b"\x01" + b"L" * 32 + b"R" * 32)
    assert EMPTY_ROOT == sha(b"")
    assert root_hash([]) == EMPTY_ROOT


def test_small_trees_by_hand() -> None:
    a, b, c, d, e = (sha(b"\x00" + x) for x in (b"a", b"b", b"c", b"d", b"e"))
    ab = sha(b"\x01" + a + b)
    cd = sha(b"\x01" + c + d)
    abcd = sha(b"\x01" + ab + cd)
    leaves = [leaf_hash(x) for x in (b"a", b"b", b"c", b"d", b"e")]
    assert root_hash(leaves[:1]) == a
    assert root_hash(leaves[:2]) == ab
    # three leaves: the split is at 2, so c hangs alone on the right
    assert root_hash(leaves[:3]) == sha(b"\x01" + ab + c)
    assert root_hash(leaves[:4]) == abcd
    assert root_hash(leaves) == sha(b"\x01" + abcd + e)
    # the audit path of c in the tree of five: d, ab, e
    assert inclusion_proof(2, 5, leaves_subtree(leaves)) == [d, ab, e]
    # consistency 3 -> 5: c, d, ab, e (RFC 9162 example shape)
    assert consistency_proof(3, 5, leaves_subtree(leaves)) == [c, d, ab, e]


def test_compact_range_matches_reference_at_every_size() -> None:
    tree = CompactRange()
    for n in range(1, 65):
        tree.append(HASHES[n - 1])
        assert tree.root() == mth(LEAVES[:n])
        again = CompactRange.from_frontier(tree.size, tree.frontier)
        assert again.root() == tree.root()


def test_compact_range_reports_every_node() -> None:
    seen: dict[tuple[int, int], bytes] = {}
    tree = CompactRange()
    for h in HASHES[:13]:
        tree.append(h, lambda level, index, value: seen.__setitem__((level, index), value))
    sub = leaves_subtree(HASHES)
    assert seen == {key: sub(*key) for key in seen}
    assert (3, 0) in seen and (2, 2) in seen and (0, 12) in seen and (3, 1) not in seen


def test_compact_range_rejects_a_bad_frontier() -> None:
    with pytest.raises(ValueError):
        CompactRange(3, [b"x" * 32])


def test_range_hash_requires_alignment() -> None:
    assert range_hash(4, 7, SUBTREE) == mth(LEAVES[4:7])
    assert range_hash(8, 8, SUBTREE) == EMPTY_ROOT
    with pytest.raises(ValueError):
        range_hash(2, 6, SUBTREE)


# -- proofs for all sizes 1..64 -----------------------------------------------------------


@pytest.mark.parametrize("size", range(1, 65))
def test_inclusion_proofs_all_leaves(size: int) -> None:
    root = mth(LEAVES[:size])
    for index in range(size):
        proof = inclusion_proof(index, size, SUBTREE)
        assert proof == path(index, LEAVES[:size])
        assert verify_inclusion(HASHES[index], index, size, proof, root)
        # a wrong leaf, index, size or root fails
        assert not verify_inclusion(HASHES[(index + 1) % 64], index, size, proof, root)
        assert not verify_inclusion(HASHES[index], index, size, proof, sha(b"other"))
        if size > 1:
            assert not verify_inclusion(HASHES[index], (index + 1) % size, size, proof, root)
            bent = [*proof[:-1], sha(b"bent")]
            assert not verify_inclusion(HASHES[index], index, size, bent, root)
            assert not verify_inclusion(HASHES[index], index, size, proof[:-1], root)
        assert not verify_inclusion(HASHES[index], index, size, [*proof, root], root)
    with pytest.raises(ValueError):
        inclusion_proof(size, size, SUBTREE)


@pytest.mark.parametrize("new", range(1, 65))
def test_consistency_proofs_all_pairs(new: int) -> None:
    new_root = mth(LEAVES[:new])
    for old in range(0, new + 1):
        old_root = mth(LEAVES[:old])
        proof = consistency_proof(old, new, SUBTREE)
        expected = [] if old in (0, new) else subproof(old, LEAVES[:new], True)
        assert proof == expected
        assert verify_consistency(old, new, old_root, new_root, proof)
        if 0 < old < new:
            assert not verify_consistency(old, new, sha(b"forged"), new_root, proof)
            assert not verify_consistency(old, new, old_root, sha(b"forged"), proof)
            assert not verify_consistency(old, new, old_root, new_root, proof[:-1])
            for i in range(len(proof)):
                bent = list(proof)
                bent[i] = sha(bent[i])
                assert not verify_consistency(old, new, old_root, new_root, bent)
            # a tree that differs in one old leaf is not consistent
            changed = [*LEAVES[:new]]
            changed[old - 1] = b"changed"
            assert not verify_consistency(old, new, old_root, mth(changed), proof)
    assert not verify_consistency(new, new, new_root, sha(b"x"), [])
    assert not verify_consistency(new, new - 1, new_root, new_root, [])
