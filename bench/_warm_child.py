"""Child process: time warm GET and POST calls of one variant; print JSON results.

Run by bench.warm as `python -m bench._warm_child '<spec json>'`, one fresh process per variant
and round, so sides never share a process (Tight apps all use the module name `app_index`).
Before timing, the answers are checked: a side that answers wrongly must not be timed.
"""

from __future__ import annotations

import copy
import importlib
import json
import sys
import timeit
from typing import Any

from bench.events import POST_PAYLOAD, LambdaContext, get_event, post_event

EXPECTED = {"GET": (200, {"hello": "world"}), "POST": (201, POST_PAYLOAD)}


def check(label: str, method: str, response: Any) -> None:
    """Fail loudly unless `response` is the proxy response every side must give."""
    status, body = EXPECTED[method]
    problem = None
    if not isinstance(response, dict):
        problem = f"returned {type(response).__name__}, not a dict"
    elif response.get("statusCode") != status:
        problem = f"statusCode {response.get('statusCode')!r}, expected {status}"
    elif not isinstance(response.get("body"), str):
        problem = f"body is {type(response.get('body')).__name__}, expected a JSON string"
    elif json.loads(response["body"]) != body:
        problem = f"body {response['body']!r}, expected {json.dumps(body)}"
    if problem:
        raise SystemExit(f"bench: {label} answered {method} wrongly: {problem}")


def calibrate(timer: timeit.Timer, target_seconds: float) -> int:
    """Loop count that makes one repeat last about `target_seconds`."""
    number = 10
    while True:
        elapsed = timer.timeit(number)
        if elapsed >= target_seconds / 4 or number >= 10_000_000:
            return max(1, int(number * target_seconds / max(elapsed, 1e-9)))
        number *= 4


def main() -> None:
    spec = json.loads(sys.argv[1])
    sys.path.insert(0, spec["root"])
    handler = getattr(importlib.import_module(spec["module"]), spec["handler"])
    context = LambdaContext()
    requests = {"GET": get_event(spec["path"]), "POST": post_event(spec["path"])}
    timers: dict[str, timeit.Timer] = {}
    numbers: dict[str, int] = {}
    results: dict[str, Any] = {}
    for method, event in requests.items():
        pristine = copy.deepcopy(event)
        check(spec["label"], method, handler(event, context))
        timers[method] = timeit.Timer(
            "handler(event, context)",
            setup="gc.enable()",  # as in Lambda: collection costs count
            globals={
                "handler": handler,
                "event": event,
                "context": context,
                "gc": __import__("gc"),
            },
        )
        numbers[method] = calibrate(timers[method], spec["target_seconds"])
        results[method] = {"per_call_s": [], "mutates_event": event != pristine}
    for _ in range(spec["repeats"]):  # interleave methods so noise hits both alike
        for method, timer in timers.items():
            results[method]["per_call_s"].append(timer.timeit(numbers[method]) / numbers[method])
    for method, event in requests.items():
        check(spec["label"], method, handler(event, context))  # still right after the loops
    print(json.dumps(results))


if __name__ == "__main__":
    main()
