"""Accountability as an operator and an auditor meet it: stored dossiers, the processing,
access and BRP-protocol logs, tamper evidence and proofs — on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import hashlib
import json
import sqlite3
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from hub.accountability import Storage
from hub.audit import Retention
from hub.audit.merkle import verify_inclusion
from hub.config import load_config
from hub.store.timestamps import utc_now

from .conftest import ROOT, clean_env, pg_config, pg_keys, run_opplus

pytestmark = pytest.mark.e2e

EXAMPLE_1 = ROOT / "examples" / "1-arbeidsuitbuiting-hoorn.json"
EXAMPLE_3 = ROOT / "examples" / "3-criminele-uitbuiting-medemblik.json"


@pytest.fixture
def home(tmp_path) -> dict[str, str]:
    return clean_env(OPPLUS_HOME=str(tmp_path / "home"))


def enrich(env, example=EXAMPLE_1) -> dict:
    result = run_opplus("enrich", str(example), "--format", "json", env=env)
    assert result.code == 0, result.err
    dossier = json.loads(result.out)
    assert f"dossier {dossier['id']} opgeslagen" in result.err
    return dossier


def search(env, *args: str) -> list[dict]:
    result = run_opplus("audit", "search", *args, env=env)
    assert result.code == 0, result.err
    return [json.loads(line) for line in result.out.splitlines()]


def test_first_run_generates_keys_and_says_so(home):
    result = run_opplus("enrich", str(EXAMPLE_3), env=home)
    assert result.code == 0, result.err
    assert "Generated new keys" in result.err
    keys = Path(home["OPPLUS_HOME"]) / "keys"
    for name in ("encryption.key", "signing.key", "pseudonym.key"):
        assert (keys / name).stat().st_mode & 0o777 == 0o600
    again = run_opplus("enrich", str(EXAMPLE_3), env=home)
    assert "Generated new keys" not in again.err


def test_dossier_is_stored_encrypted_and_viewing_is_logged(home):
    dossier = enrich(home)
    shown = run_opplus("dossier", "show", dossier["id"], "--format", "json", env=home)
    assert shown.code == 0 and json.loads(shown.out)["id"] == dossier["id"]
    raw = (Path(home["OPPLUS_HOME"]) / "opplus.sqlite3").read_bytes()
    assert b"Wi\xc5\x9bniewska" not in raw and b"Flex West-Friesland" not in raw
    access = [e["payload"] for e in search(home, "--log", "access")]
    actions = [(a["action"], a["result"], a.get("dossier_id")) for a in access]
    assert ("enrich", "allowed", dossier["id"]) in actions
    assert ("view", "allowed", dossier["id"]) in actions


def test_every_query_has_a_pseudonymised_processing_record(home):
    dossier = enrich(home)
    entries = search(home, "--signal", dossier["signal_id"], "--log", "processing")
    spans = {e["payload"]["span_id"] for e in entries}
    called = [o for o in dossier["outcomes"] if o["attempts"]]
    assert called and all(o["span_id"] in spans for o in called)
    for e in entries:
        p = e["payload"]
        assert p["trace_id"] == dossier["trace_id"]
        assert p["processing_activity_id"] == "VA-MH-01"
        assert p["data_subject_id_type"] in ("BSN", "KvK", "adres")
        assert len(p["data_subject_id"]) == 64  # a keyed hash, not the identifier
    text = json.dumps(entries)
    assert "999970057" not in text and "999970008" not in text
    # the residents of the address are data subjects too: one line each
    person_lines = [e for e in entries if e["payload"]["data_subject_id_type"] == "BSN"]
    assert len({e["payload"]["data_subject_id"] for e in person_lines}) >= 9


def test_search_by_bsn_finds_processing_and_brp_protocol(home):
    dossier = enrich(home)
    hits = search(home, "--bsn", "999970057")
    logs = {h["log"] for h in hits}
    assert {"processing", "brp_protocol"} <= logs
    brp = [h["payload"] for h in hits if h["log"] == "brp_protocol"]
    assert brp[0]["officer_id"] == "demo-af-westfriesland"
    assert brp[0]["signal_id"] == dossier["signal_id"]
    assert "naam.volledigeNaam" in brp[0]["fields"]


def test_subject_report_and_prov_export(home):
    dossier = enrich(home)
    report = run_opplus("audit", "subject-report", "999970057", "--format", "json", env=home)
    assert report.code == 0, report.err
    data = json.loads(report.out)
    assert data["brp_supplies"] and "officer" not in json.dumps(data).lower()
    prov = run_opplus("audit", "export", "--prov", dossier["id"], env=home)
    assert prov.code == 0, prov.err
    doc = json.loads(prov.out)
    assert {"entity", "activity", "agent"} <= set(doc)
    assert "Katarzyna" not in prov.out  # values are left out


def _checkpoint_message(cp: dict) -> bytes:
    """The signed bytes, rebuilt from the documented format alone (hub/audit/checkpoint.py):
    a prefix line, then the RFC 8785 JSON of log, root_hash, size and timestamp — for
    these plain keys, sorted keys without spaces and with UTF-8 as it is."""
    body = {k: cp[k] for k in ("log", "root_hash", "size", "timestamp")}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return b"opplus checkpoint v1\n" + canonical.encode("utf-8")


def test_inclusion_proof_checks_out_for_a_third_party(home):
    enrich(home)
    result = run_opplus("audit", "prove", "2", env=home)
    assert result.code == 0, result.err
    proof = json.loads(result.out)
    leaf = bytes.fromhex(proof["leaf_hash"])
    assert hashlib.sha256(b"\x00" + proof["leaf"].encode()).digest() == leaf
    path = [bytes.fromhex(h) for h in proof["path"]]
    cp = proof["checkpoint"]
    root = bytes.fromhex(cp["root_hash"])
    assert verify_inclusion(leaf, proof["index"], cp["size"], path, root)
    assert not verify_inclusion(leaf, proof["index"] + 1, cp["size"], path, root)
    # The key comes from the operator, not from the proof: a proof that carries its
    # own key could carry any key. The signature must hold under the published one.
    published = run_opplus("audit", "public-key", env=home)
    assert published.code == 0, published.err
    assert published.out.strip() == proof["public_key"]
    key = Ed25519PublicKey.from_public_bytes(base64.b64decode(published.out.strip()))
    key.verify(base64.b64decode(cp["signature"]), _checkpoint_message(cp))
    # ... and it covers the tree head: a head moved by one entry is refused
    for forged in (dict(cp, size=cp["size"] + 1), dict(cp, root_hash="00" * 32)):
        with pytest.raises(InvalidSignature):
            key.verify(base64.b64decode(cp["signature"]), _checkpoint_message(forged))
    other = Ed25519PrivateKey.generate().public_key()
    with pytest.raises(InvalidSignature):
        other.verify(base64.b64decode(cp["signature"]), _checkpoint_message(cp))


def test_verify_detects_an_altered_entry_and_names_it(home):
    enrich(home)
    assert run_opplus("audit", "checkpoint", env=home).code == 0
    ok = run_opplus("audit", "verify", env=home)
    assert ok.code == 0, ok.out + ok.err
    db = sqlite3.connect(Path(home["OPPLUS_HOME"]) / "opplus.sqlite3")
    payload = db.execute(
        "SELECT payload FROM audit_entries WHERE log='processing' AND idx=3"
    ).fetchone()[0]
    db.execute(
        "UPDATE audit_entries SET payload=? WHERE log='processing' AND idx=3",
        (payload.replace("VA-MH-01", "VA-MH-02"),),
    )
    db.commit()
    db.close()
    bad = run_opplus("audit", "verify", env=home)
    assert bad.code == 1
    assert "first bad entry 3" in bad.out and "FOUT" in bad.out
    assert "entry 3 of log processing" in bad.err


def test_verify_detects_a_deleted_entry(home):
    enrich(home)
    run_opplus("audit", "checkpoint", env=home)
    db = sqlite3.connect(Path(home["OPPLUS_HOME"]) / "opplus.sqlite3")
    db.execute("DELETE FROM audit_entries WHERE log='brp_protocol' AND idx=0")
    db.commit()
    db.close()
    bad = run_opplus("audit", "verify", env=home)
    assert bad.code == 1 and "brp_protocol" in bad.out


def test_auditor_commands_are_logged_and_refused_without_the_role(home, tmp_path):
    enrich(home)
    for args in (["checkpoint"], ["verify"], ["search", "--officer", "x"]):
        assert run_opplus("audit", *args, env=home).code == 0
    officer_only = tmp_path / "officer.toml"
    text = (ROOT / "config" / "default.toml").read_text()
    officer_only.write_text(
        text.replace('roles = ["officer", "auditor", "admin"]', 'roles = ["officer"]')
    )
    refused = run_opplus("--config", str(officer_only), "audit", "verify", env=home)
    assert refused.code == 2 and "geweigerd" in refused.err
    access = [e["payload"] for e in search(home, "--log", "access")]
    actions = {(a["action"], a["result"]) for a in access}
    assert {
        ("audit.checkpoint", "allowed"),
        ("audit.verify", "allowed"),
        ("audit.search", "allowed"),
        ("audit.verify", "refused"),
    } <= actions


def test_retention_commands(home, monkeypatch):
    held = enrich(home)
    gone = enrich(home, EXAMPLE_3)
    assert (
        run_opplus("retention", "hold", held["signal_id"], "--reason", "OM-zaak", env=home).code
        == 0
    )
    nothing_due = run_opplus("retention", "run", env=home)
    assert nothing_due.code == 0, nothing_due.err
    counts = {line.split()[0]: int(line.split()[1]) for line in nothing_due.out.splitlines()}
    assert counts.get("dossier", 0) == 0
    # The clock is the only thing a test cannot wait for, and backdating the rows by hand
    # is tampering (the dates are bound to the envelopes): the same retention run as the
    # command's, three years on, in-process on the same data directory.
    monkeypatch.setenv("OPPLUS_HOME", home["OPPLUS_HOME"])
    storage = Storage.open(load_config())
    try:
        report = Retention(storage.trail).run(now=utc_now() + timedelta(days=3 * 366))
    finally:
        storage.close()
    assert report.deleted["dossier"] == 1 and report.deleted["raw_responses"] > 0
    kept = run_opplus("dossier", "show", held["id"], "--format", "json", env=home)
    assert kept.code == 0, kept.err
    assert json.loads(kept.out)["id"] == held["id"]
    assert run_opplus("dossier", "show", gone["id"], env=home).code != 0
    assert run_opplus("audit", "verify", env=home).code == 0
    assert run_opplus("retention", "release", held["signal_id"], env=home).code == 0
    assert run_opplus("retention", "release", held["signal_id"], env=home).code == 2


# -- PostgreSQL --------------------------------------------------------------------


@pytest.fixture
def pg(tmp_path, pg_schema):
    dsn, schema = pg_schema
    return dsn, schema, pg_config(tmp_path / "pg.toml", dsn, schema)


def test_postgres_without_keys_is_a_clear_startup_error(pg, home):
    _, _, config = pg
    result = run_opplus("--config", str(config), "enrich", str(EXAMPLE_3), env=home)
    assert result.code == 2
    assert "OPPLUS_TEST_ENC_KEY" in result.err and "Traceback" not in result.err


def test_postgres_enrich_verify_and_tamper(pg, home):
    dsn, schema, config = pg
    env = {**home, **pg_keys()}
    result = run_opplus(
        "--config", str(config), "enrich", str(EXAMPLE_1), "--format", "json", env=env
    )
    assert result.code == 0, result.err
    dossier = json.loads(result.out)
    shown = run_opplus("--config", str(config), "dossier", "show", dossier["id"], env=env)
    assert shown.code == 0 and "Katarzyna" in shown.out
    assert run_opplus("--config", str(config), "audit", "checkpoint", env=env).code == 0
    assert run_opplus("--config", str(config), "audit", "verify", env=env).code == 0
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"SET search_path TO {schema}")
        conn.execute(
            "UPDATE audit_entries SET payload = replace(payload, 'VA-MH-01', 'X') "
            "WHERE log = 'processing' AND idx = 5"
        )
    bad = run_opplus("--config", str(config), "audit", "verify", env=env)
    assert bad.code == 1 and "first bad entry 5" in bad.out


def test_subject_report_leaves_out_withheld_processing_and_says_so(home, tmp_path):
    config = tmp_path / "withhold.toml"
    text = (ROOT / "config" / "default.toml").read_text()
    config.write_text(
        text.replace("withhold_from_subject = false", "withhold_from_subject = true", 1)
    )
    result = run_opplus("--config", str(config), "enrich", str(EXAMPLE_1), env=home)
    assert result.code == 0, result.err
    report = run_opplus("audit", "subject-report", "999970057", "--format", "json", env=home)
    data = json.loads(report.out)
    assert data["brp_supplies"] == [] and data["processing"] == []
    assert data["omitted_confidential"] is True
    assert "weggelaten" in data["notice"]
