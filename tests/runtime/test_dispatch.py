"""Dispatch on the request method for every event source, with the HTTP semantics users expect."""

from __future__ import annotations

import json
import logging

import pytest

from tests.runtime.conftest import assert_proxy_response

ACCOUNTS = """
import tight.providers.aws.controllers.lambda_proxy_event as lambda_proxy

@lambda_proxy.get
def get_handler(event, context):
    return {'statusCode': 200, 'body': {'path': event.get('path'), 'id': context.aws_request_id}}

@lambda_proxy.post
def post_handler(*args, **kwargs):
    event = kwargs.pop('event')
    return {'statusCode': 201, 'body': {'received': event['body'],
                                        'principal': kwargs['principal_id']}}

@lambda_proxy.put
def put_handler(event, principal_id):
    return {'statusCode': 200, 'body': {'principal': principal_id}}

@lambda_proxy.delete
def delete_handler():
    return None
"""


@pytest.fixture
def accounts(make_app):
    return make_app({"accounts": ACCOUNTS}).import_index().accounts


def test_rest_v1_post_parses_json_and_passes_principal(accounts, event, context):
    answer = accounts(event("rest_v1_post"), context)
    assert_proxy_response(answer)
    assert answer["statusCode"] == 201
    assert json.loads(answer["body"]) == {
        "received": {"id": "42", "name": "Ada", "tags": ["admin", "ops"]},
        "principal": "user-123",
    }


def test_http_v2_base64_body_and_jwt_principal(accounts, event, context):
    answer = accounts(event("http_v2_post"), context)
    assert answer["statusCode"] == 201
    assert json.loads(answer["body"]) == {
        "received": {"id": "42", "name": "Ada"},
        "principal": "user-456",
    }


def test_function_url_get_dispatches_on_request_context_method(accounts, event, context):
    answer = accounts(event("function_url_get"), context)
    assert answer["statusCode"] == 200
    assert json.loads(answer["body"]) == {"path": None, "id": context.aws_request_id}


def test_alb_form_body_becomes_a_dict(make_app, event, context):
    app = make_app(
        {
            "forms": """
            import tight.providers.aws.controllers.lambda_proxy_event as lambda_proxy
            @lambda_proxy.post
            def post(event):
                return {'statusCode': 200, 'body': event['body']}
            """
        }
    ).import_index()
    answer = app.forms(event("alb_post"), context)
    assert json.loads(answer["body"]) == {"name": "Ada Lovelace", "tag": ["admin", "ops"]}


def test_caller_event_is_not_mutated(accounts, event, context):
    original = event("rest_v1_post")
    kept = json.loads(json.dumps(original))
    accounts(original, context)
    assert original == kept  # the handler saw a parsed copy; a test can reuse its event


def test_principal_id_is_none_without_authorizer(accounts, event, context):
    request = event("rest_v1_post")
    request["httpMethod"] = "PUT"
    del request["requestContext"]["authorizer"]
    answer = accounts(request, context)
    assert json.loads(answer["body"]) == {"principal": None}


def test_body_string_sent_unchanged_and_handler_headers_win(make_app, context):
    app = make_app(
        {
            "pages": """
            import tight.providers.aws.controllers.lambda_proxy_event as lambda_proxy
            @lambda_proxy.get
            def page(event):
                return {'body': '<h1>hi</h1>', 'headers': {'Content-Type': 'text/html',
                        'Access-Control-Allow-Origin': 'https://example.com', 'X-Count': 3}}
            """
        }
    ).import_index()
    answer = app.pages({"httpMethod": "GET"}, context)
    assert answer == {
        "statusCode": 200,
        "headers": {
            "Access-Control-Allow-Origin": "https://example.com",
            "Content-Type": "text/html",
            "X-Count": "3",
        },
        "body": "<h1>hi</h1>",
    }


def test_json_body_is_compact_like_the_original_expectation(accounts, context):
    answer = accounts({"httpMethod": "GET", "path": "/a"}, context)
    assert answer["body"] == '{"path":"/a","id":"c0ffee00-1234-5678-9abc-def012345678"}'
    assert answer["headers"] == {
        "Access-Control-Allow-Origin": "*",
        "Content-Type": "application/json",
    }


