"""What a cold start imports: a Tight controller answering its first event loads only Tight's
dispatch modules and what Lambda's runtime has already imported (speed is measured in bench/;
this pins the module list, which a stray import would silently grow)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

CHILD = """
import sys
sys.path.insert(0, {repo!r})
import decimal, http.client, importlib.metadata, json, logging  # Lambda's runtime preloads
before = set(sys.modules)
from tight.providers.aws.controllers import lambda_proxy_event as lambda_proxy
from tight.providers.aws.lambda_app import app  # noqa: F401

def get(*args, **kwargs):
    return {{'statusCode': 200, 'body': {{'hello': 'world'}}}}

def post(*args, **kwargs):
    return {{'statusCode': 201, 'body': kwargs['event']['body']}}

get.__module__ = post.__module__ = 'cold_controller'
lambda_proxy.get(get)
lambda_proxy.post(post)
routes = lambda_proxy.routes_for('cold_controller')
event = {{  # API Gateway REST v1, no authorizer: the keys it always sends
    'httpMethod': 'GET', 'path': '/x', 'headers': {{'Content-Type': 'application/json'}},
    'queryStringParameters': None, 'pathParameters': None, 'body': None,
    'requestContext': {{'identity': {{'userArn': None}}, 'stage': 'dev'}},
}}
statuses = [lambda_proxy.dispatch(routes, event, None)['statusCode']]
post_event = {{**event, 'httpMethod': 'POST', 'body': '{{"a": 1}}'}}
posted = lambda_proxy.dispatch(routes, post_event, None)
statuses.append((posted['statusCode'], posted['body']))
loaded = sorted(set(sys.modules) - before)
# request.py's helpers, reached through dispatch's module, import it on first use
query = lambda_proxy.query_params({{**event, 'multiValueQueryStringParameters': {{'q': ['1']}}}})
from tight.providers.aws.controllers import request
bound = lambda_proxy.principal_id is request.principal_id
bound = bound and lambda_proxy.classify is request.classify
print(repr((statuses, loaded, query, bound)))
"""


def test_a_rest_request_imports_only_dispatch_and_no_helpers_it_does_not_use() -> None:
    done = subprocess.run(
        [sys.executable, "-I", "-S", "-c", CHILD.format(repo=str(REPO))],
        capture_output=True,
        text=True,
        check=True,
    )
    statuses, loaded, query, bound = ast.literal_eval(done.stdout.strip())
    assert statuses == [200, (201, '{"a":1}')]
    assert query == {"q": ["1"]} and bound is True
    # `tight` itself (and what its __init__ may import for the vendored alias) aside:
    tight_modules = {n for n in loaded if n.startswith("tight.") and n != "tight.vendored_alias"}
    assert tight_modules == {
        "tight.providers",
        "tight.providers.aws",
        "tight.providers.aws.controllers",
        "tight.providers.aws.controllers.lambda_proxy_event",
        "tight.providers.aws.controllers.response",
        "tight.providers.aws.lambda_app",
        "tight.providers.aws.lambda_app.app",
    }, "a new module on the cold path costs every cold start ~0.1 ms: import it where it is used"
    for costly in ("tight.core", "contextvars", "typing", "inspect", "dataclasses", "base64"):
        assert costly not in loaded, costly
