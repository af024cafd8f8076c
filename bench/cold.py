"""Cold start and peak memory: a fresh `python -I -S -B` imports a variant and answers one GET.

Two clocks: the whole process's CPU time (user + system) minus that of a baseline process that
imports nothing (cold start minus `python -c pass`; the baseline runs the same child script,
so the script's own cost cancels out), and the CPU time of the import + first event measured
inside the process, which leaves out interpreter start-up and shutdown. CPU time, because on
a shared machine wall-clock time mostly measures the neighbours (it is kept in the JSON).
Each is measured standalone and after the modules the Lambda Python runtime has already
imported. Rounds are interleaved and shuffled so a noisy moment hurts all sides alike;
figures are medians.
"""

from __future__ import annotations

import ast
import os
import random
import resource
import statistics
import subprocess
import sys
import sysconfig
import time
from dataclasses import dataclass
from pathlib import Path

from bench.fixtures import Variant

CHILD = Path(__file__).with_name("_cold_child.py")
SITE_PACKAGES = sysconfig.get_paths()["purelib"]  # where the peers are installed
MODES = ("standalone", "preloaded")
# Lambda sets these for every function; Tight defers GC during init only when it sees them.
LAMBDA_ENV = {**os.environ, "AWS_LAMBDA_FUNCTION_NAME": "bench-function", "AWS_REGION": "us-east-1"}
BASELINE = "baseline"


@dataclass
class ColdResult:
    """Per mode: CPU ms of the whole process over the baseline process (`process_ms`), the
    same in wall-clock time (`process_wall_ms`, noisy on a shared machine) and CPU ms of the
    import + first event inside the process (`in_process_ms`); peak RSS in KiB (standalone)."""

    process_ms: dict[str, float]
    process_wall_ms: dict[str, float]
    in_process_ms: dict[str, float]
    peak_rss_kib: float


@dataclass
class _Run:
    cpu_ms: float
    wall_ms: float
    inside_ms: float
    peak_rss_kib: int


def _children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run_child(root: Path, module: str, handler: str, preload: bool) -> _Run:
    command = [
        # -B: as deployed (read-only /var/task), only the .pyc the artifact ships are used.
        *(sys.executable, "-I", "-S", "-B", str(CHILD), str(root), SITE_PACKAGES),
        *(module, handler, "GET", "1" if preload else "0"),
    ]
    cpu_before, wall_before = _children_cpu_seconds(), time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=LAMBDA_ENV)
    # Children are reaped one at a time, so the delta is this child's own user + system time.
    cpu, wall = _children_cpu_seconds() - cpu_before, time.perf_counter() - wall_before
    if done.returncode != 0:
        raise RuntimeError(f"cold-start child {module} in {root} failed:\n{done.stderr.strip()}")
    inside_ns, peak_rss_kib, status = ast.literal_eval(done.stdout.strip())
    if module != "-" and status != 200:
        raise RuntimeError(f"cold-start child {module} in {root} answered GET with {status!r}")
    return _Run(cpu * 1e3, wall * 1e3, inside_ns / 1e6, peak_rss_kib)


def measure_cold(variants: list[Variant], rounds: int, seed: int = 0) -> dict[str, ColdResult]:
    """Cold-start figures per variant key; the BASELINE key holds the empty process itself."""
    jobs = [(BASELINE, variants[0].root, "-", "-")] + [
        (v.key, v.root, v.module, v.handler) for v in variants
    ]
    for _, root, module, handler in jobs:  # an untimed pass: every answer checked first
        _run_child(root, module, handler, preload=False)
    runs: dict[tuple[str, str], list[_Run]] = {}
    order = [(job, mode) for job in jobs for mode in MODES]
    shuffler = random.Random(seed)
    for _ in range(rounds):
        shuffler.shuffle(order)
        for (key, root, module, handler), mode in order:
            run = _run_child(root, module, handler, mode == "preloaded")
            runs.setdefault((key, mode), []).append(run)

    def median(key: str, mode: str, field: str) -> float:
        return statistics.median(getattr(run, field) for run in runs[key, mode])

    def over_baseline(key: str, field: str) -> dict[str, float]:
        return {
            mode: median(key, mode, field)
            - (0 if key == BASELINE else median(BASELINE, mode, field))
            for mode in MODES
        }  # the baseline's own figures are kept as they are, for the record

    return {
        key: ColdResult(
            process_ms=over_baseline(key, "cpu_ms"),
            process_wall_ms=over_baseline(key, "wall_ms"),
            in_process_ms={mode: median(key, mode, "inside_ms") for mode in MODES},
            peak_rss_kib=median(key, "standalone", "peak_rss_kib"),
        )
        for key, *_ in jobs
    }