def test_none_answer_is_204_without_body(accounts, context):
    answer = accounts({"httpMethod": "DELETE"}, context)
    assert answer["statusCode"] == 204
    assert answer["body"] == ""


def test_unknown_method_is_405_with_allow(accounts, context):
    answer = accounts({"httpMethod": "PATCH"}, context)
    assert answer["statusCode"] == 405
    assert answer["headers"]["Allow"] == "GET, POST, PUT, DELETE, OPTIONS, HEAD"
    assert "PATCH" in json.loads(answer["body"])["message"]


def test_lowercase_method_still_dispatches(accounts, context):
    assert accounts({"httpMethod": "get"}, context)["statusCode"] == 200


def test_options_without_handler_answers_cors_preflight(accounts, context):
    answer = accounts(
        {"httpMethod": "OPTIONS", "headers": {"Access-Control-Request-Headers": "X-Token"}},
        context,
    )
    assert answer["statusCode"] == 204
    assert answer["headers"]["Access-Control-Allow-Methods"] == (
        "GET, POST, PUT, DELETE, OPTIONS, HEAD"
    )
    assert answer["headers"]["Access-Control-Allow-Headers"] == "X-Token"
    assert answer["headers"]["Access-Control-Allow-Origin"] == "*"


def test_options_handler_wins_over_automatic_preflight(make_app, context):
    app = make_app(
        {
            "opts": """
            import tight.providers.aws.controllers.lambda_proxy_event as lambda_proxy
            @lambda_proxy.options
            def options_handler(*args, **kwargs):
                return {'statusCode': 200, 'body': 'custom'}
            """
        }
    ).import_index()
    assert app.opts({"httpMethod": "OPTIONS"}, context)["body"] == "custom"


def test_head_without_handler_is_get_without_body(accounts, context):
    get = accounts({"httpMethod": "GET"}, context)
    head = accounts({"httpMethod": "HEAD"}, context)
    assert head["statusCode"] == get["statusCode"] == 200
    assert head["headers"] == get["headers"]
    assert head["body"] == "" and get["body"] != ""


def test_malformed_json_is_400_and_handler_not_called(make_app, context):
    app = make_app(
        {
            "strict": """
            import tight.providers.aws.controllers.lambda_proxy_event as lambda_proxy
            CALLS = []
            @lambda_proxy.post
            def post(event):
                CALLS.append(event)
                return {'statusCode': 201}
            """
        }
    ).import_index()
    declared = {"Content-Type": "application/json"}
    answer = app.strict({"httpMethod": "POST", "body": "{not json", "headers": declared}, context)
    assert answer["statusCode"] == 400
    assert json.loads(answer["body"])["message"].startswith("Request body is not valid JSON")
    import app.functions.strict.handler as handler

    assert handler.CALLS == []


def test_invalid_base64_is_400(accounts, context):
    answer = accounts({"httpMethod": "POST", "body": "%%%", "isBase64Encoded": True}, context)
    assert answer["statusCode"] == 400
    assert "base64" in json.loads(answer["body"])["message"]


def test_text_and_binary_bodies(make_app, context):
    app = make_app(
        {
            "raw": """
            import tight.providers.aws.controllers.lambda_proxy_event as lambda_proxy
            @lambda_proxy.post
            def post(event):
                return {'body': {'type': type(event['body']).__name__, 'len': len(event['body'])}}
            """
        }
    ).import_index()
    text = app.raw(
        {"httpMethod": "POST", "body": "hello", "headers": {"content-type": "text/plain"}},
        context,
    )
    assert json.loads(text["body"]) == {"type": "str", "len": 5}
    binary = app.raw(
        {
            "httpMethod": "POST",
            "body": "AAEC/w==",
            "isBase64Encoded": True,
            "headers": {"Content-Type": "application/octet-stream"},
        },
        context,
    )
    assert json.loads(binary["body"]) == {"type": "bytes", "len": 4}


