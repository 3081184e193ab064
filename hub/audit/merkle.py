"""Merkle tree hashes and proofs in the style of RFC 9162 (Certificate Transparency 2.0).

Pure functions over SHA-256, standard library only, so a third party can check a
proof with this one file. The definitions (RFC 9162, section 2.1):

* leaf hash ``SHA-256(0x00 || leaf)``, node hash ``SHA-256(0x01 || left || right)``;
* the tree head MTH of n leaves splits at k, the largest power of two below n;
* an inclusion proof is the audit path of RFC 9162 2.1.3, a consistency proof the
  proof of 2.1.4; :func:`verify_inclusion` and :func:`verify_consistency` are the
  verification algorithms of 2.1.3.2 and 2.1.4.2.

Proof *generation* does not need the leaves in memory: it takes a :data:`Subtree`
function that returns the hash of a perfect, aligned subtree (level ``l``, index
``i`` covers leaves ``[i * 2**l, (i + 1) * 2**l)``). Every range a proof needs is
aligned, so any range hash is a fold of such subtrees. :class:`CompactRange` builds
the tree incrementally with a stack of at most log2(n) subtree roots: one pass over
the leaf hashes gives the head at every size.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence

__all__ = [
    "EMPTY_ROOT",
    "CompactRange",
    "Subtree",
    "consistency_proof",
    "inclusion_proof",
    "leaf_hash",
    "leaves_subtree",
    "node_hash",
    "range_hash",
    "root_hash",
    "verify_consistency",
    "verify_inclusion",
]

_sha256 = hashlib.sha256

EMPTY_ROOT = _sha256(b"").digest()
"""The head of the empty tree: SHA-256 of the empty string."""

Subtree = Callable[[int, int], bytes]
"""``(level, index) -> hash`` of the perfect subtree over leaves
``[index << level, (index + 1) << level)``."""

NodeSink = Callable[[int, int, bytes], None]


def leaf_hash(data: bytes) -> bytes:
    """The hash of a leaf: ``SHA-256(0x00 || data)``."""
    return _sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """The hash of an interior node: ``SHA-256(0x01 || left || right)``."""
    return _sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def range_hash(start: int, end: int, subtree: Subtree) -> bytes:
    """MTH of leaves ``[start, end)``; ``start`` must be aligned as in a proof's ranges.

    Aligned means ``start`` is a multiple of the smallest power of two >= the range
    length, as every range of an RFC 9162 proof is. The range is then the perfect
    subtrees of its binary decomposition, largest first, folded from the right.
    """
    n = end - start
    if n <= 0:
        if n == 0:
            return EMPTY_ROOT
        raise ValueError("empty or reversed range")
    if start & ((1 << (n - 1).bit_length()) - 1):
        raise ValueError(f"range [{start}, {end}) is not aligned")
    parts: list[bytes] = []
    pos = start
    for level in range(n.bit_length() - 1, -1, -1):
        if n >> level & 1:
            parts.append(subtree(level, pos >> level))
            pos += 1 << level
    result = parts.pop()
    while parts:
        result = node_hash(parts.pop(), result)
    return result


def inclusion_proof(index: int, size: int, subtree: Subtree) -> list[bytes]:
    """The audit path of leaf ``index`` in the tree of ``size`` leaves, bottom-up."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of {size}")
    path: list[bytes] = []
    start, end = 0, size
    while end - start > 1:
        k = _split(end - start)
        if index < start + k:
            path.append(range_hash(start + k, end, subtree))
            end = start + k
        else:
            path.append(range_hash(start, start + k, subtree))
            start += k
    path.reverse()
    return path


