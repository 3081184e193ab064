"""Start-up benchmark of the command line: figures to read, not a test.

Prints the median over N runs, wall time and CPU time (user + system of the child), of

1. ``opplus --version``   (target <= 0.3 s wall)
2. ``opplus --help``
3. ``opplus enrich examples/1-arbeidsuitbuiting-hoorn.json`` on the embedded default
   (in-process fakes, a fresh data directory; target <= 1.5 s wall)

Each command runs once unmeasured first, with bytecode caching on, so the figures are
those of an installed opplus (pip and uv write the bytecode at install) rather than of
a first import from source. CPU time is the steadier figure on a shared machine: wall
time also counts waiting for a core.

``--against REV`` measures a git revision the same way (its tree exported to a
temporary directory, run with this environment's packages), for a before/after.

Run: uv run python bench/startup.py [--runs 7] [--against main]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIGNAL = "examples/1-arbeidsuitbuiting-hoorn.json"
COMMANDS = {
    "opplus --version": ["--version"],
    "opplus --help": ["--help"],
    f"opplus enrich {SIGNAL}": ["enrich", SIGNAL],
}
# the console script's own body: the same imports and the same work as `opplus ...`
_ENTRY = "import sys; sys.argv[0] = 'opplus'; from hub.cli import main; sys.exit(main())"


def _child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(tree: Path, args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one ``opplus`` run from ``tree``."""
    cpu = _child_cpu()
    wall = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _ENTRY, *args],
        cwd=tree,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - wall
    if done.returncode not in (0, 3):  # 3: an incomplete dossier, stored all the same
        raise SystemExit(f"opplus {' '.join(args)} failed ({done.returncode}):\n{done.stderr}")
    return wall, _child_cpu() - cpu


def measure(tree: Path, runs: int) -> dict[str, tuple[float, float]]:
    """Median wall and CPU seconds per command."""
    out: dict[str, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory(prefix="opplus-startup-") as home:
        env = {k: v for k, v in os.environ.items() if not k.startswith("OPPLUS_")}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env.update(OPPLUS_HOME=home, PYTHONPATH=str(tree))
        for label, args in COMMANDS.items():
            _run(tree, args, env)  # warm-up: bytecode written, keys generated
            samples = [_run(tree, args, env) for _ in range(runs)]
            out[label] = (
                statistics.median(s[0] for s in samples),
                statistics.median(s[1] for s in samples),
            )
    return out


def export(rev: str, into: Path) -> Path:
    """The tree of ``rev`` (committed files only) under ``into``."""
    archive = subprocess.run(
        ["git", "archive", "--format=tar", rev], cwd=ROOT, capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def report(title: str, figures: dict[str, tuple[float, float]]) -> None:
    print(f"\n{title}")
    print(f"  {'command':<58} {'wall (median)':>14} {'CPU (median)':>13}")
    for label, (wall, cpu) in figures.items():
        print(f"  {label:<58} {wall:>12.2f} s {cpu:>11.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="measured runs per command")
    parser.add_argument("--against", metavar="REV", help="also measure this git revision")
    options = parser.parse_args()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{os.cpu_count()} cores, load average {load}; {options.runs} runs per command")
    report("this tree", measure(ROOT, options.runs))
    if options.against:
        with tempfile.TemporaryDirectory(prefix="opplus-rev-") as tmp:
            report(options.against, measure(export(options.against, Path(tmp)), options.runs))


if __name__ == "__main__":
    main()
