"""Child process: time warm GET and POST calls of several variants; print JSON results.

Run by bench.warm as `python -m bench._warm_child '<spec json>'`. The bare handler and every
framework with the same number of routes share one process and their repeats are interleaved,
so a noisy moment on a shared machine hits all of them alike and the ratios to bare hold.
(Two Tight apps cannot share a process: both use the module names `app_index` and `app`.)
The clock is the process's CPU time: time spent descheduled does not count.
Before timing, the answers are checked: a side that answers wrongly must not be timed.
"""

from __future__ import annotations

import copy
import gc
import importlib
import json
import sys
import time
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


class Case:
    """One variant answering one method: its timer, loop count and samples."""

    def __init__(self, variant: dict[str, str], method: str, handler: Any) -> None:
        self.key, self.label, self.method = variant["key"], variant["label"], method
        self.handler = handler
        self.event = get_event(variant["path"]) if method == "GET" else post_event(variant["path"])
        self.context = LambdaContext()
        pristine = copy.deepcopy(self.event)
        check(self.label, method, handler(self.event, self.context))
        self.mutates_event = self.event != pristine
        self.timer = timeit.Timer(
            "handler(event, context)",
            setup="gc.enable()",  # as in Lambda: collection costs count
            timer=time.process_time,
            globals={"handler": handler, "event": self.event, "context": self.context, "gc": gc},
        )
        self.number = 0
        self.samples: list[float] = []


def main() -> None:
    spec = json.loads(sys.argv[1])
    cases: list[Case] = []
    for variant in spec["variants"]:
        sys.path.insert(0, variant["root"])
        handler = getattr(importlib.import_module(variant["module"]), variant["handler"])
        cases += [Case(variant, method, handler) for method in ("GET", "POST")]
    gc.collect()
    gc.freeze()  # imported code is not garbage: keep big frameworks from slowing others' GCs
    for case in cases:
        case.number = calibrate(case.timer, spec["target_seconds"])
    for _ in range(spec["repeats"]):
        for case in cases:
            case.samples.append(case.timer.timeit(case.number) / case.number)
    results: dict[str, dict[str, Any]] = {}
    for case in cases:
        check(case.label, case.method, case.handler(case.event, case.context))  # still right
        results.setdefault(case.key, {})[case.method] = {
            "per_call_s": case.samples,
            "mutates_event": case.mutates_event,
        }
    print(json.dumps(results))


if __name__ == "__main__":
    main()
