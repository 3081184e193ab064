"""Fixtures for the checks of the fakes against the official documents."""

from __future__ import annotations

import pytest

import connectors.handhaving.fake as zgw
from plugins import ZgwJwt


@pytest.fixture
def zgw_auth() -> dict[str, str]:
    """A ZGW JWT of the fake's public test client, as the ``Authorization`` header."""
    return ZgwJwt(zgw.FAKE_CLIENT_ID, zgw.FAKE_CLIENT_SECRET).authorization("o", "O")
