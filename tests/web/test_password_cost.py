"""The web tests hash passwords cheaply (conftest.py); the hub itself does not."""

from __future__ import annotations

import pytest

from hub.web.users import hash_password


def test_the_cheap_test_hashes_are_the_tests_own(monkeypatch: pytest.MonkeyPatch) -> None:
    assert hash_password("geheim").startswith("$argon2id$v=19$m=8,t=1,p=1$")
    monkeypatch.undo()  # the hub as it runs: argon2-cffi's default, RFC 9106 low-memory
    assert hash_password("geheim").startswith("$argon2id$v=19$m=65536,t=3,p=4$")
