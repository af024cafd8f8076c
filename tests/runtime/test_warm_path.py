"""Dispatch's warm path inlines the common case of several helpers (principal_id, parse_body,
to_proxy_response, request_state.set_context): each shortcut must answer exactly as the helper
it stands for, on the shapes that take the shortcut and on those that just miss it."""

from __future__ import annotations

import contextvars
import copy
import json
import threading

import pytest

from tests.runtime.conftest import FakeContext
from tight.core import request_state
from tight.providers.aws.controllers import lambda_proxy_event as lambda_proxy
from tight.providers.aws.controllers.request import parse_body, principal_id
from tight.providers.aws.controllers.response import to_proxy_response

ECHO = """
import tight.providers.aws.controllers.lambda_proxy_event as lambda_proxy

@lambda_proxy.get
def get(*args, **kwargs):
    event = kwargs['event']
    return {'statusCode': 200, 'body': {'principal': kwargs['principal_id'],
                                        'keys': sorted(event)}}

@lambda_proxy.post
def post(*args, **kwargs):
    return {'statusCode': 201, 'body': {'body': kwargs['event']['body']}}
"""

ARN = "arn:aws:iam::123456789012:user/ada"
IDENTITIES = [
    ("missing", ...),
    ("none", None),
    ("empty", {}),
    ("no-user-arn", {"sourceIp": "203.0.113.7"}),
    ("user-arn-none", {"userArn": None}),
    ("user-arn-empty", {"userArn": ""}),
    ("user-arn-not-str", {"userArn": 7}),
    ("user-arn", {"userArn": ARN}),
    ("a-string", "identity"),
    ("a-list", ["userArn"]),
]
AUTHORIZERS = [
    ("no-authorizer", ...),
    ("authorizer-none", None),
    ("authorizer-empty", {}),
    ("cognito", {"claims": {"sub": "sub-1"}}),
    ("lambda", {"principalId": "user-9"}),
]


@pytest.fixture
def echo(make_app):
    return make_app({"echo": ECHO}).import_index().echo


def _rest(method: str = "GET", **context_keys: object) -> dict:
    request_context = {"resourcePath": "/", "httpMethod": method, "stage": "dev"}
    request_context.update({k: v for k, v in context_keys.items() if v is not ...})
    return {
        "resource": "/",
        "path": "/",
        "httpMethod": method,
        "headers": {"Accept": "*/*"},
        "multiValueHeaders": {"Accept": ["*/*"]},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": request_context,
        "body": None,
        "isBase64Encoded": False,
    }


@pytest.mark.parametrize("identity", [v for _, v in IDENTITIES], ids=[n for n, _ in IDENTITIES])
@pytest.mark.parametrize("authorizer", [v for _, v in AUTHORIZERS], ids=[n for n, _ in AUTHORIZERS])
def test_principal_on_the_warm_path_is_principal_id(echo, context, identity, authorizer):
    event = _rest(identity=identity, authorizer=authorizer)
    answer = echo(event, context)
    assert answer["statusCode"] == 200
    assert json.loads(answer["body"])["principal"] == principal_id(event)


def test_iam_caller_reaches_the_handler(echo, context):
    answer = echo(_rest(identity={"userArn": ARN, "user": "ada"}), context)
    assert json.loads(answer["body"])["principal"] == ARN


@pytest.mark.parametrize("missing", ["headers", "queryStringParameters", "pathParameters", "body"])
def test_a_rest_event_missing_a_usual_key_is_still_answered(echo, context, missing):
    event = _rest()
    del event[missing]
    kept = copy.deepcopy(event)
    answer = echo(event, context)
    assert answer["statusCode"] == 200
    assert missing not in json.loads(answer["body"])["keys"]
    assert event == kept


@pytest.mark.parametrize(
    "headers, body",
    [
        ({"Content-Type": "application/json"}, '{"a": [1, 2]}'),
        ({"Content-Type": "application/json"}, ' {"a": 1}\n'),  # whitespace: json.loads' answer
        ({"Content-Type": "application/json; charset=utf-8"}, '{"a": 1}'),
        ({"content-type": "application/json"}, '{"a": 1}'),
        ({}, '{"a": 1}'),
        ({}, "plain text"),
        ({"Content-Type": "text/plain"}, '{"a": 1}'),
        ({"Content-Type": "application/x-www-form-urlencoded"}, "a=1&b=2&b=3"),
    ],
)
def test_json_body_on_the_warm_path_is_parse_body(echo, context, headers, body):
    event = _rest("POST")
    event["headers"] = headers
    event["body"] = body
    answer = echo(event, context)
    assert answer["statusCode"] == 201
    assert json.loads(answer["body"])["body"] == parse_body(event, body)


