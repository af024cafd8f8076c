"""`python -m bench.profile_tight`: where Tight's warm GET/POST time goes, layer by layer.

Times each layer of a warm call from the inside out (the user's function alone, the caller
that passes it keyword arguments, `dispatch`, the `app_index` controller) next to the bare
handler, so the difference between two rows is what that layer costs; then prints a cProfile
of the whole warm path. A tool for whoever optimises the runtime; its output is not a report.
"""

from __future__ import annotations

import cProfile
import importlib
import json
import pstats
import statistics
import sys
import tempfile
import time
import timeit
from collections.abc import Callable
from pathlib import Path

from bench import fixtures
from bench.events import LambdaContext, get_event, post_event


def per_call_us(func: Callable[[], object], repeats: int = 7, seconds: float = 0.05) -> float:
    timer = timeit.Timer(func, timer=time.process_time)  # CPU time: robust to neighbours
    number = max(1, int(seconds / max(timer.timeit(1000) / 1000, 1e-9)))
    return statistics.median(timer.timeit(number) / number for _ in range(repeats)) * 1e6


def _load(variant: fixtures.Variant) -> Callable:
    sys.path.insert(0, str(variant.root))
    return getattr(importlib.import_module(variant.module), variant.handler)


def layers(bare: Callable, controller: Callable, method: str, path: str) -> list[tuple[str, float]]:
    from tight.providers.aws.controllers import lambda_proxy_event

    event = get_event(path) if method == "GET" else post_event(path)
    context = LambdaContext()
    controller(event, context)  # imports the handler module
    module = controller.tight_module
    routes = lambda_proxy_event.routes_for(module)
    caller = routes[method]
    user_function = next(
        f
        for f in vars(sys.modules[module]).values()
        if callable(f) and getattr(f, "__name__", "") == f"{method.lower()}_handler"
    )
    parsed = dict(event, body=json.loads(event["body"])) if event["body"] else event
    rows = [
        ("bare handler", per_call_us(lambda: bare(event, context))),
        ("user function only", per_call_us(lambda: user_function(event=parsed, context=context))),
        ("+ keyword-passing caller", per_call_us(lambda: caller(parsed, context))),
        (
            "+ dispatch (parse, respond)",
            per_call_us(lambda: lambda_proxy_event.dispatch(routes, event, context)),
        ),
        ("+ app_index controller", per_call_us(lambda: controller(event, context))),
    ]
    if event["body"]:
        rows.insert(1, ("  json.loads(body) alone", per_call_us(lambda: json.loads(event["body"]))))
        rows.insert(2, ("  dict(event) copy alone", per_call_us(lambda: dict(event))))
    return rows


def profile(controller: Callable, event: dict, calls: int = 200_000) -> str:
    context = LambdaContext()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(calls):
        controller(event, context)
    profiler.disable()
    out = __import__("io").StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(12)
    return out.getvalue()


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="tight-profile-") as workdir:
        variants = fixtures.build_variants(Path(workdir), (1,), peers=[])
        bare = _load(next(v for v in variants if v.side == "bare"))
        tight = next(v for v in variants if v.side == "tight")
        controller = _load(tight)
        for method in ("GET", "POST"):
            print(f"\n## Warm {method}: per call, µs (each row adds one layer)\n")
            for name, us in layers(bare, controller, method, tight.path):
                print(f"{name:32} {us:7.2f}")
        for method, event in (("GET", get_event(tight.path)), ("POST", post_event(tight.path))):
            print(f"\n## cProfile of 200k warm {method} calls (tottime)\n")
            print(profile(controller, event))


if __name__ == "__main__":
    main()
