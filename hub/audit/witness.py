"""Witnesses: copies of every signed checkpoint kept outside the database.

Someone who can write the database but holds no key can still roll a log back to an
earlier state of itself (restore an old copy, or cut the tail and drop the newer
checkpoints): the database alone stays self-consistent. A witness remembers the
newest tree heads, so :func:`hub.audit.verify.verify_log` catches a log that is now
shorter than, or different from, what was once signed.

* :class:`FileWitness` — a directory holding ``checkpoints.jsonl``: one JSON line per
  checkpoint, opened ``O_APPEND`` and fsync'd. The embedded default keeps it in
  ``<data_dir>/witness``; production puts it on another machine or under another
  user (e.g. an NFS export the database administrator cannot write, or ``chattr +a``).
* :class:`HttpWitness` — POSTs each checkpoint to a witness server and GETs the newest
  per log back (``opplus audit witness serve``, :mod:`hub.audit.witness_server`).

A witness that cannot be used is a :class:`WitnessError` (Dutch message): the hub
refuses to start or verify rather than sign heads nobody keeps.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import httpx

from .checkpoint import Checkpoint
from .errors import WitnessError

if TYPE_CHECKING:
    from .settings import AuditSettings

__all__ = [
    "WITNESS_FILE",
    "FileWitness",
    "HttpWitness",
    "Witness",
    "newest_per_log",
    "witnessed_by_log",
    "witnesses_for",
]

WITNESS_FILE = "checkpoints.jsonl"
#: a checkpoint line is ~400 bytes; a longer one is not a checkpoint
MAX_LINE = 4096


class Witness(Protocol):
    """Somewhere outside the database that keeps signed checkpoints."""

    where: str

    def publish(self, checkpoints: Sequence[Checkpoint]) -> None:
        """Keep ``checkpoints``; raises :class:`WitnessError` when that fails."""

    def witnessed(self, logs: Iterable[str]) -> list[Checkpoint]:
        """What the witness holds for ``logs`` (at least the newest per log)."""


def newest_per_log(checkpoints: Iterable[Checkpoint]) -> dict[str, Checkpoint]:
    """The largest (then latest) checkpoint of each log: a log only grows."""
    newest: dict[str, Checkpoint] = {}
    for cp in checkpoints:
        held = newest.get(cp.log)
        if held is None or (cp.size, cp.timestamp) > (held.size, held.timestamp):
            newest[cp.log] = cp
    return newest


def _line(cp: Checkpoint) -> bytes:
    return json.dumps(cp.to_json(), sort_keys=True, separators=(",", ":")).encode() + b"\n"


class FileWitness:
    """An append-only file of checkpoints in ``directory``.

    ``create``: make the directory when missing (only for the embedded default; a
    configured directory must exist, so a typo cannot start an empty witness).
    """

    def __init__(self, directory: Path, *, create: bool = False) -> None:
        self.directory = directory.expanduser()
        self.path = self.directory / WITNESS_FILE
        self.where = f"getuige {self.directory}"
        if create and not self.directory.exists():
            try:
                self.directory.mkdir(parents=True, mode=0o700)
            except OSError as exc:
                raise WitnessError(
                    f"{self.where}: map niet aan te maken ({exc.strerror})"
                ) from None
        if not self.directory.is_dir():
            raise WitnessError(f"{self.where}: map bestaat niet")
        if not os.access(self.directory, os.W_OK | os.X_OK):
            raise WitnessError(f"{self.where}: map niet schrijfbaar")
        if self.path.exists() and not os.access(self.path, os.R_OK | os.W_OK):
            raise WitnessError(f"{self.where}: {WITNESS_FILE} niet lees- en schrijfbaar")

    def publish(self, checkpoints: Sequence[Checkpoint]) -> None:
        data = b"".join(_line(cp) for cp in checkpoints)
        if not data:
            return
        new = not self.path.exists()
        try:
            # O_APPEND: one write per batch lands at the end, never over an earlier line
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, data)
                os.fsync(fd)
            finally:
                os.close(fd)
            if new:  # the new directory entry must survive a crash too
                dir_fd = os.open(self.directory, os.O_RDONLY)
                try:
                    os.fsync(dir_fd)
                finally:
                    os.close(dir_fd)
        except OSError as exc:
            raise WitnessError(f"{self.where}: schrijven mislukt ({exc.strerror})") from None

    def witnessed(self, logs: Iterable[str]) -> list[Checkpoint]:
        wanted = set(logs)
        try:
            with self.path.open("rb") as fh:
                lines = list(fh)
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise WitnessError(f"{self.where}: lezen mislukt ({exc.strerror})") from None
        found: list[Checkpoint] = []
        for number, raw in enumerate(lines, start=1):
            if not raw.strip():
                continue
            try:
                if len(raw) > MAX_LINE:
                    raise ValueError("line too long")
                cp = Checkpoint.from_json(json.loads(raw))
            except (ValueError, KeyError, TypeError):
                raise WitnessError(
                    f"{self.where}: regel {number} van {WITNESS_FILE} is geen checkpoint"
                ) from None
            if cp.log in wanted:
                found.append(cp)
        return found


class HttpWitness:
    """A witness server at ``url``: ``POST {url}/v1/checkpoints`` one checkpoint,
    ``GET {url}/v1/checkpoints/{log}`` the newest of a log (404: none yet)."""

    def __init__(
        self,
        url: str,
        *,
        timeout_s: float = 5.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.url = url.rstrip("/")
        self.where = f"getuige {self.url}"
        self._timeout_s, self._transport = timeout_s, transport

    def _client(self) -> httpx.Client:
        # a client per use: checkpoints are rare, and nothing is left open between them
        return httpx.Client(timeout=self._timeout_s, transport=self._transport)

    def _fail(
        self, what: str, exc: Exception | None = None, status: int | None = None
    ) -> WitnessError:
        reason = f"HTTP {status}" if status is not None else type(exc).__name__
        return WitnessError(f"{self.where}: {what} mislukt ({reason})")

    def publish(self, checkpoints: Sequence[Checkpoint]) -> None:
        with self._client() as client:
            for cp in checkpoints:
                try:
                    response = client.post(f"{self.url}/v1/checkpoints", json=cp.to_json())
                except httpx.HTTPError as exc:
                    raise self._fail("checkpoint afgeven", exc) from None
                if response.status_code not in (200, 201):
                    raise self._fail("checkpoint afgeven", status=response.status_code)

    def witnessed(self, logs: Iterable[str]) -> list[Checkpoint]:
        found: list[Checkpoint] = []
        with self._client() as client:
            for name in logs:
                try:
                    response = client.get(f"{self.url}/v1/checkpoints/{name}")
                except httpx.HTTPError as exc:
                    raise self._fail("checkpoint opvragen", exc) from None
                if response.status_code == 404:
                    continue
                if response.status_code != 200:
                    raise self._fail("checkpoint opvragen", status=response.status_code)
                try:
                    found.append(Checkpoint.from_json(response.json()))
                except (ValueError, KeyError, TypeError):
                    raise WitnessError(f"{self.where}: antwoord is geen checkpoint") from None
        return found


def witnesses_for(
    settings: AuditSettings, data_dir: Path, *, transport: httpx.BaseTransport | None = None
) -> list[Witness]:
    """The witnesses ``[audit]`` names: always a file witness (``witness_dir``, else
    ``<data_dir>/witness``, created when missing), plus the HTTP witness when named."""
    witnesses: list[Witness] = [
        FileWitness(settings.witness_dir)
        if settings.witness_dir is not None
        else FileWitness(data_dir.expanduser() / "witness", create=True)
    ]
    if settings.witness_url:
        witnesses.append(
            HttpWitness(
                settings.witness_url, timeout_s=settings.witness_timeout_s, transport=transport
            )
        )
    return witnesses


def witnessed_by_log(
    witnesses: Sequence[Witness], logs: Iterable[str], trusted_key_ids: Mapping[str, object]
) -> dict[str, list[Checkpoint]]:
    """Every witnessed checkpoint of ``logs`` signed under a trusted key id, by log.

    Lines under another key belong to another hub sharing the witness and are left out;
    a line under a trusted key id with a bad signature stays in, so verification flags it.
    """
    names = list(logs)
    by_log: dict[str, list[Checkpoint]] = {name: [] for name in names}
    for witness in witnesses:
        for cp in witness.witnessed(names):
            if cp.key_id in trusted_key_ids:
                by_log[cp.log].append(cp)
    return by_log
