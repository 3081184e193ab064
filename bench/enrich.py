"""Benchmark of an enrichment: figures to read, not a test (machines here are shared).

Prints:
1. critical-path efficiency: the fakes inject a latency per request, per registry;
   the critical path is the physical limit those latencies set, summed over the
   rounds (the slowest call of a round, a call as long as its chain of requests that
   wait for each other), divided by the measured wall time (target >= 0.90);
2. the same signal done sequentially, one call after another, and the speed-up;
3. the hub's CPU per enrichment, zero-latency fakes over loopback HTTP, against a raw
   httpx replay of the very requests the connectors sent (the same method, URL,
   headers and body, one plain ``httpx.AsyncClient``, each round's requests at once,
   over the same fakes server): the hub's overhead (target ratio <= 1.5x);
4. throughput over loopback HTTP;
5. ``opplus enrich`` end to end, a subprocess on the embedded default (start-up, the
   store and the logs included; target <= 1.5 s wall), and with latency injected
   against the critical path of that latency;
6. the SOAP call overhead of the Bibob connector, compared with a JSON registry call;
then the rows for the README's benchmark table.

Run: uv run python bench/enrich.py [--quick]   (--quick: under a minute)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import AsyncExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hub.config import Config, FakesMode, default_config_text, load_config  # noqa: E402
from hub.dossier import Dossier  # noqa: E402
from hub.engine import Enricher  # noqa: E402
from hub.logging import configure_logging  # noqa: E402
from hub.runtime import Runtime  # noqa: E402
from hub.signal import load_signal  # noqa: E402
from plugins import Officer  # noqa: E402

#: seconds each fake waits before every answer (its ``latency_s``)
LATENCY = {
    "brp": 0.120,
    "kvk": 0.080,
    "bag": 0.060,
    "bewoning": 0.100,
    "handhaving": 0.090,
    "bibob": 0.150,
}
#: the one latency every fake gets in the end-to-end run (a config file has one value)
CLI_LATENCY = 0.100
SIGNAL = ROOT / "examples" / "1-arbeidsuitbuiting-hoorn.json"
OFFICER = Officer("bench", "Benchmark", "0405")


# --- what the connectors send ------------------------------------------------------


@dataclass(frozen=True)
class Sent:
    """One request as a connector put it on the wire, and its answer's status."""

    method: str
    url: str
    headers: list[tuple[bytes, bytes]]
    body: bytes
    status: int
    started: float
    ended: float

    @property
    def span(self) -> str | None:
        """The span of the connector call that sent it (its W3C ``traceparent``)."""
        for name, value in self.headers:
            if name.lower() == b"traceparent":
                return value.decode().split("-")[2]
        return None


