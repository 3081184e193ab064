"""Fixtures for the checks of the fakes against the official documents."""

from __future__ import annotations

import pytest

import connectors.handhaving.fake as zgw
from connectors.handhaving.jwt import zgw_token


@pytest.fixture
def zgw_auth() -> dict[str, str]:
    """A ZGW JWT of the fake's public test client, as the ``Authorization`` header."""
    token = zgw_token(
        client_id=zgw.FAKE_CLIENT_ID,
        secret=zgw.FAKE_CLIENT_SECRET,
        user_id="o",
        user_representation="O",
    )
    return {"Authorization": f"Bearer {token}"}
