"""Forwarding as an officer does it: suggestions, preview, confirmation, durable delivery
to real receivers over HTTP, disclosures in the processing log, feedback; a receiver
that is down and comes back, and a worker killed mid-delivery, deliver exactly once."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from contextlib import AbstractContextManager
from pathlib import Path

import httpx
import pytest

from .conftest import OPPLUS, ROOT, clean_env, free_port, run_opplus, served_in_thread
from .receiver import receiver_app

pytestmark = pytest.mark.e2e

EXAMPLE_2 = ROOT / "examples" / "2-seksuele-uitbuiting-enkhuizen.json"


@pytest.fixture
def home(tmp_path) -> dict[str, str]:
    return clean_env(OPPLUS_HOME=str(tmp_path / "home"))


def enrich(env, *config: str) -> dict:
    result = run_opplus(*config, "enrich", str(EXAMPLE_2), "--format", "json", env=env)
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_suggestions_explain_themselves(home):
    dossier = enrich(home)
    result = run_opplus("forward", dossier["id"], env=home)
    assert result.code == 0, result.err
    assert "pct" in result.out
    assert "vorm = seksuele uitbuiting en vergunning seksinrichting gevonden" in result.out
    assert "lokaal" in result.out and "riec" in result.out


def test_nothing_is_sent_without_confirmation(home):
    dossier = enrich(home)
    result = run_opplus("forward", dossier["id"], "--table", "riec", env=home)
    assert result.code == 2 and "bevestiging vereist" in result.err
    assert "geen leveringen" in run_opplus("deliveries", env=home).out


def test_forward_to_two_tables_each_gets_only_what_it_may(home):
    dossier = enrich(home)
    lokaal = run_opplus(
        "forward",
        dossier["id"],
        "--table",
        "lokaal",
        "--yes",
        "--show-payload",
        "--deliver",
        env=home,
    )
    assert lokaal.code == 0, lokaal.err
    assert "Bibob-gegevens worden niet verstrekt" in lokaal.out
    payload = json.loads(lokaal.out[lokaal.out.index("{") : lokaal.out.rindex("}") + 1])
    assert all(f["classification"] != "bibob" for f in payload["facts"])
    assert payload["withheld"]["by_class"]["bibob"] > 0
    assert "delivered" in lokaal.out or "acknowledged" in lokaal.out
    riec = run_opplus(
        "forward",
        dossier["id"],
        "--table",
        "riec",
        "--yes",
        "--deliver",
        "--show-payload",
        env=home,
    )
    assert riec.code == 0, riec.err
    sent = json.loads(riec.out[riec.out.index("{") : riec.out.rindex("}") + 1])
    assert any(f["classification"] == "bibob" for f in sent["facts"])
    assert sent["bibob_legal_ground"].startswith("Art. 28")
    again = run_opplus("forward", dossier["id"], "--table", "riec", "--yes", env=home)
    assert again.code == 2 and "al doorgestuurd" in again.err
    # every delivery is a disclosure in the processing log, and a forward in the access log
    log = run_opplus("audit", "search", "--signal", dossier["signal_id"], env=home)
    payloads = [json.loads(line)["payload"] for line in log.out.splitlines()]
    disclosures = [p for p in payloads if p["kind"] == "disclosure"]
    assert {d["recipient"] for d in disclosures} == {"lokaal", "riec"}
    assert all(len(d["payload_sha256"]) == 64 and d["fields"] for d in disclosures)
    forwards = [p for p in payloads if p.get("action") == "forward"]
    assert len(forwards) == 2


def test_forward_tailored_leaves_out_with_a_reason(home):
    dossier = enrich(home)
    address = next(s["key"] for s in dossier["subjects"] if s["kind"] == "address")
    no_reason = run_opplus(
        "forward", dossier["id"], "--table", "riec", "--yes", "--leave-out", address, env=home
    )
    assert no_reason.code == 2 and "--reason: vul in waarom" in no_reason.err
    assert "Traceback" not in no_reason.err
    unknown = run_opplus(
        "forward",
        dossier["id"],
        "--table",
        "riec",
        "--yes",
        "--leave-out",
        "address:9999ZZ-1",
        "--reason",
        "x",
        env=home,
    )
    assert unknown.code == 2 and "--leave-out: onbekend onderwerp" in unknown.err
    assert "geen leveringen" in run_opplus("deliveries", env=home).out
    done = run_opplus(
        "forward",
        dossier["id"],
        "--table",
        "riec",
        "--yes",
        "--show-payload",
        "--leave-out",
        address,
        "--reason",
        "adres hoort bij een ander onderzoek",
        env=home,
    )
    assert done.code == 0, done.err
    assert f"Door u weggelaten: {address}" in done.out
    sent = json.loads(done.out[done.out.index("{") : done.out.rindex("}") + 1])
    assert all(f["subject"] != address for f in sent["facts"])
    assert sent["withheld"]["by_officer"]["reason"] == "adres hoort bij een ander onderzoek"


def test_feedback_acknowledges_and_is_stored(home):
    dossier = enrich(home)
    out = run_opplus("forward", dossier["id"], "--table", "lokaal", "--yes", env=home).out
    delivery_id = out.split("levering ")[1].split()[0]
    early = run_opplus("feedback", delivery_id, "--text", "x", "--from", "y", env=home)
    assert early.code == 2 and "nog niet afgeleverd" in early.err
    assert run_opplus("deliver", env=home).code == 0
    result = run_opplus(
        "feedback",
        delivery_id,
        "--text",
        "Besproken in het overleg van 3 dec.",
        "--from",
        "Lokaal ondermijningsoverleg",
        env=home,
    )
    assert result.code == 0, result.err
    rows = run_opplus("deliveries", "--dossier", dossier["id"], env=home).out
    assert "acknowledged" in rows
    empty = run_opplus("feedback", delivery_id, "--text", "  ", "--from", "x", env=home)
    assert empty.code == 2 and "text:" in empty.err


def _config(tmp_path: Path, receiver_url: str) -> Path:
    text = (ROOT / "config" / "default.toml").read_text()
    text = text.replace(
        'url = "{fakes}/riec/informatieplein/signalen"',
        f'url = "{receiver_url}/riec/informatieplein/signalen"',
    )
    path = tmp_path / "receiver.toml"
    path.write_text(text)
    return path


def _receiver(port: int, delay: float = 0.0) -> AbstractContextManager[str]:
    """The RIEC receiver on ``port``, from a thread of this process (the worker, not the
    receiver, is the process a test kills)."""
    return served_in_thread(receiver_app(delay), port=port)


def _received(port: int) -> list[dict]:
    answer = httpx.get(f"http://127.0.0.1:{port}/riec/informatieplein/deliveries").json()
    return answer["results"]


def test_receiver_down_then_back_delivers_once(home, tmp_path):
    port = free_port()
    config = _config(tmp_path, f"http://127.0.0.1:{port}")
    dossier = enrich(home, "--config", str(config))
    first = run_opplus(
        "--config",
        str(config),
        "forward",
        dossier["id"],
        "--table",
        "riec",
        "--yes",
        "--deliver",
        env=home,
    )
    assert first.code == 0 and "queued" in first.out, first.out + first.err
    with _receiver(port):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            run_opplus("--config", str(config), "deliver", env=home)
            if "geen leveringen" not in (
                rows := run_opplus(
                    "--config", str(config), "deliveries", "--state", "queued", env=home
                ).out
            ):
                time.sleep(0.5)
                continue
            break
        rows = run_opplus("--config", str(config), "deliveries", env=home).out
        assert "acknowledged" in rows or "delivered" in rows, rows
        assert len(_received(port)) == 1


def test_worker_killed_mid_delivery_delivers_once_after_restart(home, tmp_path):
    port = free_port()
    config = _config(tmp_path, f"http://127.0.0.1:{port}")
    with _receiver(port, delay=4.0):
        dossier = enrich(home, "--config", str(config))
        queued = run_opplus(
            "--config", str(config), "forward", dossier["id"], "--table", "riec", "--yes", env=home
        )
        assert queued.code == 0, queued.err
        worker = subprocess.Popen(
            [*OPPLUS, "--config", str(config), "deliver", "--lease", "2"],
            cwd=ROOT,
            env=home,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 20
        while not _received(port) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _received(port), "the receiver never got the delivery"
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        stuck = run_opplus("--config", str(config), "deliveries", env=home).out
        assert "sending" in stuck
        time.sleep(2.5)  # the dead worker's lease runs out
        assert "VASTGELOPEN" in run_opplus("--config", str(config), "deliveries", env=home).out
        again = run_opplus("--config", str(config), "deliver", env=home)
        assert again.code == 0, again.err
        rows = run_opplus("--config", str(config), "deliveries", env=home).out
        assert "acknowledged" in rows or "delivered" in rows, rows
        assert "poging 2/" in rows
        assert len(_received(port)) == 1  # the idempotency key made the resend harmless


def test_email_table_and_reporter_notice_on_the_embedded_default(home):
    """PCT by STARTTLS e-mail to the fakes' mail server; the table's feedback then
    sends the reporting colleague a notice without case details (step 7)."""
    result = run_opplus(
        "enrich",
        str(ROOT / "examples" / "1-arbeidsuitbuiting-hoorn.json"),
        "--format",
        "json",
        env=home,
    )
    dossier = json.loads(result.out)
    sent = run_opplus("forward", dossier["id"], "--table", "pct", "--yes", "--deliver", env=home)
    assert sent.code == 0 and "delivered" in sent.out, sent.out + sent.err
    delivery_id = sent.out.split("levering ")[1].split()[0]
    fb = run_opplus(
        "feedback", delivery_id, "--text", "Besproken; controle gepland.", "--from", "PCT", env=home
    )
    assert fb.code == 0, fb.err
    assert run_opplus("deliver", env=home).code == 0
    inbox = sorted((Path(home["OPPLUS_HOME"]) / "fake-smtp" / "inbox").glob("*.eml"))
    assert len(inbox) == 2
    to_pct, notice = (p.read_text() for p in inbox)
    assert "To: pct@politie.example" in to_pct and "dossier-" in to_pct
    assert "To: m.deboer@hoorn.example" in notice
    assert "Terugkoppeling op uw melding" in notice
    for secret in ("999970057", "Kleine Noord", "controle gepland", "Katarzyna"):
        assert secret not in notice


def test_subject_report_lists_what_was_forwarded_about_subjects_and_co_residents(home):
    """The signal's own person (example 3) and a co-resident found through BRP Bewoning
    at the signal's address (example 2): after a delivery to RIEC, both subject reports
    list that disclosure (and the report does not crash on its shape)."""
    for example, bsn, attribute in (
        (ROOT / "examples" / "3-criminele-uitbuiting-medemblik.json", "999970173", "leeftijd"),
        (EXAMPLE_2, "999970124", "bewoners"),
    ):
        result = run_opplus("enrich", str(example), "--format", "json", env=home)
        assert result.code == 0, result.err
        dossier = json.loads(result.out)
        sent = run_opplus(
            "forward", dossier["id"], "--table", "riec", "--yes", "--deliver", env=home
        )
        assert sent.code == 0, sent.err
        report = run_opplus("audit", "subject-report", bsn, "--format", "json", env=home)
        assert report.code == 0, report.err
        [line] = json.loads(report.out)["disclosures"]
        assert line["recipient"] == "RIEC Noord-Holland — informatieplein"
        assert attribute in line["fields"] and line["purpose_id"] == "VA-MH-01"
        text = run_opplus("audit", "subject-report", bsn, env=home)
        assert text.code == 0, text.err
        assert "Verstrekkingen aan tafels (1)" in text.out
        assert "aan RIEC Noord-Holland — informatieplein" in text.out
    hits = run_opplus("audit", "search", "--bsn", "999970124", env=home)
    assert "999970124" not in hits.out  # pseudonymised like every other disclosure