def test_handler_exception_is_500_with_request_id_and_one_log_record(make_app, context, caplog):
    app = make_app(
        {
            "boom": """
            import tight.providers.aws.controllers.lambda_proxy_event as lambda_proxy
            @lambda_proxy.get
            def explode(event):
                raise ValueError('secret internals')
            """
        }
    ).import_index()
    with caplog.at_level(logging.ERROR, logger="tight"):
        answer = app.boom({"httpMethod": "GET"}, context)
    assert answer["statusCode"] == 500
    assert json.loads(answer["body"]) == {
        "message": "Internal server error",
        "requestId": context.aws_request_id,
    }
    assert "secret" not in answer["body"] and "Traceback" not in answer["body"]
    records = [r for r in caplog.records if r.name == "tight"]
    assert len(records) == 1
    assert records[0].exc_info and records[0].exc_info[0] is ValueError
    assert "explode" in records[0].getMessage()


def test_non_dict_answer_is_500_naming_the_handler(make_app, context, caplog):
    app = make_app(
        {
            "wrong": """
            import tight.providers.aws.controllers.lambda_proxy_event as lambda_proxy
            @lambda_proxy.get
            def listing(event):
                return ['a', 'b']
            """
        }
    ).import_index()
    with caplog.at_level(logging.ERROR, logger="tight"):
        answer = app.wrong({"httpMethod": "GET"}, context)
    assert answer["statusCode"] == 500
    assert "app.functions.wrong.handler" in caplog.text and "list" in caplog.text


def test_unencodable_body_is_500(make_app, context):
    app = make_app(
        {
            "odd": """
            import tight.providers.aws.controllers.lambda_proxy_event as lambda_proxy
            @lambda_proxy.get
            def odd(event):
                return {'body': {'x': object()}}
            """
        }
    ).import_index()
    assert app.odd({"httpMethod": "GET"}, context)["statusCode"] == 500


def test_bad_status_code_is_500(make_app, context):
    app = make_app(
        {
            "status": """
            import tight.providers.aws.controllers.lambda_proxy_event as lambda_proxy
            @lambda_proxy.get
            def s(event):
                return {'statusCode': 'teapot'}
            @lambda_proxy.post
            def p(event):
                return {'statusCode': '202'}
            """
        }
    ).import_index()
    assert app.status({"httpMethod": "GET"}, context)["statusCode"] == 500
    assert app.status({"httpMethod": "POST"}, context)["statusCode"] == 202


def test_exit_with_response_from_deep_in_the_stack(make_app, context):
    app = make_app(
        {
            "guarded": """
            import tight.providers.aws.controllers.lambda_proxy_event as lambda_proxy

            def load(account_id):
                lambda_proxy.exit_with_response(404, body={'message': f'no account {account_id}'})

            @lambda_proxy.get
            def get(event):
                load('7')
                return {'statusCode': 200}

            @lambda_proxy.delete
            def delete(event):
                answer = {'body': 'busy', 'headers': {'Retry-After': '5'}}
                raise lambda_proxy.HttpExitException(409, answer)
            """
        }
    ).import_index()
    answer = app.guarded({"httpMethod": "GET"}, context)
    assert answer["statusCode"] == 404
    assert json.loads(answer["body"]) == {"message": "no account 7"}
    conflict = app.guarded({"httpMethod": "DELETE"}, context)
    assert conflict["statusCode"] == 409
    assert conflict["body"] == "busy" and conflict["headers"]["Retry-After"] == "5"


def test_passthrough_and_v2_extras(make_app, context):
    app = make_app(
        {
            "extras": """
            import tight.providers.aws.controllers.lambda_proxy_event as lambda_proxy
            @lambda_proxy.get
            def get(event):
                return {'passthrough': {'anything': 'goes'}}
            @lambda_proxy.post
            def post(event):
                return {'statusCode': 200, 'body': b'\\x00\\x01', 'cookies': ['a=1'],
                        'multiValueHeaders': {'X-A': ['1', '2']}}
            """
        }
    ).import_index()
    assert app.extras({"httpMethod": "GET"}, context) == {"anything": "goes"}
    answer = app.extras({"httpMethod": "POST"}, context)  # REST v1: no `cookies` key there
    assert answer["body"] == "AAE=" and answer["isBase64Encoded"] is True
    assert "cookies" not in answer
    assert answer["multiValueHeaders"] == {"X-A": ["1", "2"], "Set-Cookie": ["a=1"]}
    v2 = {"version": "2.0", "requestContext": {"http": {"method": "POST"}}}
    answer = app.extras(v2, context)  # HTTP API v2: cookies stay a list, one value per header
    assert answer["cookies"] == ["a=1"]
    assert answer["headers"]["X-A"] == "1,2" and "multiValueHeaders" not in answer


