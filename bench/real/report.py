"""Medians and ratios to the bare boto3-client handler, as a Markdown table and JSON."""

from __future__ import annotations

import statistics
from typing import Any

from bench.real.runner import BASELINE, Samples
from bench.real.sides import side

REFERENCE = "bare_client"


def _median(rows: list[dict[str, float]], field: str) -> float:
    return statistics.median(row[field] for row in rows)


def summarise(samples: Samples, keys: tuple[str, ...]) -> dict[str, dict[str, float]]:
    base_rss = _median(samples.cold[BASELINE, "GET"], "rss_kib")
    base_cpu = {m: _median(samples.cold[BASELINE, m], "process_cpu_ms") for m in ("GET", "POST")}
    figures: dict[str, dict[str, float]] = {}
    for key in keys:
        row: dict[str, float] = {}
        for method in ("GET", "POST"):
            cold = samples.cold[key, method]
            row[f"cold_{method}_cpu_ms"] = _median(cold, "cpu_ms")
            row[f"cold_{method}_wall_ms"] = _median(cold, "wall_ms")
            row[f"cold_{method}_process_cpu_ms"] = (
                _median(cold, "process_cpu_ms") - base_cpu[method]
            )
            for phase in ("real", "stubbed"):
                warm = samples.warm[key, phase, method]
                row[f"{phase}_{method}_cpu_us"] = _median(warm, "cpu_us")
                row[f"{phase}_{method}_wall_us"] = _median(warm, "wall_us")
        row["rss_mib"] = _median(samples.cold[key, "GET"], "rss_kib") / 1024
        row["rss_over_empty_mib"] = row["rss_mib"] - base_rss / 1024
        figures[key] = row
    return figures


def ratio(figures: dict[str, dict[str, float]], key: str, field: str) -> float:
    return figures[key][field] / figures[REFERENCE][field]


COLUMNS = (
    ("cold GET CPU ms", "cold_GET_cpu_ms", "{:.1f}"),
    ("cold GET wall ms", "cold_GET_wall_ms", "{:.1f}"),
    ("cold POST CPU ms", "cold_POST_cpu_ms", "{:.1f}"),
    ("warm GET CPU µs", "real_GET_cpu_us", "{:.0f}"),
    ("warm GET wall µs", "real_GET_wall_us", "{:.0f}"),
    ("warm POST CPU µs", "real_POST_cpu_us", "{:.0f}"),
    ("stubbed GET CPU µs", "stubbed_GET_cpu_us", "{:.0f}"),
    ("stubbed POST CPU µs", "stubbed_POST_cpu_us", "{:.0f}"),
)


def markdown(figures: dict[str, dict[str, float]], facts: dict[str, Any]) -> str:
    keys = list(figures)
    head = "| side | " + " | ".join(c[0] for c in COLUMNS) + " | peak RSS MiB |"
    lines = [head, "|" + "---|" * (len(COLUMNS) + 2)]
    for key in keys:
        cells = []
        for _, field, fmt in COLUMNS:
            cells.append(f"{fmt.format(figures[key][field])} ({ratio(figures, key, field):.2f}x)")
        over = figures[key]["rss_mib"] - figures[REFERENCE]["rss_mib"]
        rss = f"{figures[key]['rss_mib']:.1f} ({over:+.1f})"
        lines.append(f"| {side(key).label} | " + " | ".join(cells) + f" | {rss} |")
    lines += ["", *target_lines(figures), "", *(f"- {k}: {v}" for k, v in facts.items())]
    return "\n".join(lines) + "\n"


def targets(figures: dict[str, dict[str, float]]) -> list[tuple[str, float, bool]]:
    if "tight" not in figures:
        return []
    rss_over = figures["tight"]["rss_mib"] - figures[REFERENCE]["rss_mib"]
    checks = [
        ("cold GET ≤ 1.0x bare client", ratio(figures, "tight", "cold_GET_cpu_ms"), 1.0),
        ("cold POST ≤ 1.0x bare client", ratio(figures, "tight", "cold_POST_cpu_ms"), 1.0),
        ("warm GET ≤ 1.1x bare client", ratio(figures, "tight", "real_GET_cpu_us"), 1.1),
        ("warm POST ≤ 1.1x bare client", ratio(figures, "tight", "real_POST_cpu_us"), 1.1),
        ("peak RSS ≤ +1 MiB over bare client", rss_over, 1.0),
    ]
    return [(name, value, value <= limit) for name, value, limit in checks]


def target_lines(figures: dict[str, dict[str, float]]) -> list[str]:
    rows = targets(figures)
    if not rows:
        return []
    lines = ["| target (Tight) | measured | met |", "|---|---|---|"]
    for name, value, met in rows:
        shown = f"{value:+.2f} MiB" if "MiB" in name else f"{value:.2f}x"
        lines.append(f"| {name} | {shown} | {'yes' if met else '**no**'} |")
    return lines
