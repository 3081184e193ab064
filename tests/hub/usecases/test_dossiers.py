"""Issue 9 at the use-case level, on both backends: a Hoorn-only officer is refused a
dossier that was moved from Enkhuizen to Hoorn in the database (the refusal is in the
access log, the listing leaves it out), and a damaged envelope is the same refusal.
Another municipality's dossier is answered exactly like an unknown one."""

from __future__ import annotations

import pytest

from hub.usecases import Damaged, NotFound, Refused
from hub.usecases.context import Context
from hub.usecases.dossiers import Dossiers

from .conftest import AUDITOR, ENKHUIZEN_OFFICER, HOORN_OFFICER, access_log, refusals


@pytest.mark.parametrize(
    "tamper",
    [
        "UPDATE dossiers SET municipality = '0405'",
        "UPDATE dossiers SET municipality = '0405', envelope = substr(envelope, 1, 40)",
    ],
    ids=["moved to Hoorn", "moved and truncated"],
)
def test_a_dossier_moved_to_hoorn_is_refused_and_not_listed(context: Context, tamper: str) -> None:
    dossiers = Dossiers(context)
    context.storage.db.execute(tamper)
    with pytest.raises(Damaged, match="d-enk is beschadigd"):
        dossiers.view(HOORN_OFFICER, "d-enk")
    [refusal] = refusals(context)
    assert refusal["user_id"] == "af-hoorn" and refusal["dossier_id"] == "d-enk"
    assert str(refusal["reason"]).startswith("tampered: dossier d-enk")
    assert dossiers.newest(HOORN_OFFICER) == []


def test_another_municipalitys_dossier_is_answered_like_an_unknown_one(
    context: Context,
) -> None:
    dossiers = Dossiers(context)
    with pytest.raises(NotFound) as theirs:
        dossiers.view(HOORN_OFFICER, "d-enk")
    with pytest.raises(NotFound) as unknown:
        dossiers.view(HOORN_OFFICER, "d-xyz")
    assert theirs.value.problems[0].field == unknown.value.problems[0].field == "dossier_id"
    assert theirs.value.message == "dossier d-enk bestaat niet"
    assert unknown.value.message == "dossier d-xyz bestaat niet"
    refused, failed = access_log(context)[-2:]
    # only the access log says whose it is
    assert refused["result"] == "refused" and refused["municipality"] == "0388"
    assert refused["reason"] == "dossier hoort bij gemeente 0388"
    assert failed["result"] == "failed" and failed["reason"] == "onbekend dossier"


def test_only_an_officer_views_and_only_an_auditor_reads_provenance(context: Context) -> None:
    dossiers = Dossiers(context)
    with pytest.raises(Refused, match="alleen een aandachtsfunctionaris"):
        dossiers.view(AUDITOR, "d-enk")
    with pytest.raises(Refused, match=r"rol auditor vereist voor audit\.export"):
        dossiers.provenance(ENKHUIZEN_OFFICER, "d-enk")
    with pytest.raises(NotFound, match="dossier d-xyz bestaat niet"):
        dossiers.provenance(AUDITOR, "d-xyz")
    actions = [(e["action"], e["result"]) for e in access_log(context)]
    assert actions == [
        ("view", "refused"),
        ("audit.export", "refused"),
        ("audit.export", "failed"),
    ]


def test_an_export_is_a_view_logged_as_an_export(context: Context) -> None:
    with pytest.raises(NotFound):
        Dossiers(context).export(HOORN_OFFICER, "d-enk")
    [refusal] = refusals(context)
    assert refusal["action"] == "export" and refusal["municipality"] == "0388"
