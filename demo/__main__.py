"""`python -m demo [--workdir DIR]` (what `./dev demo` runs): the whole flow, then a summary."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from demo import flow


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m demo", description=__doc__)
    parser.add_argument(
        "--workdir",
        type=Path,
        default=flow.ROOT / ".demo",
        help="the folder the demo works in (default: .demo/ in the checkout, git-ignored)",
    )
    parser.add_argument(
        "--api",
        choices=("rest", "http"),
        default="rest",
        help="tight.yml's api: rest (API Gateway REST, default) or http (HTTP API)",
    )
    args = parser.parse_args(argv)
    try:
        demo = flow.run(args.workdir, api=args.api)
    except flow.DemoError as error:
        print(f"\ndemo failed: {error}", file=sys.stderr)
        return 1
    print("\nSummary\n" + flow.summary(demo))
    print(f"\nThe app is in {demo.app}; nothing is left running.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
