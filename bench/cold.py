"""Cold start and peak memory: a fresh `python -I -S` imports a variant and answers one GET.

Two clocks, both reported: the whole process's wall time minus that of a baseline process that
imports nothing (the issue's "minus `python -c pass`"; the baseline runs the same child script,
so the script's own cost cancels out), and the import + first event measured inside the
process, which leaves out interpreter start-up and shutdown noise. Each is measured standalone
and after the modules the Lambda Python runtime has already imported. Rounds are interleaved
and shuffled so a noisy moment hurts all sides alike; figures are medians.
"""

from __future__ import annotations

import ast
import random
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
BASELINE = "baseline"


@dataclass
class ColdResult:
    """Milliseconds over the baseline process, per mode; peak RSS in KiB (standalone)."""

    process_ms: dict[str, float]
    in_process_ms: dict[str, float]
    peak_rss_kib: float


def _run_child(root: Path, module: str, handler: str, preload: bool) -> tuple[float, int, float]:
    command = [
        sys.executable,
        "-I",
        "-S",
        str(CHILD),
        str(root),
        SITE_PACKAGES,
        module,
        handler,
        "GET",
        "1" if preload else "0",
    ]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"cold-start child {module} in {root} failed:\n{done.stderr.strip()}")
    elapsed_ns, peak_rss_kib, status = ast.literal_eval(done.stdout.strip())
    if module != "-" and status != 200:
        raise RuntimeError(f"cold-start child {module} in {root} answered GET with {status!r}")
    return wall, peak_rss_kib, elapsed_ns / 1e6


def measure_cold(variants: list[Variant], rounds: int, seed: int = 0) -> dict[str, ColdResult]:
    """Cold-start figures per variant key; the BASELINE key holds the empty process itself."""
    jobs = [(BASELINE, variants[0].root, "-", "-")] + [
        (v.key, v.root, v.module, v.handler) for v in variants
    ]
    for _, root, module, handler in jobs:  # write bytecode caches, as a deployed app has them
        _run_child(root, module, handler, preload=False)
    wall: dict[tuple[str, str], list[float]] = {}
    inside: dict[tuple[str, str], list[float]] = {}
    rss: dict[str, list[int]] = {}
    order = [(job, mode) for job in jobs for mode in MODES]
    shuffler = random.Random(seed)
    for _ in range(rounds):
        shuffler.shuffle(order)
        for (key, root, module, handler), mode in order:
            seconds, peak_rss_kib, inside_ms = _run_child(
                root, module, handler, mode == "preloaded"
            )
            wall.setdefault((key, mode), []).append(seconds * 1e3)
            inside.setdefault((key, mode), []).append(inside_ms)
            if mode == "standalone":
                rss.setdefault(key, []).append(peak_rss_kib)
    results = {}
    for key, *_ in jobs:
        results[key] = ColdResult(
            process_ms={
                mode: statistics.median(wall[key, mode]) - statistics.median(wall[BASELINE, mode])
                for mode in MODES
            },
            in_process_ms={mode: statistics.median(inside[key, mode]) for mode in MODES},
            peak_rss_kib=statistics.median(rss[key]),
        )
    results[BASELINE].process_ms = {
        mode: statistics.median(wall[BASELINE, mode]) for mode in MODES
    }  # the baseline's own wall time, for the record
    return results
