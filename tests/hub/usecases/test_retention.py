"""Retention as a use case: deleting needs an administrator; holds are logged, and
releasing a hold that is not there is :class:`NotFound`, logged as failed."""

from __future__ import annotations

import pytest

from hub.accountability import Actor
from hub.usecases import NotFound, Refused
from hub.usecases.context import Context
from hub.usecases.retention import Retention

from .conftest import HOORN_OFFICER, access_log

ADMIN = Actor("beheerder", "B. Beheerder", ("admin",), ())


def test_only_an_administrator_deletes(context: Context) -> None:
    retention = Retention(context)
    with pytest.raises(Refused, match=r"rol admin vereist voor retention\.run"):
        retention.run(HOORN_OFFICER)
    assert retention.run(ADMIN).deleted.get("dossier", 0) == 0
    assert [(e["action"], e["result"]) for e in access_log(context)] == [
        ("retention.run", "refused"),
        ("retention.run", "allowed"),
    ]


def test_a_hold_is_placed_and_released_once(context: Context) -> None:
    retention = Retention(context)
    retention.hold(ADMIN, "sig-1", "OM-zaak")
    assert context.storage.holds.is_held("sig-1")
    retention.release(ADMIN, "sig-1")
    with pytest.raises(NotFound) as again:
        retention.release(ADMIN, "sig-1")
    assert again.value.field == "signal_id"
    assert again.value.message == "bewaarplicht op signaal sig-1 bestaat niet"
    assert [(e["action"], e["result"]) for e in access_log(context)] == [
        ("retention.hold", "allowed"),
        ("retention.release", "allowed"),
        ("retention.release", "failed"),
    ]


def test_only_an_administrator_places_or_releases_a_hold(context: Context) -> None:
    """A released hold lets a signal's data be deleted: an officer may do neither."""
    retention = Retention(context)
    with pytest.raises(Refused, match=r"rol admin vereist voor retention\.hold"):
        retention.hold(HOORN_OFFICER, "sig-2", "eigen idee")
    assert not context.storage.holds.is_held("sig-2")
    retention.hold(ADMIN, "sig-2", "OM-zaak")
    with pytest.raises(Refused, match=r"rol admin vereist voor retention\.release"):
        retention.release(HOORN_OFFICER, "sig-2")
    assert context.storage.holds.is_held("sig-2")
    assert [(e["action"], e["result"]) for e in access_log(context)] == [
        ("retention.hold", "refused"),
        ("retention.hold", "allowed"),
        ("retention.release", "refused"),
    ]
