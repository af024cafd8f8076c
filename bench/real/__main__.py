"""`python -m bench.real [--quick] [--out DIR] [--sides a,b]`: the real-work benchmark.

Re-runs itself inside a private network namespace (DynamoDB Local reachable on loopback
only), then writes DIR/real.md and DIR/real.json (default bench/results/, git-ignored).
"""

from __future__ import annotations

import argparse
import datetime
import json
import platform
import sys
import tempfile
from pathlib import Path

from bench.errors import BenchError
from bench.real import netns, report, runner
from bench.real.checks import WrongAnswer
from tight.tasks.errors import TaskError
from tight.tasks.files import write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "results"


def parse_sides(value: str) -> tuple[str, ...]:
    keys = tuple(k.strip() for k in value.split(",") if k.strip())
    unknown = [k for k in keys if k not in runner.ALL_KEYS]
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown side(s) {', '.join(unknown)}; choose from {', '.join(runner.ALL_KEYS)}"
        )
    if "bare_client" not in keys:
        keys = ("bare_client", *keys)
    return keys


def prepare_then_measure(keys: tuple[str, ...], argv: list[str]) -> int:
    """Outside the namespace: build every side (pip needs the network), then measure inside."""
    missing = runner.missing_peers(keys)
    if missing:
        raise BenchError(
            f"peers not installed: {', '.join(missing)}; install them with "
            f"`{sys.executable} -m pip install -e '.[bench]'` or leave them out with --sides"
        )
    with tempfile.TemporaryDirectory(prefix="tight-bench-real-") as workdir:
        print(
            "bench-real: building every side (Tight: pip-install + artifact) ...", file=sys.stderr
        )
        runner.prepare(Path(workdir), keys)
        command = [sys.executable, "-m", "bench.real", *argv, "--prepared", workdir]
        return netns.reexec_inside(command)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="python -m bench.real", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a smoke run: 2 rounds, few calls")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--sides", type=parse_sides, default=runner.ALL_KEYS)
    parser.add_argument("--rounds", type=int, default=0, help="override the number of rounds")
    parser.add_argument("--prepared", type=Path, help=argparse.SUPPRESS)  # set by the outer run
    args = parser.parse_args(argv)
    try:
        if not netns.inside():
            return prepare_then_measure(args.sides, argv)
    except (BenchError, TaskError) as error:
        print(f"bench: error: {error}", file=sys.stderr)
        return 1
    if args.prepared is None:
        print("bench: error: --prepared is missing inside the namespace", file=sys.stderr)
        return 1
    settings = runner.QUICK if args.quick else runner.FULL
    if args.rounds:
        settings = runner.Settings(args.rounds, settings.warm_calls, settings.stubbed_calls)
    keys = args.sides
    try:
        samples, facts = runner.measure(settings, keys, args.prepared)
    except (BenchError, WrongAnswer, TaskError) as error:
        print(f"bench: error: {error}", file=sys.stderr)
        return 1
    facts.update(
        python=platform.python_version(),
        machine=f"{platform.system()} {platform.machine()}",
        date=datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        rounds=settings.rounds,
        warm_calls_per_round=settings.warm_calls,
        stubbed_calls_per_round=settings.stubbed_calls,
    )
    figures = report.summarise(samples, keys)
    text = report.markdown(figures, facts)
    write_atomic(args.out / "real.md", text)
    payload = {
        "figures": figures,
        "facts": facts,
        "targets": [
            {"target": name, "value": value, "met": met}
            for name, value, met in report.targets(figures)
        ],
    }
    write_atomic(args.out / "real.json", json.dumps(payload, indent=2) + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
