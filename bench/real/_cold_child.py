"""Child process: one Lambda cold start doing real work, then exit without teardown.

Run as `python -I -S -B _cold_child.py RESULT TASK_ROOT RUNTIME_DIR EVENTS_DIR MODULE HANDLER
METHOD ACCOUNT_ID CHALICE`. -B: the bench never writes bytecode, so the task root runs with
exactly the `.pyc` its artifact shipped (Lambda's /var/task is read-only). sys.path holds the
unzipped artifact and the folder where Lambda's runtime provides boto3 and its dependencies.
Before the clock starts it imports what the Lambda Python runtime itself has imported before
any handler (json, logging, http.client, decimal, importlib.metadata) and sets up stdout,
stderr and the root logger as it does (`lambda_runtime_io`); after it stops it writes
`[cpu_ns, wall_ns, peak_rss_kib, response]` as JSON to RESULT. MODULE `-` is the baseline.
"""

import os
import sys
import time


def main() -> None:
    result, task_root, runtime_dir, events_dir, module_name, handler_name = sys.argv[1:7]
    method, account_id, chalice = sys.argv[7:10]
    import decimal  # noqa: F401  (the Lambda runtime's own imports, before the handler)
    import http.client  # noqa: F401
    import importlib.metadata  # noqa: F401
    import json
    import logging  # noqa: F401
    import site  # noqa: F401  (under -S: what a clean interpreter has, no .pth run)

    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, here)
    from _lambda_io import lambda_runtime_io

    sys.path.remove(here)
    lambda_runtime_io()
    sys.path[:0] = [task_root, runtime_dir]
    sys.path.append(events_dir)
    data = __import__("_bench_real_events")
    if method == "GET":
        event = data.GET_EVENT_CHALICE if chalice == "1" else data.GET_EVENT
    else:
        event = data.POST_EVENT
        event["body"] = event["body"].replace("__ID__", account_id)
    context = data.LambdaContext()
    response = None
    cpu, wall = time.process_time_ns(), time.perf_counter_ns()
    if module_name != "-":
        __import__(module_name)
        response = getattr(sys.modules[module_name], handler_name)(event, context)
    cpu, wall = time.process_time_ns() - cpu, time.perf_counter_ns() - wall
    with open(result, "w") as out:
        json.dump([cpu, wall, peak_rss_kib(), response], out, default=repr)
    sys.stdout.flush()
    os._exit(0)  # a Lambda sandbox is frozen or killed, never shut down


def peak_rss_kib() -> int:
    """VmHWM: peak resident memory since exec (ru_maxrss would include the parent's)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


main()
