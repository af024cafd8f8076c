"""Run every measurement once, side by side, and collect them into `Measurements`."""

from __future__ import annotations

import datetime
import platform
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench import fixtures, shipped
from bench.cold import measure_cold
from bench.errors import BenchError
from bench.report import Measurements
from bench.warm import WarmSettings, measure_warm

ALL_SIDES = ("bare", "tight", "powertools", "chalice")


@dataclass(frozen=True)
class Settings:
    warm: WarmSettings
    cold_rounds: int
    route_counts: tuple[int, ...] = (1, 50)


FULL = Settings(WarmSettings(rounds=3, repeats=7, target_seconds=0.02), cold_rounds=20)
QUICK = Settings(WarmSettings(rounds=1, repeats=2, target_seconds=0.002), cold_rounds=2)


def _commit() -> str:
    done = subprocess.run(
        ["git", "describe", "--always", "--dirty"],
        cwd=shipped.REPO_ROOT,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip() or "unknown"


def _environment() -> dict[str, object]:
    return {
        "python": platform.python_version(),
        "platform": f"{platform.system()} {platform.machine()}",
        "cpus": len(__import__("os").sched_getaffinity(0)),
        "commit": _commit(),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }


def _check_tight_runtime() -> None:
    names = {
        str(p.relative_to(shipped.TIGHT_DIR)) for p in shipped.tight_runtime_files() if p.is_file()
    }
    needed = {"providers/aws/controllers/lambda_proxy_event.py", "providers/aws/lambda_app/app.py"}
    if not needed <= names:
        raise BenchError(
            f"Tight's runtime is incomplete: missing {', '.join(sorted(needed - names))} under "
            f"{shipped.TIGHT_DIR}. Run the bench from a checkout that has it, or leave Tight out "
            "with --sides bare,powertools,chalice."
        )


def run(settings: Settings, sides: tuple[str, ...], allow_missing_peers: bool) -> Measurements:
    notes: list[str] = []
    missing = [side for side in fixtures.missing_peers() if side in sides]
    if missing:
        message = (
            f"peers not installed: {', '.join(missing)}; install them with "
            f"`{sys.executable} -m pip install -e '.[bench]'`"
        )
        if not allow_missing_peers:
            raise BenchError(message + " (or pass --quick to run without them)")
        notes.append(message + ": left out of this run.")
    if "tight" in sides:
        _check_tight_runtime()
    peers = [side for side in ("powertools", "chalice") if side in sides and side not in missing]
    with tempfile.TemporaryDirectory(prefix="tight-bench-") as workdir:
        variants = fixtures.build_variants(Path(workdir), settings.route_counts, peers)
        variants = [v for v in variants if v.side in sides or v.side == "bare"]
        print(
            f"bench: {len(variants)} variants; timing warm calls ...", file=sys.stderr, flush=True
        )
        warm = measure_warm(variants, settings.warm)
        print("bench: timing cold starts ...", file=sys.stderr, flush=True)
        cold = measure_cold(variants, settings.cold_rounds)
        bare_handler = next(v.root for v in variants if v.side == "bare") / "bare_handler.py"
        sizes = shipped.shipped_sizes(bare_handler)
    notes += [
        f"{fixtures.side_label(v.side)} ({v.routes} routes) changes the event it is given: "
        "repeated warm calls may not do the work of a first call."
        for v in variants
        if warm[v.key].mutates_event
    ]
    return Measurements(
        variants=variants,
        warm=warm,
        cold=cold,
        shipped_bytes=sizes,
        environment=_environment(),
        settings={
            "warm rounds": settings.warm.rounds,
            "repeats per round": settings.warm.repeats,
            "cold rounds": settings.cold_rounds,
        },
        notes=notes,
    )
