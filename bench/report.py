"""Turn measurements into the Markdown report (tables + targets) and a JSON record.

Ratios are always to the bare handler. The targets are Tight's performance goals (set in
`targets()` below); the report says whether each is met and never fails the run over a missed
one: timing is the benchmark's business, not a test's.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from bench.cold import BASELINE, ColdResult
from bench.fixtures import Variant, side_label
from bench.warm import WarmResult

MIB = 1024  # peak RSS is in KiB
FIFTY_VS_ONE_TOLERANCE_MS = 0.5  # below the noise floor of a fresh-process measurement


@dataclass
class Measurements:
    variants: list[Variant]
    warm: dict[str, WarmResult]
    cold: dict[str, ColdResult]
    shipped_bytes: dict[str, int | None]
    environment: dict[str, Any]
    settings: dict[str, Any]
    notes: list[str] = field(default_factory=list)


def _ratio(value: float, base: float) -> str:
    return f"{value / base:.1f}x" if base > 0 else "n/a"


def _row_values(m: Measurements, v: Variant) -> list[str]:
    warm = m.warm[v.key]
    bare_cold, cold = m.cold["bare-1"], m.cold[v.key]
    bare_size, size = m.shipped_bytes["bare"], m.shipped_bytes[v.side]
    if v.side == "bare":
        cold_cells = [
            f"{cold.process_ms[mode]:+.1f} over empty process"
            for mode in ("standalone", "preloaded")
        ]
        rss_cell = f"{cold.peak_rss_kib / MIB:.1f} MiB total"
    else:
        cold_cells = [
            f"{cold.process_ms[mode] - bare_cold.process_ms[mode]:+.1f} "
            f"({_ratio(cold.in_process_ms[mode], bare_cold.in_process_ms[mode])})"
            for mode in ("standalone", "preloaded")
        ]
        rss_cell = (
            f"{(cold.peak_rss_kib - bare_cold.peak_rss_kib) / MIB:+.1f} MiB "
            f"({_ratio(cold.peak_rss_kib, bare_cold.peak_rss_kib)})"
        )
    size_cell = "n/a" if size is None else f"{size / 1000:.1f} KB ({_ratio(size, bare_size or 0)})"
    return [
        side_label(v.side),
        str(v.routes),
        f"{warm.get_us:.2f} ({warm.get_ratio:.1f}x)",
        f"{warm.post_us:.2f} ({warm.post_ratio:.1f}x)",
        *cold_cells,
        rss_cell,
        size_cell,
    ]


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def summary_table(m: Measurements) -> str:
    header = [
        "side",
        "routes",
        "warm GET µs (xbare)",
        "warm POST µs (xbare)",
        "cold ms over bare",
        "cold ms over bare, after Lambda preloads",
        "peak RSS over bare",
        "shipped, zipped",
    ]
    return _table(header, [_row_values(m, v) for v in m.variants])


def cold_detail_table(m: Measurements) -> str:
    header = [
        "side",
        "routes",
        "process CPU - empty process, ms",
        "same, after preloads",
        "import + 1st event, in-process CPU ms",
        "same, after preloads",
    ]
    rows = []
    for v in m.variants:
        cold = m.cold[v.key]
        rows.append(
            [
                side_label(v.side),
                str(v.routes),
                f"{cold.process_ms['standalone']:.2f}",
                f"{cold.process_ms['preloaded']:.2f}",
                f"{cold.in_process_ms['standalone']:.2f}",
                f"{cold.in_process_ms['preloaded']:.2f}",
            ]
        )
    return _table(header, rows)


def targets(m: Measurements) -> list[tuple[str, str, bool]]:
    """(target, measured, met) for each of Tight's performance targets."""
    bare_cold = m.cold["bare-1"]
    tight = [v for v in m.variants if v.side == "tight"]
    checks: list[tuple[str, str, bool]] = []
    for v in tight:
        warm, cold = m.warm[v.key], m.cold[v.key]
        get_ratio, post_ratio = warm.get_ratio, warm.post_ratio
        checks.append(
            (f"warm GET ≤ 2x bare ({v.routes} routes)", f"{get_ratio:.2f}x", get_ratio <= 2)
        )
        checks.append(
            (f"warm POST ≤ 1.3x bare ({v.routes} routes)", f"{post_ratio:.2f}x", post_ratio <= 1.3)
        )
        for mode, limit in (("standalone", 5.0), ("preloaded", 2.0)):
            over = cold.process_ms[mode] - bare_cold.process_ms[mode]
            label = "standalone" if mode == "standalone" else "after Lambda preloads"
            checks.append(
                (
                    f"cold start ≤ {limit:g} ms over bare, {label} ({v.routes} routes)",
                    f"{over:+.2f} ms",
                    over <= limit,
                )
            )
        rss = (cold.peak_rss_kib - bare_cold.peak_rss_kib) / MIB
        checks.append(
            (f"peak RSS ≤ +1 MiB over bare ({v.routes} routes)", f"{rss:+.2f} MiB", rss <= 1)
        )
    by_routes = {v.routes: m.cold[v.key] for v in tight}
    if len(by_routes) > 1:
        few, many = min(by_routes), max(by_routes)
        for mode in ("standalone", "preloaded"):
            delta = by_routes[many].in_process_ms[mode] - by_routes[few].in_process_ms[mode]
            checks.append(
                (
                    f"{many} controllers cold ≤ {few} ({mode}, in-process clock, "
                    f"±{FIFTY_VS_ONE_TOLERANCE_MS} ms noise)",
                    f"{delta:+.2f} ms",
                    delta <= FIFTY_VS_ONE_TOLERANCE_MS,
                )
            )
    size = m.shipped_bytes["tight"] or 0
    checks.append(("shipped runtime ≤ 25 KB zipped", f"{size / 1000:.1f} KB", size <= 25_000))
    return checks


