"""Storage settings: where the database is, where the embedded default keeps its files.

The lead's configuration embeds :class:`StorageSettings` as ``[storage]``. The
embedded default needs nothing: SQLite in ``data_dir``, keys generated there on the
first run. A production configuration names a PostgreSQL URL and its keys.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs
from pydantic import BaseModel, ConfigDict, Field

__all__ = ["StorageSettings", "default_data_dir"]


def default_data_dir() -> Path:
    """The per-user data directory of the embedded default (e.g. ``~/.local/share/opplus``)."""
    return Path(platformdirs.user_data_dir("opplus", appauthor=False))


class StorageSettings(BaseModel):
    """Database and encryption-key settings.

    ``url``: ``sqlite:///relative/path.db``, ``sqlite:////absolute/path.db`` or
    ``postgresql://user:pass@host:5432/db``. When unset, the embedded default
    ``sqlite:///<data_dir>/opplus.sqlite3``.

    The encryption key comes from ``encryption_key_env`` (base64 of 32 bytes in an
    environment variable) or ``encryption_key_file`` (a file holding that base64).
    When neither is named and ``generate_keys`` is true and the database is SQLite,
    the key is generated on the first run into ``<data_dir>/keys/`` (mode 0600).
    With PostgreSQL, keys must always be named.
    """

    model_config = ConfigDict(extra="forbid")

    url: str | None = None
    data_dir: Path = Field(default_factory=default_data_dir)
    encryption_key_env: str | None = None
    encryption_key_file: Path | None = None
    generate_keys: bool = True

    def database_url(self) -> str:
        """The URL to open: ``url`` or the embedded SQLite file in ``data_dir``."""
        if self.url:
            return self.url
        return f"sqlite:///{self.data_dir.expanduser().resolve()}/opplus.sqlite3"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url().startswith("sqlite:")

    def ensure_data_dir(self) -> Path:
        """Create ``data_dir`` (mode 0700) when missing; returns it."""
        path = self.data_dir.expanduser()
        path.mkdir(parents=True, exist_ok=True)
        os.chmod(path, 0o700)
        return path

    @property
    def keys_dir(self) -> Path:
        """Where generated keys live: ``<data_dir>/keys``."""
        return self.data_dir.expanduser() / "keys"
