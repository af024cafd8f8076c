"""Warm per-call cost of GET and POST, measured in fresh child processes, rounds interleaved.

Each round runs every variant once; a noisy moment on a shared machine then hurts all sides
alike instead of one. The figure is the median of every repeat of every round.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from dataclasses import dataclass

from bench.fixtures import Variant, side_label
from bench.shipped import REPO_ROOT


@dataclass(frozen=True)
class WarmSettings:
    rounds: int
    repeats: int
    target_seconds: float


@dataclass
class WarmResult:
    get_us: float
    post_us: float
    mutates_event: bool


def _run_child(variant: Variant, settings: WarmSettings) -> dict:
    spec = {
        "root": str(variant.root),
        "module": variant.module,
        "handler": variant.handler,
        "path": variant.path,
        "label": f"{side_label(variant.side)} ({variant.routes} routes)",
        "repeats": settings.repeats,
        "target_seconds": settings.target_seconds,
    }
    done = subprocess.run(
        [sys.executable, "-m", "bench._warm_child", json.dumps(spec)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(
            f"warm benchmark of {variant.key} failed (exit {done.returncode}):\n"
            + done.stderr.strip()
        )
    return json.loads(done.stdout)


def measure_warm(variants: list[Variant], settings: WarmSettings) -> dict[str, WarmResult]:
    samples: dict[str, dict[str, list[float]]] = {v.key: {"GET": [], "POST": []} for v in variants}
    mutates: dict[str, bool] = {v.key: False for v in variants}
    for _ in range(settings.rounds):
        for variant in variants:
            child = _run_child(variant, settings)
            for method in ("GET", "POST"):
                samples[variant.key][method].extend(child[method]["per_call_s"])
                mutates[variant.key] |= child[method]["mutates_event"]
    return {
        key: WarmResult(
            get_us=statistics.median(by_method["GET"]) * 1e6,
            post_us=statistics.median(by_method["POST"]) * 1e6,
            mutates_event=mutates[key],
        )
        for key, by_method in samples.items()
    }