def consistency_proof(old_size: int, new_size: int, subtree: Subtree) -> list[bytes]:
    """The proof that the tree of ``old_size`` leaves is a prefix of ``new_size``.

    Empty when ``old_size`` is 0 or equal to ``new_size`` (nothing to prove).
    """
    if not 0 <= old_size <= new_size:
        raise ValueError(f"no consistency proof from {old_size} to {new_size}")
    if old_size in (0, new_size):
        return []
    proof: list[bytes] = []
    start, end, m, whole = 0, new_size, old_size, True
    while m != end - start:
        k = _split(end - start)
        if m <= k:
            proof.append(range_hash(start + k, end, subtree))
            end = start + k
        else:
            proof.append(range_hash(start, start + k, subtree))
            start += k
            m -= k
            whole = False
    if not whole:
        proof.append(range_hash(start, end, subtree))
    proof.reverse()
    return proof


def verify_inclusion(
    leaf_hash: bytes, index: int, size: int, path: Sequence[bytes], root: bytes
) -> bool:
    """True when ``path`` proves leaf ``index`` with ``leaf_hash`` is in the tree ``root``.

    The algorithm of RFC 9162, section 2.1.3.2. Standalone: needs nothing but hashlib.
    """
    if not 0 <= index < size:
        return False
    fn, sn = index, size - 1
    r = leaf_hash
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """True when ``proof`` shows tree ``old_root`` (``old_size``) is a prefix of ``new_root``.

    The algorithm of RFC 9162, section 2.1.4.2; sizes 0 and equal sizes need an empty
    proof (and, for equal sizes, equal roots).
    """
    if not 0 <= old_size <= new_size:
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    if old_size == 0:
        return not proof
    if not proof:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:  # a power of two: the old head is itself a node
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == old_root and sr == new_root and sn == 0


class CompactRange:
    """The tree of leaves ``[0, size)`` as the roots of its perfect subtrees.

    Holds one hash per set bit of ``size`` (largest subtree first): appending a leaf
    merges equal-sized subtrees, so a pass over n leaves costs about n node hashes
    and the head is available at every size.
    """

    __slots__ = ("_hashes", "size")

    def __init__(self, size: int = 0, hashes: Sequence[bytes] = ()) -> None:
        if size < 0 or len(hashes) != size.bit_count():
            raise ValueError(f"a compact range of {size} leaves has {size.bit_count()} hashes")
        self.size = size
        self._hashes = list(hashes)

    @classmethod
    def from_frontier(cls, size: int, frontier: bytes) -> CompactRange:
        """Rebuild from :attr:`frontier` bytes."""
        hashes = [frontier[i : i + 32] for i in range(0, len(frontier), 32)]
        return cls(size, hashes)

    @property
    def frontier(self) -> bytes:
        """The subtree roots, concatenated: all it takes to continue the tree."""
        return b"".join(self._hashes)

    def append(self, leaf: bytes, on_node: NodeSink | None = None) -> None:
        """Add one leaf hash; ``on_node(level, index, hash)`` sees each completed node
        (the leaf itself at level 0, then every merge)."""
        index = self.size
        hashes = self._hashes
        h = leaf
        level = 0
        if on_node is not None:
            on_node(0, index, h)
        while index >> level & 1:
            h = node_hash(hashes.pop(), h)
            level += 1
            if on_node is not None:
                on_node(level, index >> level, h)
        hashes.append(h)
        self.size = index + 1

    def root(self) -> bytes:
        """The tree head (MTH) of the leaves so far."""
        if not self._hashes:
            return EMPTY_ROOT
        result = self._hashes[-1]
        for h in reversed(self._hashes[:-1]):
            result = node_hash(h, result)
        return result


def root_hash(leaf_hashes: Iterable[bytes]) -> bytes:
    """The tree head of these leaf hashes."""
    tree = CompactRange()
    for h in leaf_hashes:
        tree.append(h)
    return tree.root()


def leaves_subtree(leaf_hashes: Sequence[bytes]) -> Subtree:
    """A :data:`Subtree` over leaf hashes held in memory (memoised)."""
    cache: dict[tuple[int, int], bytes] = {}

    def subtree(level: int, index: int) -> bytes:
        if level == 0:
            return leaf_hashes[index]
        key = (level, index)
        found = cache.get(key)
        if found is None:
            found = node_hash(subtree(level - 1, 2 * index), subtree(level - 1, 2 * index + 1))
            cache[key] = found
        return found

    return subtree
