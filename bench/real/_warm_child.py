"""Child process: warm per-call cost of one side, against DynamoDB Local, then network stubbed.

Run as `python -I -S -B _warm_child.py SPEC_JSON`. sys.path: the side's task root, the Lambda
runtime's boto3 folder, then the repository (for bench.real's events and checks only); stdout,
stderr and the root logger are set up as the Lambda runtime does (`lambda_runtime_io`).
Phases, each after the side's answers were checked:
1. real: every call is a real round trip to DynamoDB Local (POSTs create new accounts);
2. stubbed: botocore's HTTP send answers with the exact bytes DynamoDB Local gave in phase 1
   (recorded per X-Amz-Target), so the figure is the Python CPU of the side + boto3 alone:
   serialising, signing and parsing still run, as they do against AWS.
Per phase, per call: CPU ns (process_time) and wall ns. Prints JSON of the per-call lists.
"""

import json
import os
import sys
import time


class _Raw:
    """The `raw` that botocore's AWSResponse reads its body from."""

    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_: object):
        yield self.body


def main() -> None:
    spec = json.loads(sys.argv[1])
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, here)
    from _lambda_io import lambda_runtime_io

    sys.path.remove(here)
    lambda_runtime_io()
    sys.path[:0] = [spec["task_root"], spec["runtime_dir"]]
    sys.path.append(spec["repo_root"])
    from bench.real import checks, events

    __import__(spec["module"])
    handler = getattr(sys.modules[spec["module"]], spec["handler"])
    label, prefix, calls = spec["label"], spec["prefix"], spec["calls"]
    stubbed_calls = spec["stubbed_calls"]

    from botocore import httpsession
    from botocore.awsrequest import AWSResponse

    real_send = httpsession.URLLib3Session.send
    recorded: dict[str, tuple[int, dict, bytes]] = {}

    def recording_send(self, request):
        response = real_send(self, request)
        target = request.headers.get("X-Amz-Target", b"")
        target = target.decode() if isinstance(target, bytes) else target
        recorded[target] = (response.status_code, dict(response.headers), response.content)
        return response

    def stubbed_send(self, request):
        target = request.headers.get("X-Amz-Target", b"")
        target = target.decode() if isinstance(target, bytes) else target
        status, headers, body = recorded[target]
        return AWSResponse(request.url, status, headers, _Raw(body))

    get_event = events.get_event(chalice=spec["chalice"])
    context = events_context()
    httpsession.URLLib3Session.send = recording_send
    checks.check_get(label, handler(get_event, context))
    first = events.post_events(f"{prefix}-check", 1)[0]
    checks.check_post(label, handler(first, context), f"{prefix}-check-0")
    httpsession.URLLib3Session.send = real_send

    results = {}
    results["real"] = {
        "GET": timed(handler, [get_event] * calls, context),
        "POST": timed(handler, events.post_events(f"{prefix}-real", calls), context),
    }
    checks.check_get(label, handler(get_event, context))
    httpsession.URLLib3Session.send = stubbed_send
    stub_posts = events.post_events(f"{prefix}-stub", stubbed_calls)
    checks.check_get(label + " (stubbed)", handler(get_event, context))
    checks.check_post(label + " (stubbed)", handler(stub_posts[0], context), f"{prefix}-stub-0")
    results["stubbed"] = {
        "GET": timed(handler, [get_event] * stubbed_calls, context),
        "POST": timed(handler, stub_posts, context),
    }
    checks.check_get(label + " (stubbed, after timing)", handler(get_event, context))
    httpsession.URLLib3Session.send = real_send
    with open(spec["result"], "w") as out:
        json.dump(results, out)
    sys.stdout.flush()
    os._exit(0)


def events_context():
    from bench.events import LambdaContext

    return LambdaContext()


def timed(handler, event_list, context) -> dict[str, list[int]]:
    cpu_ns, wall_ns = [], []
    clock, wall_clock = time.process_time_ns, time.perf_counter_ns
    for event in event_list:
        c, w = clock(), wall_clock()
        handler(event, context)
        cpu_ns.append(clock() - c)
        wall_ns.append(wall_clock() - w)
    return {"cpu_ns": cpu_ns, "wall_ns": wall_ns}


main()
