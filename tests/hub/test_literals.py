"""A closed set of words read back from the database is checked, not cast."""

from __future__ import annotations

import pytest

from hub.literals import one_of
from hub.web.users import USER_SOURCES


def test_a_member_comes_back_as_that_member() -> None:
    assert one_of("oidc", USER_SOURCES, "users.source") == "oidc"


def test_a_word_outside_the_set_names_the_column() -> None:
    with pytest.raises(ValueError, match=r"users\.source: 'ldap' is none of local, oidc"):
        one_of("ldap", USER_SOURCES, "users.source")
