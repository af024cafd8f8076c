"""Hostile or broken input to the runtime: each fault is answered clearly, none escapes."""

from __future__ import annotations

import json
import logging
import threading

import pytest

from tests.runtime.conftest import FakeContext, assert_proxy_response
from tight.core import logger, request_state
from tight.providers.aws.controllers import lambda_proxy_event as lambda_proxy

EXITS = """
import tight.providers.aws.controllers.lambda_proxy_event as lambda_proxy

@lambda_proxy.get
def get(event):
    raise lambda_proxy.HttpExitException(404, "no such account")

@lambda_proxy.post
def post(event):
    raise lambda_proxy.HttpExitException(409, ["taken"])

@lambda_proxy.delete
def delete(event):
    raise lambda_proxy.HttpExitException(410)
"""


@pytest.fixture
def exits(make_app):
    return make_app({"exits": EXITS}).import_index().exits


def test_http_exit_with_a_string_is_that_status_with_that_body(exits, context):
    answer = exits({"httpMethod": "GET"}, context)
    assert_proxy_response(answer)
    assert answer["statusCode"] == 404 and answer["body"] == "no such account"


def test_http_exit_with_a_list_or_nothing(exits, context):
    conflict = exits({"httpMethod": "POST"}, context)
    assert conflict["statusCode"] == 409 and json.loads(conflict["body"]) == ["taken"]
    gone = exits({"httpMethod": "DELETE"}, context)
    assert gone["statusCode"] == 410 and gone["body"] == ""


BROKEN = """
import tight.providers.aws.controllers.lambda_proxy_event as lambda_proxy

@lambda_proxy.get
def get(event):
    raise RuntimeError("the real error")

@lambda_proxy.post
def post(event):
    return "not a dict"
"""


@pytest.mark.parametrize("level", ["verbose", "10", " debug ", ""])
def test_any_log_level_setting_keeps_error_paths_answering(
    make_app, context, monkeypatch, caplog, level
):
    monkeypatch.setenv("TIGHT_LOG_LEVEL", level)
    app = make_app({"broken": BROKEN}).import_index()
    with caplog.at_level(logging.DEBUG, logger="tight"):
        raised = app.broken({"httpMethod": "GET"}, context)
        wrong = app.broken({"httpMethod": "POST"}, context)
    assert raised["statusCode"] == 500 and wrong["statusCode"] == 500
    assert "the real error" in caplog.text  # the traceback is logged, not hidden
    if level == "verbose":
        assert "TIGHT_LOG_LEVEL='verbose' is not a log level" in caplog.text


def test_numeric_log_level_is_honoured(monkeypatch):
    monkeypatch.setenv("TIGHT_LOG_LEVEL", "10")
    assert logger.get_logger().level == logging.DEBUG


class Unprintable:
    def __repr__(self) -> str:
        raise RuntimeError("no repr")

    __str__ = __repr__


def _odd_calls() -> list:
    return [
        lambda: logger.info("x", n=10**5000),
        lambda: logger.info(10**5000),
        lambda: logger.info("x", thing=Unprintable()),
        lambda: logger.info(Unprintable()),
        lambda: logger.warning("x", stacklevel="x"),
        lambda: logger.error("multi\nline", message="kept"),
    ]


@pytest.mark.parametrize("index", range(6))
def test_text_logger_never_raises_and_keeps_the_record(caplog, index):
    with caplog.at_level(logging.INFO, logger="tight"):
        _odd_calls()[index]()
    assert len([r for r in caplog.records if r.name == "tight"]) == 1


def _cyclic() -> dict:
    cycle: dict = {}
    cycle["self"] = cycle
    return cycle


