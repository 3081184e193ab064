"""Key material: the encryption key, the log-signing key and the pseudonym key.

Each key comes from one place, named by the configuration:

* an environment variable (``*_key_env``) holding the key as base64, or
* a key file (``*_key_file``) holding the same base64 text.

A named source that is missing or unusable is a start-up error (:class:`KeyMissing`,
:class:`KeyInvalid`): the hub never falls back to plaintext or to a fresh key.

Only when nothing is named, ``generate_keys`` is on and the database is SQLite (the
embedded default), the keys live in ``<data_dir>/keys/`` and are generated there on
the first run: directory 0700, files 0600, and :attr:`Keys.generated` /
:meth:`Keys.notice` say so. A PostgreSQL (production) configuration must name keys.

All three keys are 32 random bytes; the signing key is an Ed25519 private seed.
Create one with ``python -c "import os,base64;print(base64.b64encode(os.urandom(32)).decode())"``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from .crypto import KEY_BYTES, Cipher
from .errors import KeyInvalid, KeyMissing

if TYPE_CHECKING:
    from hub.audit.settings import AuditSettings

    from .settings import StorageSettings

__all__ = ["KeySource", "Keys", "generate_key_text", "load_key", "load_keys", "public_key_id"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class KeySource:
    """Where one key comes from: ``env`` or ``file``; neither means "generate"."""

    name: str
    env: str | None = None
    file: Path | None = None


def generate_key_text() -> str:
    """A new key as the base64 text a key file or environment variable holds."""
    return base64.b64encode(os.urandom(KEY_BYTES)).decode("ascii")


def _decode(text: str, where: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise KeyInvalid(f"{where}: not base64 text") from None
    if len(key) != KEY_BYTES:
        raise KeyInvalid(f"{where}: a key is {KEY_BYTES} bytes, found {len(key)}")
    return key


def _read_file(path: Path, what: str) -> bytes:
    try:
        text = path.read_text(encoding="ascii")
    except FileNotFoundError:
        raise KeyMissing(f"{what}: key file {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise KeyInvalid(f"{what}: key file {path} cannot be read ({type(exc).__name__})") from None
    return _decode(text, f"{what} (key file {path})")


def _write_new(path: Path) -> bool:
    """Write a new key to ``path`` (0600) unless one is there; True when written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    try:
        os.write(fd, (generate_key_text() + "\n").encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(tmp, path)  # atomic: a concurrent first run keeps the key it finds
        return True
    except FileExistsError:
        return False
    finally:
        tmp.unlink()


def load_key(
    source: KeySource, *, keys_dir: Path | None, generate: bool
) -> tuple[bytes, Path | None]:
    """The key ``source`` names; returns ``(key, path)`` with ``path`` set when generated.

    ``keys_dir``/``generate``: where and whether an unnamed key may be generated.
    """
    what = f"{source.name} key"
    if source.env:
        text = os.environ.get(source.env)
        if not text:
            raise KeyMissing(f"{what}: environment variable {source.env} is not set")
        return _decode(text, f"{what} (environment variable {source.env})"), None
    if source.file:
        return _read_file(source.file.expanduser(), what), None
    if not generate or keys_dir is None:
        raise KeyMissing(
            f"{what}: the configuration names no key (set {source.name}_key_env or "
            f"{source.name}_key_file); keys are only generated for the embedded SQLite default"
        )
    path = keys_dir / f"{source.name}.key"
    written = False if path.exists() else _write_new(path)
    return _read_file(path, what), path if written else None


def public_key_id(public_key: Ed25519PublicKey) -> str:
    """The id a checkpoint names its signing key by."""
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


@dataclass(frozen=True, repr=False)
class Keys:
    """The hub's keys, loaded once at start-up. ``repr`` shows ids, never keys."""

    encryption: bytes
    signing: Ed25519PrivateKey
    pseudonym: bytes
    generated: tuple[Path, ...] = field(default=())

    @classmethod
    def fresh(cls) -> Keys:
        """Three new random keys, kept nowhere: for a throw-away store (tests)."""
        return cls(
            encryption=os.urandom(32),
            signing=Ed25519PrivateKey.generate(),
            pseudonym=os.urandom(32),
        )

    def __repr__(self) -> str:
        return (
            f"Keys(encryption={self.cipher().key_id}, signing={public_key_id(self.public_key)}, "
            f"generated={len(self.generated)})"
        )

    def cipher(self) -> Cipher:
        """The AES-GCM cipher for dossiers and registry responses."""
        return Cipher(self.encryption)

    @property
    def public_key(self) -> Ed25519PublicKey:
        """The public half of the signing key: what a third party checks checkpoints with."""
        return self.signing.public_key()

    def public_key_text(self) -> str:
        """The public key as base64 of its 32 raw bytes (to hand to an auditor)."""
        raw = self.public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
        return base64.b64encode(raw).decode("ascii")

    def notice(self) -> str | None:
        """What to tell the operator when keys were generated on this run."""
        if not self.generated:
            return None
        names = ", ".join(p.name for p in self.generated)
        return (
            f"Generated new keys in {self.generated[0].parent} ({names}, mode 0600). "
            "Back them up: without them stored dossiers cannot be read and the logs "
            "cannot be verified or searched by BSN."
        )


def load_keys(storage: StorageSettings, audit: AuditSettings) -> Keys:
    """Load (or, for the embedded default, generate) the three keys the hub needs."""
    generate = storage.generate_keys and storage.is_sqlite
    keys_dir = storage.keys_dir
    if generate and not keys_dir.exists():
        storage.ensure_data_dir()
    generated: list[Path] = []

    def one(source: KeySource) -> bytes:
        key, path = load_key(source, keys_dir=keys_dir, generate=generate)
        if path is not None:
            generated.append(path)
        return key

    encryption = one(
        KeySource("encryption", storage.encryption_key_env, storage.encryption_key_file)
    )
    signing = one(KeySource("signing", audit.signing_key_env, audit.signing_key_file))
    pseudonym = one(KeySource("pseudonym", audit.pseudonym_key_env, audit.pseudonym_key_file))
    keys = Keys(
        encryption=encryption,
        signing=Ed25519PrivateKey.from_private_bytes(signing),
        pseudonym=pseudonym,
        generated=tuple(generated),
    )
    if generated:
        # The caller tells the operator (keys.notice()); the log only notes that it happened.
        log.info("keys_generated", extra={"count": len(generated), "directory": str(keys_dir)})
    return keys