@contextmanager
def recording(transport: type[httpx.AsyncBaseTransport]) -> Iterator[list[Sent]]:
    """Record every request that passes through ``transport`` while entered.

    Connectors build their clients themselves; patching the transport class (and
    restoring it) is how this script sees their requests without a hook in the hub.
    """
    sent: list[Sent] = []
    original = transport.handle_async_request

    async def handle(self: Any, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        started = time.perf_counter()
        response = await original(self, request)
        sent.append(
            Sent(
                request.method,
                str(request.url),
                list(request.headers.raw),
                body,
                response.status_code,
                started,
                time.perf_counter(),
            )
        )
        return response

    transport.handle_async_request = handle  # type: ignore[method-assign]
    try:
        yield sent
    finally:
        transport.handle_async_request = original  # type: ignore[method-assign]


def registry(call: str) -> str:
    """The connector of a call key (``connector/span``)."""
    return call.split("/")[0]


def by_call(sent: Sequence[Sent], dossier: Dossier) -> dict[tuple[int, str], list[Sent]]:
    """The requests of each connector call, keyed by (round, "connector/span"), found
    by the span in their ``traceparent``; a request of no call (none seen so far) would
    land under (0, "?")."""
    outcomes = {o.span_id: o for o in dossier.outcomes if o.span_id}
    calls: dict[tuple[int, str], list[Sent]] = defaultdict(list)
    for request in sent:
        outcome = outcomes.get(request.span or "")
        key = (outcome.round, f"{outcome.connector}/{outcome.span_id}") if outcome else (0, "?")
        calls[key].append(request)
    return calls


def chain(requests: Sequence[Sent]) -> int:
    """The longest run of requests in one call that each waited for an earlier answer
    (started after it ended): the number of latencies the call cannot overlap."""
    depth: list[int] = []
    ordered = sorted(requests, key=lambda r: r.started)
    for i, request in enumerate(ordered):
        before = [depth[j] for j in range(i) if ordered[j].ended <= request.started]
        depth.append(1 + max(before, default=0))
    return max(depth, default=0)


def critical_paths(
    calls: dict[tuple[int, str], list[Sent]], latency: dict[str, float]
) -> tuple[float, float]:
    """In ms: (one request per call, the calls' request chains), each summed over the
    rounds of the slowest call."""
    single: dict[int, float] = defaultdict(float)
    chained: dict[int, float] = defaultdict(float)
    for (round_no, call), requests in calls.items():
        wait = latency.get(registry(call), 0.0) * 1000
        single[round_no] = max(single[round_no], wait)
        chained[round_no] = max(chained[round_no], wait * chain(requests))
    return sum(single.values()), sum(chained.values())


# --- the hub, in-process ---------------------------------------------------------------


def config(**engine: int) -> Config:
    base = load_config(None)
    return base.model_copy(
        update={
            "engine": base.engine.model_copy(update=engine),
            "fakes": base.fakes.model_copy(update={"mode": FakesMode.IN_PROCESS}),
        }
    )


@dataclass(frozen=True)
class Timed:
    wall_ms: float
    single_ms: float
    chained_ms: float
    calls: int
    depth: dict[int, int]  # per round: the longest request chain of a call


async def in_process(repeats: int, one_by_one: int) -> tuple[list[Timed], list[float]]:
    """``repeats`` enrichments as the hub does them, then ``one_by_one`` with one call
    at a time (wall ms), on one runtime, after one warm-up (tokens, WSDL)."""
    per_fake = {name: {"latency_s": s} for name, s in LATENCY.items()}
    signal = load_signal(SIGNAL)
    out = []
    async with Runtime.build(config(), fake_options={"per_fake": per_fake}) as rt:
        enricher = rt.enricher()
        await enricher.enrich(signal, OFFICER)
        for _ in range(repeats):
            with recording(httpx.ASGITransport) as sent:
                t0 = time.perf_counter()
                run = await enricher.enrich(signal, OFFICER)
                wall = (time.perf_counter() - t0) * 1000
            calls = by_call(sent, run.dossier)
            single, chained = critical_paths(calls, LATENCY)
            depth: dict[int, int] = defaultdict(int)
            for (round_no, _), requests in calls.items():
                depth[round_no] = max(depth[round_no], chain(requests))
            made = sum(1 for o in run.dossier.outcomes if o.attempts)
            out.append(Timed(wall, single, chained, made, dict(depth)))
        sequential = Enricher(config(max_concurrency=1), rt.handles)
        walls = []
        for _ in range(one_by_one):
            t0 = time.perf_counter()
            await sequential.enrich(signal, OFFICER)
            walls.append((time.perf_counter() - t0) * 1000)
    return out, walls


# --- over loopback HTTP ------------------------------------------------------------------


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


async def replay(
    clients: dict[str, httpx.AsyncClient], calls: dict[tuple[int, str], list[Sent]]
) -> int:
    """Send the recorded requests again as the hub did: round after round, the calls of
    a round at once, each call's requests in the order sent, a client per registry.
    Returns how many answers differ in status from the recorded ones (0: faithful).

    Not all of a round's requests at once on one client: httpx's connection pool pays
    for many waiting requests, so that replay costs more CPU than the hub itself.
    """

    async def call(key: tuple[int, str], requests: list[Sent]) -> int:
        client = clients[registry(key[1])]
        differ = 0
        for r in requests:
            answer = await client.request(r.method, r.url, headers=r.headers, content=r.body)
            differ += answer.status_code != r.status
        return differ

    differ = 0
    for round_no in sorted({n for n, _ in calls}):
        mine = [call(key, requests) for key, requests in calls.items() if key[0] == round_no]
        differ += sum(await asyncio.gather(*mine))
    return differ


@dataclass(frozen=True)
class Loopback:
    hub_cpu_ms: float
    replay_cpu_ms: float
    requests: int
    differ: int
    throughput: float
    signals: int
    concurrency: int


async def cpu_ms(work: Callable[[], Awaitable[None]], runs: int) -> float:
    """CPU milliseconds of this process per run of ``work``."""
    cpu0 = time.process_time()
    for _ in range(runs):
        await work()
    return (time.process_time() - cpu0) * 1000 / runs


async def over_loopback(
    url: str, *, runs: int, blocks: int, signals: int, concurrency: int
) -> Loopback:
    signal = load_signal(SIGNAL)
    async with Runtime.build(load_config(None, fakes_url=url)) as rt:
        enricher = rt.enricher()
        await enricher.enrich(signal, OFFICER)  # warm-up: tokens, WSDL, connections
        with recording(httpx.AsyncHTTPTransport) as sent:
            run = await enricher.enrich(signal, OFFICER)
        calls = by_call(sent, run.dossier)

        async def hub() -> None:
            await enricher.enrich(signal, OFFICER)

        async with AsyncExitStack() as stack:
            names = {registry(call) for _, call in calls}
            clients = {name: await stack.enter_async_context(httpx.AsyncClient()) for name in names}
            differ = await replay(clients, calls)  # warm-up: connections

            async def raw() -> None:
                nonlocal differ
                differ += await replay(clients, calls)

            # in turns, the least of each: what other work on the machine adds is noise
            hub_cpu, replay_cpu = [], []
            for _ in range(blocks):
                hub_cpu.append(await cpu_ms(hub, runs))
                replay_cpu.append(await cpu_ms(raw, runs))

        gate = asyncio.Semaphore(concurrency)

        async def one() -> None:
            async with gate:
                await enricher.enrich(signal, OFFICER)

        t0 = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(signals)))
        throughput = signals / (time.perf_counter() - t0)
    return Loopback(
        min(hub_cpu), min(replay_cpu), len(sent), differ, throughput, signals, concurrency
    )