def test_base64_json_body_is_decoded_first(echo, context):
    event = _rest("POST")
    event.update(headers={"Content-Type": "application/json"}, isBase64Encoded=True)
    event["body"] = "eyJhIjogMX0="  # {"a": 1}
    answer = echo(event, context)
    assert json.loads(answer["body"])["body"] == {"a": 1}


@pytest.mark.parametrize("body", ['{"a": 1', '{"a": 1} trailing', "[1, 2"])
def test_malformed_declared_json_is_400_on_the_warm_path(echo, context, body):
    event = _rest("POST")
    event.update(headers={"Content-Type": "application/json"}, body=body)
    answer = echo(event, context)
    assert answer["statusCode"] == 400
    assert "not valid JSON" in json.loads(answer["body"])["message"]


RESULTS = """
import tight.providers.aws.controllers.lambda_proxy_event as lambda_proxy
RESULT = {}

@lambda_proxy.get
def get(event):
    return dict(RESULT)
"""


@pytest.mark.parametrize(
    "result",
    [
        {"statusCode": 200, "body": {"hello": "world"}},
        {"statusCode": 201, "body": {}},
        {"statusCode": 200, "body": [1, 2]},
        {"statusCode": "202", "body": {"a": 1}},
        {"body": {"a": 1}, "headers": {"X-A": "1"}},
        {"statusCode": 200, "body": {"a": 1}, "headers": {"Content-Type": "text/x-json"}},
    ],
)
def test_common_answer_on_the_warm_path_is_to_proxy_response(make_app, context, result):
    app = make_app({"results": RESULTS}).import_index()
    module = __import__("app.functions.results.handler", fromlist=["RESULT"])
    module.RESULT.update(result)
    assert app.results(_rest(), context) == to_proxy_response(dict(result))


def test_default_headers_reach_the_warm_path_answer(echo, context):
    lambda_proxy.set_default_headers({"X-Service": "accounts"})
    answer = echo(_rest(), context)
    assert answer["headers"] == {"X-Service": "accounts", "Content-Type": "application/json"}


IDS = """
import threading
import tight.providers.aws.controllers.lambda_proxy_event as lambda_proxy
from tight.core import request_state
BARRIER = threading.Barrier(6, timeout=10)

@lambda_proxy.get
def get(event):
    BARRIER.wait()  # every thread is inside a request at once
    seen = request_state.current_request_id()
    BARRIER.wait()
    return {'body': {'seen': seen, 'after': request_state.current_request_id()}}
"""


def test_threads_in_copied_contexts_keep_their_own_request_ids(make_app):
    """A context copied from a thread that served requests (asyncio.to_thread does this)
    carries that thread's slot: the other threads must not share it."""
    app = make_app({"ids": IDS}).import_index()
    module = __import__("app.functions.ids.handler", fromlist=["BARRIER"])
    module.BARRIER = threading.Barrier(1)  # the first request, in this thread: makes its slot
    app.ids(_rest(), FakeContext(aws_request_id="main"))
    module.BARRIER = threading.Barrier(6, timeout=10)
    seen: dict[str, dict] = {}
    parent = contextvars.copy_context()

    def call(request_id: str) -> None:
        answer = app.ids(_rest(), FakeContext(aws_request_id=request_id))
        seen[request_id] = json.loads(answer["body"])

    threads = [
        threading.Thread(target=parent.copy().run, args=(call, f"req-{n}")) for n in range(6)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == {f"req-{n}": {"seen": f"req-{n}", "after": f"req-{n}"} for n in range(6)}
    assert request_state.current_request_id() is None


NESTED = """
import tight.providers.aws.controllers.lambda_proxy_event as lambda_proxy
from tight.core import request_state

class Inner:
    aws_request_id = "inner"

@lambda_proxy.get
def get(event):
    routes = lambda_proxy.routes_for(__name__)
    if event.get('queryStringParameters'):
        return {'body': {'id': request_state.current_request_id()}}
    inner = dict(event, queryStringParameters={'inner': '1'})
    inner_answer = lambda_proxy.dispatch(routes, inner, Inner())
    return {'body': {'inner': inner_answer['body'], 'outer': request_state.current_request_id()}}
"""


def test_a_request_dispatched_inside_another_restores_the_outer_id(make_app):
    app = make_app({"nested": NESTED}).import_index()
    answer = app.nested(_rest(), FakeContext(aws_request_id="outer"))
    body = json.loads(answer["body"])
    assert json.loads(body["inner"]) == {"id": "inner"} and body["outer"] == "outer"
    assert request_state.current_request_id() is None


def test_set_and_reset_context_tokens_nest():
    outer = request_state.set_context(FakeContext(aws_request_id="a"))
    inner = request_state.set_context(FakeContext(aws_request_id="b"))
    assert request_state.current_request_id() == "b"
    request_state.reset_context(inner)
    assert request_state.current_request_id() == "a"
    request_state.reset_context(outer)
    assert request_state.current_request_id() is None
