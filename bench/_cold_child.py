"""Child process: import one variant and answer one event, as a Lambda cold start does.

Run by bench.cold as `python -I -S bench/_cold_child.py ROOT SITE MODULE HANDLER METHOD PRELOAD`.
With -S no `.pth` file runs (this venv's editable-install finder and the machine's own
.pth files import pathlib, typing, tempfile...: every side's imports would look cheaper than on
Lambda). The child then imports `site` itself, which under -S loads what a clean interpreter
has (os, stat, _sitebuiltins...) without processing .pth files, and appends SITE, the venv's
site-packages, to sys.path by hand, as Lambda lists its layers.
It imports nothing but built-in modules before the clock stops (not even json: the bare
handler must pay for its own json import), then prints `(ns, peak_rss_kib, statusCode)`.
MODULE `-` imports nothing: the baseline every variant is compared with.
"""

import os  # already loaded by the interpreter's start-up
import sys
import time


def main() -> None:
    root, site_packages, module_name, handler_name, method, preload = sys.argv[1:7]
    import site  # noqa: F401  (under -S: what a clean `python -c pass` has, no .pth run)

    sys.path.append(site_packages)
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
    start = time.process_time_ns()
    if module_name != "-":
        __import__(module_name)
        response = getattr(sys.modules[module_name], handler_name)(event, context)
        status = response.get("statusCode") if isinstance(response, dict) else repr(response)
    elapsed = time.process_time_ns() - start
    sys.stdout.write(repr((elapsed, peak_rss_kib(), status)) + "\n")
    sys.stdout.flush()
    os._exit(0)  # no interpreter teardown: a Lambda sandbox is frozen or killed, never shut down


def peak_rss_kib() -> int:
    """Peak resident memory of this program. Linux's VmHWM starts afresh at exec, whereas
    getrusage's ru_maxrss is inherited across exec and so never drops below the RSS of the
    benchmark process that forked this child."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


main()
