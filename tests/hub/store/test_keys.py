"""Key material: generated on the first embedded run (0600), named in production."""

from __future__ import annotations

import base64
import os
import stat
from pathlib import Path

import pytest

from hub.audit import AuditSettings
from hub.store import KeyInvalid, KeyMissing, StorageSettings, generate_key_text, load_keys


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_first_run_generates_keys_0600_and_says_so(tmp_path: Path) -> None:
    storage = StorageSettings(data_dir=tmp_path / "data")
    keys = load_keys(storage, AuditSettings())
    assert {p.name for p in keys.generated} == {"encryption.key", "signing.key", "pseudonym.key"}
    for path in keys.generated:
        assert path.parent == tmp_path / "data" / "keys"
        assert mode(path) == 0o600
    assert mode(tmp_path / "data" / "keys") == 0o700
    assert mode(tmp_path / "data") == 0o700
    notice = keys.notice()
    assert notice is not None and "keys" in notice and str(tmp_path / "data" / "keys") in notice
    for path in keys.generated:  # the notice and repr name files, never key material
        assert path.read_text().strip() not in notice
        assert path.read_text().strip() not in repr(keys)

    again = load_keys(storage, AuditSettings())
    assert again.generated == () and again.notice() is None
    assert again.encryption == keys.encryption and again.pseudonym == keys.pseudonym
    assert again.public_key_text() == keys.public_key_text()


def test_keys_from_environment_and_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    enc, sig = generate_key_text(), generate_key_text()
    monkeypatch.setenv("T_ENC", enc)
    monkeypatch.setenv("T_SIG", sig)
    pseudonym_file = tmp_path / "pseudonym.key"
    pseudonym_file.write_text(generate_key_text() + "\n")
    storage = StorageSettings(
        url="postgresql://u@localhost/db", data_dir=tmp_path, encryption_key_env="T_ENC"
    )
    audit = AuditSettings(signing_key_env="T_SIG", pseudonym_key_file=pseudonym_file)
    keys = load_keys(storage, audit)
    assert keys.generated == ()
    assert keys.encryption == base64.b64decode(enc)
    assert not (tmp_path / "keys").exists()


def test_production_without_named_keys_is_a_startup_error(tmp_path: Path) -> None:
    storage = StorageSettings(url="postgresql://u@localhost/db", data_dir=tmp_path)
    with pytest.raises(KeyMissing, match="names no key"):
        load_keys(storage, AuditSettings())
    assert not (tmp_path / "keys").exists()
    with pytest.raises(KeyMissing):
        load_keys(StorageSettings(data_dir=tmp_path, generate_keys=False), AuditSettings())


def test_a_named_but_missing_key_is_never_generated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("T_MISSING", raising=False)
    with pytest.raises(KeyMissing, match="T_MISSING"):
        load_keys(
            StorageSettings(data_dir=tmp_path, encryption_key_env="T_MISSING"), AuditSettings()
        )
    missing = tmp_path / "nowhere.key"
    with pytest.raises(KeyMissing, match="does not exist"):
        load_keys(StorageSettings(data_dir=tmp_path, encryption_key_file=missing), AuditSettings())
    assert not missing.exists()


def test_malformed_keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("T_BAD", "not base64 !!")
    with pytest.raises(KeyInvalid, match="base64"):
        load_keys(StorageSettings(data_dir=tmp_path, encryption_key_env="T_BAD"), AuditSettings())
    short = base64.b64encode(os.urandom(16)).decode()
    monkeypatch.setenv("T_SHORT", short)
    with pytest.raises(KeyInvalid, match="32 bytes") as caught:
        load_keys(StorageSettings(data_dir=tmp_path, encryption_key_env="T_SHORT"), AuditSettings())
    assert short not in str(caught.value)