# --- the command line, end to end -------------------------------------------------------


@dataclass(frozen=True)
class Cli:
    fresh_s: float  # the first run in a fresh data directory: it also makes the keys,
    # and compiles the bytecode
    wall_s: float  # median of the next runs
    cpu_s: float  # their median CPU (user + system), which a busy machine does not inflate
    latency_wall_s: float  # median with CLI_LATENCY injected per request


def cli_runs(runs: int) -> Cli:
    """``opplus enrich`` as a user runs it, in one fresh data directory."""
    opplus = shutil.which("opplus", path=str(Path(sys.executable).parent))
    command = [opplus] if opplus else [sys.executable, "-m", "hub"]
    with tempfile.TemporaryDirectory() as home:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("OPPLUS_") and k != "PYTHONDONTWRITEBYTECODE"
        }
        env["OPPLUS_HOME"] = home
        # bytecode cached as on any installed machine after its first run (without it
        # every run compiles ~900 modules); kept here, out of the source tree
        env["PYTHONPYCACHEPREFIX"] = str(Path(home) / "pycache")
        latency = Path(home) / "latency.toml"
        latency.write_text(
            default_config_text().replace("[fakes]\n", f"[fakes]\nlatency_s = {CLI_LATENCY}\n"),
            encoding="utf-8",
        )
        out = str(Path(home) / "dossier.json")

        def once(extra: dict[str, str]) -> tuple[float, float]:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            done = subprocess.run(
                [*command, "enrich", str(SIGNAL), "--format", "json", "--out", out],
                cwd=ROOT,
                env={**env, **extra},
                capture_output=True,
                check=False,
            )
            wall = time.perf_counter() - t0
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if done.returncode not in (0, 3):
                raise SystemExit(f"opplus enrich failed:\n{done.stderr.decode()}")
            cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
            return wall, cpu

        fresh, _ = once({})
        plain = [once({}) for _ in range(runs)]
        slow = [once({"OPPLUS_CONFIG": str(latency)})[0] for _ in range(runs)]
    return Cli(
        fresh,
        statistics.median(w for w, _ in plain),
        statistics.median(c for _, c in plain),
        statistics.median(slow),
    )


