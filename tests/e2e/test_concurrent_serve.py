"""Two `opplus serve` processes on one PostgreSQL database (replicas behind a load
balancer): a bounded concurrent load of enrichments and dossier views through both,
with both signing checkpoints on their own timers, leaves every Merkle log whole —
`opplus audit verify` passes, and each log holds exactly the entries written to it."""

from __future__ import annotations

import json
import re
import subprocess
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import psycopg
import pytest

from .conftest import OPPLUS, ROOT, clean_env, free_port, pg_config, pg_keys, run_opplus

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

EXAMPLE_1 = ROOT / "examples" / "1-arbeidsuitbuiting-hoorn.json"
REQUESTS_PER_SERVER = 20
CLIENTS_PER_SERVER = 4
ENRICH_EVERY = 4  # one request in four is an enrichment, the others dossier views
LOAD_DEADLINE_S = 40.0


def _start(
    config: Path, env: dict[str, str], log_file: Path
) -> tuple[str, subprocess.Popen[bytes]]:
    port = free_port()
    with log_file.open("wb") as stderr:
        process = subprocess.Popen(
            [*OPPLUS, "--config", str(config), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    return f"http://127.0.0.1:{port}", process


def _wait_ready(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"opplus serve at {url} did not start (exit {process.poll()})")


def _request(url: str, token: str, seed: str, n: int) -> tuple[str, str | None]:
    """Request ``n`` of a server's share: an enrichment (waited for) or a dossier view.
    Returns what it did, and what went wrong (None: nothing)."""
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=url, headers=headers, timeout=LOAD_DEADLINE_S) as client:
        if n % ENRICH_EVERY:
            shown = client.get(f"/api/v1/dossiers/{seed}")
            return "view", None if shown.status_code == 200 else f"{url} view: {shown.text}"
        accepted = client.post(
            "/api/v1/signals",
            content=EXAMPLE_1.read_bytes(),
            headers={"Content-Type": "application/json"},
        )
        if accepted.status_code != 202:
            return "enrich", f"{url} enrich: {accepted.status_code} {accepted.text[:200]}"
        deadline = time.monotonic() + LOAD_DEADLINE_S
        while time.monotonic() < deadline:
            job = client.get(accepted.json()["status_url"]).json()
            if job["state"] != "running":
                return "enrich", None if job["state"] == "done" else f"{url} job: {job}"
            time.sleep(0.1)
        return "enrich", f"{url} job still running"


def test_two_servers_on_one_database_keep_every_log_consistent(tmp_path, pg_schema):
    dsn, schema = pg_schema
    # both sign checkpoints on their own timers, often enough to meet during the load
    audit = "checkpoint_interval_minutes = 0.01"
    config = pg_config(tmp_path / "replicas.toml", dsn, schema, audit=audit)
    env = clean_env(OPPLUS_HOME=str(tmp_path / "home"), **pg_keys())
    cli = ("--config", str(config))
    # Both replicas start at once, as an orchestrator starts them: the migrations and
    # the first start's accounts must not trip over each other either.
    logs = [tmp_path / f"serve-{n}.log" for n in range(2)]
    servers = [_start(config, env, log_file) for log_file in logs]
    try:
        for url, process in servers:
            _wait_ready(url, process)
        account = ("belasting", "--name", "Belasting", "--role", "officer", "--system")
        added = run_opplus(*cli, "users", "add", *account, "--municipality", "0405", env=env)
        assert added.code == 0, added.err
        # a new account's municipality waits for a second administrator (four eyes)
        change_id = re.search(r"wijziging (\S+):", added.err).group(1)
        second = tmp_path / "second.toml"
        second.write_text(
            config.read_text().replace('id = "demo-af-westfriesland"', 'id = "tweede-beheerder"')
        )
        approved = run_opplus("--config", str(second), "users", "approve", change_id, env=env)
        assert approved.code == 0, approved.err
        made = run_opplus(*cli, "users", "token", "belasting", "--label", "last", env=env)
        assert made.code == 0, made.err
        token = made.out.split()[-1]
        seed = run_opplus(*cli, "enrich", str(EXAMPLE_1), "--format", "json", env=env)
        assert seed.code == 0, seed.err
        seed_id = json.loads(seed.out)["id"]

        started = time.monotonic()
        # Each server gets its share from several clients at once, so appends meet
        # within one process and across the two; both sign checkpoints meanwhile.
        with ThreadPoolExecutor(max_workers=2 * CLIENTS_PER_SERVER) as pool:
            futures = [
                pool.submit(_request, url, token, seed_id, n)
                for n in range(REQUESTS_PER_SERVER)
                for url, _ in servers
            ]
            results = [f.result(timeout=LOAD_DEADLINE_S + 5) for f in futures]
        assert time.monotonic() - started < LOAD_DEADLINE_S
        assert [problem for _, problem in results if problem] == []
        done = Counter(kind for kind, _ in results)
        assert done["enrich"] == 2 * len(range(0, REQUESTS_PER_SERVER, ENRICH_EVERY))
        time.sleep(2)  # let both timers sign a checkpoint of the grown logs
    finally:
        for _, process in servers:
            process.terminate()
        for _, process in servers:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()

    verified = run_opplus(*cli, "audit", "verify", env=env)
    assert verified.code == 0, verified.out + verified.err

    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"SET search_path TO {schema}")
        heads = dict(conn.execute("SELECT name, size FROM audit_logs").fetchall())
        for log, size in heads.items():
            count, low, high = conn.execute(
                "SELECT count(*), min(idx), max(idx) FROM audit_entries WHERE log = %s", (log,)
            ).fetchone()
            # every index from 0 to size-1 exactly once: no entry lost, none twice
            assert (count, low, high) == (size, 0 if size else None, size - 1 if size else None)
            signed = conn.execute(
                "SELECT count(DISTINCT size) FROM audit_checkpoints WHERE log = %s", (log,)
            ).fetchone()[0]
            assert signed >= 1, f"no checkpoint of {log}"
        actions = dict(
            conn.execute(
                "SELECT payload::json->>'action', count(*) FROM audit_entries"
                " WHERE log = 'access' AND payload::json->>'user_id' = 'belasting'"
                " AND payload::json->>'result' = 'allowed' GROUP BY 1"
            ).fetchall()
        )
    # every request through either server is in the one access log, exactly once
    assert actions.get("enrich") == done["enrich"]
    assert actions.get("view") == done["view"]
    for log_file in logs:
        text = log_file.read_text()
        assert "checkpoint_failed" not in text and "Traceback" not in text, text[-3000:]