def markdown(m: Measurements) -> str:
    env = m.environment
    lines = [
        "# Benchmarks: bare handler, Tight, Powertools, Chalice",
        "",
        f"Python {env['python']} on {env['platform']}, {env['cpus']} CPUs; tight {env['commit']}; "
        f"{env['date']}. Settings: {m.settings}.",
        "",
        summary_table(m),
        "",
        "Warm: median CPU time per call of repeated timeit loops; the bare handler and the "
        "frameworks with as many routes share each fresh process, loops interleaved, and a ratio "
        "compares with the bare handler of the same processes. "
        "Cold: median CPU time of a fresh `python -I -S` process (plus `import site`, no .pth "
        "files) that imports the app and answers one GET, minus the same process importing "
        "nothing; in brackets the ratio of the "
        "in-process import + first-event CPU times. Peak RSS: VmHWM of that process. "
        "Shipped: the framework code inside the artifact, zip deflate level 9.",
        "",
        "## Cold start detail",
        "",
        cold_detail_table(m),
        "",
        f"Empty process (the baseline), CPU: {m.cold[BASELINE].process_ms['standalone']:.1f} ms, "
        f"{m.cold[BASELINE].process_ms['preloaded']:.1f} ms with the Lambda preloads "
        "(json, logging, http.client, decimal, importlib.metadata).",
        "",
        "## Targets (Tight)",
        "",
        _table(
            ["target", "measured", "met"],
            [[name, value, "yes" if met else "**no**"] for name, value, met in targets(m)],
        ),
    ]
    if m.notes:
        lines += ["", "## Notes", "", *[f"- {note}" for note in m.notes]]
    return "\n".join(lines) + "\n"


def as_json(m: Measurements) -> dict[str, Any]:
    return {
        "environment": m.environment,
        "settings": m.settings,
        "variants": [
            {
                "key": v.key,
                "side": v.side,
                "label": side_label(v.side),
                "routes": v.routes,
                "warm": asdict(m.warm[v.key]),
                "cold": asdict(m.cold[v.key]),
            }
            for v in m.variants
        ],
        "baseline_process_ms": m.cold[BASELINE].process_ms,
        "shipped_bytes": m.shipped_bytes,
        "targets": [{"target": t, "measured": value, "met": met} for t, value, met in targets(m)],
        "notes": m.notes,
    }
