"""Records through the trail, auditor search and the subject report, on both backends."""

from __future__ import annotations

import json
from datetime import timedelta
from types import SimpleNamespace

import pytest

from hub.audit import (
    ACCESS_LOG,
    BRP_LOG,
    PROCESSING_LOG,
    AccessRecord,
    AuditTrail,
    TamperDetected,
    search,
    subject_report,
)
from hub.store import Database, utc_now


def all_log_text(db: Database) -> str:
    return json.dumps(db.query("SELECT * FROM audit_entries"), default=lambda b: b.hex())


def test_one_call_one_transaction_no_bsn_in_the_logs(
    trail: AuditTrail, db: Database, kit: SimpleNamespace
) -> None:
    entries = trail.record(kit.brp_call(trail.pseudonymiser))
    assert sorted(e.log for e in entries) == sorted([PROCESSING_LOG, BRP_LOG, ACCESS_LOG])
    processing = trail.processing.entry(0).payload
    assert processing is not None
    assert processing["data_subject_id"] == trail.pseudonymiser.pseudonymise(kit.BSN)
    assert processing["data_subject_id_type"] == "BSN"
    assert processing["fields"] == ["geboorte", "naam", "nationaliteiten"]
    assert "user_id" not in processing and "officer_id" not in processing
    assert kit.BSN not in all_log_text(db)
    trail.checkpoint()
    assert all(r.ok for r in trail.verify())


def test_search_by_bsn_officer_signal_connector_period(
    trail: AuditTrail, kit: SimpleNamespace
) -> None:
    trail.record(kit.brp_call(trail.pseudonymiser, signal="sig-1"))
    trail.record(kit.brp_call(trail.pseudonymiser, bsn=kit.OTHER_BSN, signal="sig-2"))
    trail.record(
        [
            AccessRecord(
                action="view_dossier",
                user_id="o-other",
                role="aandachtsfunctionaris",
                municipality="0388",
                purpose_id=None,
                result="refused",
                reason="andere gemeente",
                client="10.0.0.9",
                signal_id="sig-1",
            )
        ]
    )
    by_bsn = search(trail, bsn=kit.BSN)
    assert sorted(e.log for e in by_bsn) == [BRP_LOG, PROCESSING_LOG]
    assert all(e.intact for e in by_bsn)
    assert search(trail, bsn="999 970 057") == by_bsn

    by_officer = search(trail, officer=kit.OFFICER.id)
    # the officer's access and protocol lines, and the processing lines of their traces
    assert {e.log for e in by_officer} == {ACCESS_LOG, BRP_LOG, PROCESSING_LOG}
    assert len(by_officer) == 6
    refused = search(trail, officer="o-other")
    assert [e.payload["result"] for e in refused if e.payload] == ["refused"]

    assert len(search(trail, signal="sig-2")) == 3
    assert len(search(trail, signal="sig-1", logs=[ACCESS_LOG])) == 2
    assert len(search(trail, connector="brp")) == 4
    now = utc_now()
    assert (
        len(search(trail, since=now - timedelta(minutes=5), until=now + timedelta(minutes=5))) == 7
    )
    assert search(trail, since=now + timedelta(minutes=5)) == []
    with pytest.raises(ValueError):
        search(trail, bsn="123")
    with pytest.raises(ValueError):
        search(trail, logs=["nope"])


def test_search_flags_a_tampered_hit(trail: AuditTrail, db: Database, kit: SimpleNamespace) -> None:
    trail.record(kit.brp_call(trail.pseudonymiser))
    db.execute(
        "UPDATE audit_entries SET payload = REPLACE(payload, 'naam', 'alles') WHERE log = ?",
        (BRP_LOG,),
    )
    hits = {e.log: e for e in search(trail, bsn=kit.BSN)}
    assert hits[PROCESSING_LOG].intact and not hits[BRP_LOG].intact


def test_subject_report_leaves_out_confidential_and_says_so(
    trail: AuditTrail, kit: SimpleNamespace
) -> None:
    trail.record(kit.brp_call(trail.pseudonymiser))
    trail.record(kit.brp_call(trail.pseudonymiser, confidential=True, signal="sig-secret"))
    trail.record(kit.brp_call(trail.pseudonymiser, bsn=kit.OTHER_BSN))
    report = subject_report(trail, kit.BSN)
    assert len(report.processing) == 1 and len(report.brp_supplies) == 1
    line = report.processing[0]
    assert (line.organisation, line.source, line.status) == ("0405", "BRP", "OK")
    assert line.purpose == "Verrijken signaal mensenhandel"
    assert line.fields == ("geboorte", "naam", "nationaliteiten")
    assert report.omitted_confidential == 2
    assert report.notice is not None and "vertrouwelijk" in report.notice
    exported = json.dumps(report.to_json())
    assert report.notice in exported
    assert kit.OFFICER.name not in exported and kit.OFFICER.id not in exported
    assert "sig-secret" not in exported and kit.BSN not in exported

    plain = subject_report(trail, kit.OTHER_BSN)
    assert plain.omitted_confidential == 0 and plain.notice is None
    assert plain.to_json()["omitted_confidential"] is False


def test_trail_verify_reports_every_log(
    trail: AuditTrail, db: Database, kit: SimpleNamespace
) -> None:
    trail.record(kit.brp_call(trail.pseudonymiser))
    trail.checkpoint()
    db.execute("DELETE FROM audit_entries WHERE log = ?", (BRP_LOG,))
    with pytest.raises(TamperDetected) as caught:
        trail.verify()
    # processing, access, brp_protocol, store, and the store check
    assert [r.ok for r in caught.value.reports] == [True, True, False, True, True]
    assert caught.value.first is not None and caught.value.first.log == BRP_LOG
    assert caught.value.first.index == 0 and "brp_protocol" in str(caught.value)


def test_every_record_the_trail_writes_is_in_the_record_union() -> None:
    """The trail's ``Record`` type names every record class written through it, so
    mypy checks the callers (the forwarding service records disclosures)."""
    from typing import get_args

    from hub.audit import records

    written = {
        cls
        for cls in vars(records).values()
        if isinstance(cls, type) and hasattr(cls, "LOG") and hasattr(cls, "to_payload")
    }
    assert records.DisclosureRecord in written
    assert set(get_args(records.Record)) == written