def test_set_default_headers_changes_every_response(accounts, context):
    from tight.providers.aws.controllers import lambda_proxy_event as lambda_proxy

    lambda_proxy.set_default_headers({"X-Service": "accounts"})
    answer = accounts({"httpMethod": "GET"}, context)
    assert answer["headers"] == {"X-Service": "accounts", "Content-Type": "application/json"}
    preflight = accounts({"httpMethod": "OPTIONS"}, context)
    assert "Access-Control-Allow-Methods" not in preflight["headers"]  # no CORS asked for


def test_response_helper_and_decimal_bodies(make_app, context):
    app = make_app(
        {
            "helper": """
            from decimal import Decimal
            import datetime
            import tight.providers.aws.controllers.lambda_proxy_event as lambda_proxy
            @lambda_proxy.get
            def get(event):
                return lambda_proxy.Response(
                    {'n': Decimal('3'), 'f': Decimal('1.5'), 'tags': {'b', 'a'},
                     'at': datetime.datetime(2026, 11, 24, 12, 0, tzinfo=datetime.timezone.utc)},
                    status_code=201, headers={'X-Id': '1'})
            """
        }
    ).import_index()
    answer = app.helper({"httpMethod": "GET"}, context)
    assert answer["statusCode"] == 201
    assert json.loads(answer["body"]) == {
        "n": 3,
        "f": 1.5,
        "tags": ["a", "b"],
        "at": "2026-11-24T12:00:00+00:00",
    }


@pytest.mark.parametrize("bad", [{"records": []}, {"requestContext": {}}, None, "GET", 42])
def test_event_without_method_is_a_clear_error(accounts, context, bad):
    from tight.providers.aws.controllers.lambda_proxy_event import UnsupportedEventError

    with pytest.raises(UnsupportedEventError, match="Accepted: API Gateway REST"):
        accounts(bad, context)


def test_decorator_returns_the_function_and_stacks(make_app, context):
    app = make_app(
        {
            "stacked": """
            import tight.providers.aws.controllers.lambda_proxy_event as lambda_proxy
            @lambda_proxy.put
            @lambda_proxy.patch
            def upsert(event):
                return {'body': {'method': event['httpMethod']}}
            """
        }
    ).import_index()
    import app.functions.stacked.handler as handler

    assert handler.upsert(event={"httpMethod": "X"}) == {"body": {"method": "X"}}
    assert json.loads(app.stacked({"httpMethod": "PATCH"}, context)["body"]) == {"method": "PATCH"}
    assert json.loads(app.stacked({"httpMethod": "PUT"}, context)["body"]) == {"method": "PUT"}


def test_controller_module_gets_a_plain_handler(make_app, context):
    make_app({"accounts": ACCOUNTS}).import_index()
    import app.functions.accounts.handler as module

    assert module.handler({"httpMethod": "DELETE"}, context)["statusCode"] == 204


def test_cyclic_body_is_500_not_a_crash(make_app, context):
    app = make_app(
        {
            "cycle": """
            import tight.providers.aws.controllers.lambda_proxy_event as lambda_proxy
            @lambda_proxy.get
            def get(event):
                body = {}
                body['self'] = body
                return {'body': body}
            """
        }
    ).import_index()
    assert app.cycle({"httpMethod": "GET"}, context)["statusCode"] == 500


@pytest.mark.parametrize("body", [' {"a": 1} ', '{"a": 1}\n', b'{"a": 1}'])
def test_json_with_whitespace_or_bytes(make_app, context, body):
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
    assert app.echo({"httpMethod": "POST", "body": body}, context)["body"] == '{"a":1}'
