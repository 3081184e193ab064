"""Audit settings: the log-signing and pseudonym keys, and retention per data class.

The lead's configuration embeds :class:`AuditSettings` as ``[audit]`` (and
``[audit.retention]``). Key sources work as for the encryption key (see
:mod:`hub.store.keys`): base64 of 32 bytes in an environment variable or a file;
generated into the data directory only for the embedded SQLite default.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["AuditSettings", "RetentionSettings"]


class RetentionSettings(BaseModel):
    """How many days each data class is kept; a retention run deletes what is older.

    The defaults are placeholders for the municipality's own decision (Archiefwet,
    selectielijst), except ``brp_protocol``: the Wet BRP asks 20 years (7305 days).
    A processing-log record that carries its activity's own retention keeps that.
    """

    model_config = ConfigDict(extra="forbid")

    dossier: int = Field(730, ge=1)
    raw_responses: int = Field(730, ge=1)
    processing_log: int = Field(1826, ge=1)
    access_log: int = Field(1826, ge=1)
    brp_protocol: int = Field(7305, ge=1)


class AuditSettings(BaseModel):
    """Keys of the logs and retention.

    ``trusted_public_keys``: base64 Ed25519 public keys of earlier signing keys, so
    checkpoints signed before a key change still verify. ``witness_*``: see
    :mod:`hub.audit.witness`.
    """

    model_config = ConfigDict(extra="forbid")

    signing_key_env: str | None = None
    signing_key_file: Path | None = None
    pseudonym_key_env: str | None = None
    pseudonym_key_file: Path | None = None
    trusted_public_keys: list[str] = Field(default_factory=list)
    #: where signed checkpoints are also kept, outside the database: a directory that
    #: must exist (default: ``<data_dir>/witness``, created; production: another
    #: machine or user); and optionally a witness server (``opplus audit witness serve``)
    witness_dir: Path | None = None
    witness_url: str | None = Field(None, pattern=r"^https?://")
    witness_timeout_s: float = Field(5.0, gt=0, le=60)
    #: ``opplus serve`` signs the heads of grown logs this often (0: only on demand)
    checkpoint_interval_minutes: float = Field(60.0, ge=0, le=24 * 60)
    retention: RetentionSettings = Field(default_factory=RetentionSettings)
