"""`python -m bench [--quick] [--out DIR] [--sides ...]`: run the benchmarks, print the table,
write DIR/latest.md and DIR/latest.json (default bench/results/, git-ignored)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bench import report, runner
from bench.errors import BenchError
from tight.tasks.files import write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "results"


def _parse_sides(value: str) -> tuple[str, ...]:
    sides = tuple(s.strip() for s in value.split(",") if s.strip())
    unknown = [s for s in sides if s not in runner.ALL_SIDES]
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown side(s) {', '.join(unknown)}; choose from {', '.join(runner.ALL_SIDES)}"
        )
    return sides


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a smoke run: few repeats, seconds")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for latest.md/json")
    parser.add_argument(
        "--sides",
        type=_parse_sides,
        default=runner.ALL_SIDES,
        help="comma-separated subset of " + ",".join(runner.ALL_SIDES) + " (bare always runs)",
    )
    args = parser.parse_args(argv)
    settings = runner.QUICK if args.quick else runner.FULL
    try:
        measurements = runner.run(settings, args.sides, allow_missing_peers=args.quick)
    except (BenchError, RuntimeError) as error:
        print(f"bench: error: {error}", file=sys.stderr)
        return 1
    text = report.markdown(measurements)
    write_atomic(args.out / "latest.md", text)
    write_atomic(
        args.out / "latest.json", json.dumps(report.as_json(measurements), indent=2) + "\n"
    )
    print(text)
    print(f"bench: wrote {args.out / 'latest.md'} and latest.json", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
