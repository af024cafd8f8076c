"""Child process: import one variant and answer one event, as a Lambda cold start does.

Run by bench.cold as `python -I bench/_cold_child.py ROOT MODULE HANDLER METHOD PRELOAD`.
It imports nothing but built-in modules before the clock stops (not even json: the bare
handler must pay for its own json import), then prints `(ns, maxrss_kib, statusCode)`.
MODULE `-` imports nothing: the baseline every variant is compared with.
"""

import sys
import time


def main() -> None:
    root, module_name, handler_name, method, preload = sys.argv[1:6]
    if preload == "1":  # what the Lambda Python runtime has imported before the handler
        import decimal  # noqa: F401
        import http.client  # noqa: F401
        import importlib.metadata  # noqa: F401
        import json  # noqa: F401
        import logging  # noqa: F401
    sys.path.insert(0, root)
    data = __import__("_bench_event_data")
    event = data.GET_EVENT if method == "GET" else data.POST_EVENT
    context = data.LambdaContext()
    status = None
    start = time.perf_counter_ns()
    if module_name != "-":
        __import__(module_name)
        response = getattr(sys.modules[module_name], handler_name)(event, context)
        status = response.get("statusCode") if isinstance(response, dict) else repr(response)
    elapsed = time.perf_counter_ns() - start
    import resource

    maxrss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    sys.stdout.write(repr((elapsed, maxrss_kib, status)) + "\n")


main()
