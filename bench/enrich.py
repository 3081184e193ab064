"""Benchmark of an enrichment: figures to read, not a test (machines here are shared).

Prints:
1. critical-path efficiency — fakes with injected latency per registry; the sum over
   rounds of the slowest call, divided by the measured wall time (target >= 0.90);
2. the same signal done sequentially, one call after another, and the speed-up;
3. CPU milliseconds per enrichment with zero-latency fakes over loopback HTTP;
4. throughput for 200 signals at concurrency 20 over loopback HTTP;
5. the SOAP call overhead of the Bibob connector, compared with a JSON registry call.

Run: uv run python bench/enrich.py [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hub.config import FakesMode, load_config  # noqa: E402
from hub.dossier import Dossier  # noqa: E402
from hub.logging import configure_logging  # noqa: E402
from hub.runtime import Runtime  # noqa: E402
from hub.signal import load_signal  # noqa: E402
from plugins import Officer  # noqa: E402

LATENCY = {
    "brp": 0.120,
    "kvk": 0.080,
    "bag": 0.060,
    "bewoning": 0.100,
    "handhaving": 0.090,
    "bibob": 0.150,
}
SIGNAL = ROOT / "examples" / "1-arbeidsuitbuiting-hoorn.json"
OFFICER = Officer("bench", "Benchmark", "0405")


def critical_path(dossier: Dossier) -> float:
    """Sum over rounds of the slowest call, in ms."""
    slowest: dict[int, float] = defaultdict(float)
    for o in dossier.outcomes:
        if o.attempts:
            slowest[o.round] = max(slowest[o.round], o.duration_ms)
    return sum(slowest.values())


def config(**engine: int):
    base = load_config(None)
    return base.model_copy(
        update={
            "engine": base.engine.model_copy(update=engine),
            "fakes": base.fakes.model_copy(update={"mode": FakesMode.IN_PROCESS}),
        }
    )


async def in_process(repeats: int, **engine: int) -> list[tuple[float, float, int]]:
    per_fake = {name: {"latency_s": s} for name, s in LATENCY.items()}
    signal = load_signal(SIGNAL)
    out = []
    async with Runtime.build(config(**engine), fake_options={"per_fake": per_fake}) as rt:
        enricher = rt.enricher()
        await enricher.enrich(signal, OFFICER)  # warm-up: tokens, WSDL, connections
        for _ in range(repeats):
            t0 = time.perf_counter()
            run = await enricher.enrich(signal, OFFICER)
            wall = (time.perf_counter() - t0) * 1000
            calls = sum(1 for o in run.dossier.outcomes if o.attempts)
            out.append((critical_path(run.dossier), wall, calls))
    return out


def start_fakes_server() -> tuple[subprocess.Popen[bytes], str]:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPPLUS_")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "hub", "fakes", "serve", "--port", str(port), "--no-mail"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            httpx.get(f"{url}/_fakes", timeout=1)
            return proc, url
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("fakes server did not start")


async def over_loopback(url: str, cpu_runs: int, signals: int, concurrency: int) -> None:
    signal = load_signal(SIGNAL)
    async with Runtime.build(load_config(None, fakes_url=url)) as rt:
        enricher = rt.enricher()
        await enricher.enrich(signal, OFFICER)
        cpu0 = time.process_time()
        for _ in range(cpu_runs):
            await enricher.enrich(signal, OFFICER)
        cpu_ms = (time.process_time() - cpu0) * 1000 / cpu_runs
        print(
            f"3. CPU per enrichment (hub process, zero-latency fakes over loopback HTTP): "
            f"{cpu_ms:.1f} ms  (mean of {cpu_runs})"
        )

        gate = asyncio.Semaphore(concurrency)
        failures = 0

        async def one() -> None:
            nonlocal failures
            async with gate:
                run = await enricher.enrich(signal, OFFICER)
                failures += not run.dossier.complete

        t0 = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(signals)))
        wall = time.perf_counter() - t0
        print(
            f"4. Throughput: {signals} signals at concurrency {concurrency}: "
            f"{signals / wall:.1f} signals/s ({wall:.1f} s; incomplete dossiers: {failures}; "
            "the fakes server is one uvicorn process on the same 2 cores)"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args()
    configure_logging(level="WARNING")
    repeats = 3 if args.quick else 10

    print("Latency injected per call (s):", ", ".join(f"{k}={v}" for k, v in LATENCY.items()))
    concurrent = asyncio.run(in_process(repeats))
    eff = [cp / wall for cp, wall, _ in concurrent]
    walls = [wall for _, wall, _ in concurrent]
    calls = concurrent[0][2]
    print(
        f"1. Critical-path efficiency: median {statistics.median(eff):.3f} "
        f"(min {min(eff):.3f}); wall median {statistics.median(walls):.0f} ms for "
        f"{calls} registry calls in 2 rounds; target >= 0.90"
    )

    sequential = asyncio.run(in_process(max(1, repeats // 3), max_concurrency=1))
    seq_wall = statistics.median(w for _, w, _ in sequential)
    print(
        f"2. Sequential (one call after another): median {seq_wall:.0f} ms; "
        f"concurrent is {seq_wall / statistics.median(walls):.1f}x faster"
    )

    proc, url = start_fakes_server()
    try:
        asyncio.run(
            over_loopback(url, cpu_runs=10 if args.quick else 50, signals=200, concurrency=20)
        )
    finally:
        proc.terminate()
        proc.wait()

    soap = ROOT / "bench" / "soap_overhead.py"
    if soap.exists():
        print("5. SOAP call overhead (bench/soap_overhead.py):")
        sys.stdout.flush()
        subprocess.run(
            [sys.executable, str(soap), *(["--quick"] if args.quick else [])], cwd=ROOT, check=False
        )


if __name__ == "__main__":
    main()