# --- the report --------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (< 1 min)")
    args = parser.parse_args()
    configure_logging(level="WARNING")
    quick = args.quick
    rows: list[tuple[str, str]] = []

    print("Latency injected per request (s):", ", ".join(f"{k}={v}" for k, v in LATENCY.items()))
    concurrent, sequential = asyncio.run(in_process(3 if quick else 10, 1 if quick else 3))
    walls = [t.wall_ms for t in concurrent]
    eff = [t.chained_ms / t.wall_ms for t in concurrent]
    first = concurrent[0]
    depths = ", ".join(f"round {n}: {d}" for n, d in sorted(first.depth.items()))
    print(
        f"1. Critical path {first.chained_ms:.0f} ms (per round the slowest call, a call "
        f"as long as its chain of requests: longest chain {depths}); wall median "
        f"{statistics.median(walls):.0f} ms for {first.calls} registry calls; "
        f"efficiency median {statistics.median(eff):.3f} (min {min(eff):.3f}); target >= 0.90"
    )
    print(
        f"   (counting one request per call the limit would be {first.single_ms:.0f} ms: "
        "the rest is the connectors' requests that wait for each other)"
    )
    rows.append(
        (
            "critical-path efficiency (injected latencies: per round the slowest call's "
            "chain of requests, summed ÷ wall time; target ≥ 0.90)",
            f"median {statistics.median(eff):.2f} (min {min(eff):.2f}); critical path "
            f"{first.chained_ms / 1000:.2f} s",
        )
    )
    rows.append(("wall time, concurrent", f"{statistics.median(walls) / 1000:.2f} s"))

    seq_wall = statistics.median(sequential)
    speedup = seq_wall / statistics.median(walls)
    print(
        f"2. Sequential (one call after another): median {seq_wall:.0f} ms; "
        f"concurrent is {speedup:.1f}x faster"
    )
    rows.append(
        (
            "the same signal one call after another",
            f"{seq_wall / 1000:.1f} s (concurrent is {speedup:.1f}× faster)",
        )
    )

    proc, url = start_fakes_server()
    try:
        loop = asyncio.run(
            over_loopback(
                url,
                runs=10,
                blocks=3 if quick else 10,
                signals=20 if quick else 200,
                concurrency=20,
            )
        )
    finally:
        proc.terminate()
        proc.wait()
    ratio = loop.hub_cpu_ms / loop.replay_cpu_ms
    print(
        f"3. CPU per enrichment, zero-latency fakes over loopback HTTP: hub "
        f"{loop.hub_cpu_ms:.1f} ms; raw httpx replay of its {loop.requests} requests "
        f"{loop.replay_cpu_ms:.1f} ms; hub / replay {ratio:.2f}x (target <= 1.5x; "
        f"replayed answers that differ: {loop.differ})"
    )
    print(
        f"4. Throughput: {loop.signals} signals at concurrency {loop.concurrency}: "
        f"{loop.throughput:.1f} signals/s (the fakes server is one uvicorn process on "
        "the same cores)"
    )
    rows.append(
        (
            "CPU per enrichment, zero-latency fakes over loopback HTTP: hub vs a raw httpx "
            "replay of its requests (target ≤ 1.5×)",
            f"{loop.hub_cpu_ms:.0f} ms vs {loop.replay_cpu_ms:.0f} ms ({loop.requests} "
            f"requests) = {ratio:.1f}×",
        )
    )
    rows.append(
        (
            f"throughput, {loop.signals} signals at concurrency {loop.concurrency} over "
            "loopback HTTP",
            f"{loop.throughput:.1f} signals/s (the fakes server shares the cores)",
        )
    )

    runs = 1 if quick else 5
    cli = cli_runs(runs)
    cli_cp = sum(CLI_LATENCY * d for d in first.depth.values())
    print(
        f"5. opplus enrich, end to end (a subprocess; store and logs included), median of "
        f"{runs}: embedded default {cli.wall_s:.2f} s wall, {cli.cpu_s:.2f} s CPU (target "
        f"<= 1.5 s wall; first run in a fresh data directory, making keys: "
        f"{cli.fresh_s:.2f} s); with {CLI_LATENCY:g} s injected per request "
        f"{cli.latency_wall_s:.2f} s against a critical path of {cli_cp:.2f} s "
        f"({cli.latency_wall_s - cli_cp:.2f} s above it)"
    )
    rows.append(
        (
            "`opplus enrich`, end to end on the embedded default (start-up, store and "
            "logs included; target ≤ 1.5 s wall)",
            f"{cli.wall_s:.2f} s wall, {cli.cpu_s:.2f} s CPU (first run, making keys: "
            f"{cli.fresh_s:.2f} s)",
        )
    )
    rows.append(
        (
            f"the same with {CLI_LATENCY * 1000:.0f} ms injected per request, against "
            "its critical path",
            f"{cli.latency_wall_s:.2f} s vs {cli_cp:.2f} s",
        )
    )

    soap = ROOT / "bench" / "soap_overhead.py"
    if soap.exists():
        print("6. SOAP call overhead (bench/soap_overhead.py):")
        sys.stdout.flush()
        subprocess.run(
            [sys.executable, str(soap), *(["50"] if quick else [])], cwd=ROOT, check=False
        )

    print("\nRows for the README's benchmark table:\n")
    for figure, value in rows:
        print(f"| {figure} | {value} |")


if __name__ == "__main__":
    main()