@pytest.mark.parametrize(
    "field",
    [10**5000, Unprintable(), _cyclic(), {"n": 10**5000}],
    ids=["int", "repr", "cycle", "deep-int"],
)
def test_json_logger_writes_odd_fields_as_text(monkeypatch, capsys, field):
    monkeypatch.setenv("TIGHT_LOG_FORMAT", "json")
    logger.info("odd", field=field, requestId="spoof")
    captured = capsys.readouterr()
    assert "Logging error" not in captured.err
    line = json.loads(captured.out)
    assert line["message"] == "odd" and isinstance(line["field"], str)
    assert line["requestId"] is None and line["field_requestId"] == "spoof"


def test_deeply_nested_json_is_a_400(make_app, context):
    app = make_app(
        {
            "echo": """
            import tight.providers.aws.controllers.lambda_proxy_event as lambda_proxy
            @lambda_proxy.post
            def post(event):
                return {'body': event['body']}
            """
        }
    ).import_index()
    deep = "[" * 100_000 + "]" * 100_000
    json_type = {"Content-Type": "application/json"}
    answer = app.echo({"httpMethod": "POST", "body": deep, "headers": json_type}, context)
    assert answer["statusCode"] == 400
    assert "nested too deeply" in json.loads(answer["body"])["message"]
    listed = app.echo({"httpMethod": "POST", "body": [1, 2]}, context)  # a direct invoke
    assert listed["statusCode"] == 400


MUTATOR = """
import tight.providers.aws.controllers.lambda_proxy_event as lambda_proxy

@lambda_proxy.get
@lambda_proxy.post
def mutate(event):
    event["pathParameters"] = {"id": "changed"}
    event.pop("queryStringParameters", None)
    event["headers"]["X-Mutated"] = "yes"
    event["stageVariables"] = None
    return {'statusCode': 200}
"""


@pytest.mark.parametrize("body", [None, '{"a": 1}'], ids=["no-body", "json-body"])
def test_handler_mutations_never_reach_the_callers_event(make_app, context, body):
    app = make_app({"mutator": MUTATOR}).import_index()
    event = {
        "httpMethod": "POST" if body else "GET",
        "headers": {"Accept": "*/*"},
        "multiValueHeaders": {"Accept": ["*/*"]},
        "queryStringParameters": {"q": "1"},
        "multiValueQueryStringParameters": {"q": ["1"]},
        "pathParameters": {"id": "7"},
        "stageVariables": {"s": "1"},
        "body": body,
    }
    kept = json.loads(json.dumps(event))
    assert app.mutator(event, context)["statusCode"] == 200
    assert event == kept


def test_request_ids_stay_in_their_own_thread(make_app):
    app = make_app(
        {
            "ids": """
            import threading
            import tight.providers.aws.controllers.lambda_proxy_event as lambda_proxy
            from tight.core import request_state
            BARRIER = threading.Barrier(8, timeout=10)
            @lambda_proxy.get
            def get(event):
                BARRIER.wait()  # every thread is inside a request at once
                return {'body': {'seen': request_state.current_request_id()}}
            """
        }
    ).import_index()
    seen: dict[str, str] = {}

    def call(request_id: str) -> None:
        answer = app.ids({"httpMethod": "GET"}, FakeContext(aws_request_id=request_id))
        seen[request_id] = json.loads(answer["body"])["seen"]

    threads = [threading.Thread(target=call, args=(f"req-{n}",)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == {f"req-{n}": f"req-{n}" for n in range(8)}


def test_the_request_is_cleared_after_it_is_answered(make_app, context):
    app = make_app(
        {
            "plain": """
            import tight.providers.aws.controllers.lambda_proxy_event as lambda_proxy
            @lambda_proxy.get
            def get(event):
                return {'statusCode': 200}
            """
        }
    ).import_index()
    assert app.plain({"httpMethod": "GET"}, context)["statusCode"] == 200
    assert request_state.current_request_id() is None
    with pytest.raises(lambda_proxy.UnsupportedEventError):
        app.plain({"type": "TOKEN", "methodArn": "arn", "authorizationToken": "x"}, context)
    assert request_state.current_request_id() is None
