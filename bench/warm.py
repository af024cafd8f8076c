"""Warm per-call cost of GET and POST, and its ratio to the bare handler.

One child process per route count holds the bare handler and every framework with that many
routes, their timing loops interleaved (see bench._warm_child); each round starts fresh
children. A figure is the median of every repeat of every round; a ratio divides a variant's
median by that of the bare handler timed in the same processes.
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
    get_ratio: float
    post_ratio: float
    mutates_event: bool


def _run_child(group: list[Variant], settings: WarmSettings) -> dict:
    spec = {
        "variants": [
            {
                "key": v.key,
                "label": f"{side_label(v.side)} ({v.routes} routes)",
                "root": str(v.root),
                "module": v.module,
                "handler": v.handler,
                "path": v.path,
            }
            for v in group
        ],
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
        keys = ", ".join(v.key for v in group)
        raise RuntimeError(
            f"warm benchmark of {keys} failed (exit {done.returncode}):\n" + done.stderr.strip()
        )
    return json.loads(done.stdout)


def measure_warm(variants: list[Variant], settings: WarmSettings) -> dict[str, WarmResult]:
    bare = next(v for v in variants if v.side == "bare")
    groups = {
        routes: [bare, *(v for v in variants if v.routes == routes and v.side != "bare")]
        for routes in sorted({v.routes for v in variants if v.side != "bare"})
    } or {1: [bare]}
    # samples[(group routes, variant key)][method] -> seconds per call
    samples: dict[tuple[int, str], dict[str, list[float]]] = {}
    mutates: dict[str, bool] = {}
    for _ in range(settings.rounds):
        for routes, group in groups.items():
            for key, by_method in _run_child(group, settings).items():
                mutates[key] = mutates.get(key, False) or any(
                    m["mutates_event"] for m in by_method.values()
                )
                for method, result in by_method.items():
                    samples.setdefault((routes, key), {}).setdefault(method, []).extend(
                        result["per_call_s"]
                    )

    def median_us(routes: int, key: str, method: str) -> float:
        return statistics.median(samples[routes, key][method]) * 1e6

    results: dict[str, WarmResult] = {}
    for routes, group in groups.items():
        for v in group[1:]:
            get_us, post_us = median_us(routes, v.key, "GET"), median_us(routes, v.key, "POST")
            results[v.key] = WarmResult(
                get_us=get_us,
                post_us=post_us,
                get_ratio=get_us / median_us(routes, bare.key, "GET"),
                post_ratio=post_us / median_us(routes, bare.key, "POST"),
                mutates_event=mutates[v.key],
            )
    pooled = {
        method: statistics.median(
            x for (_, key), s in samples.items() if key == bare.key for x in s[method]
        )
        * 1e6
        for method in ("GET", "POST")
    }
    results[bare.key] = WarmResult(pooled["GET"], pooled["POST"], 1.0, 1.0, mutates[bare.key])
    return results
