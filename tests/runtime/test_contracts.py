"""AWS's event contracts, one rule at a time: ALB, REST keys, methods, media types,
who is calling, query and cookie helpers. The corpus test runs every sample; these pin details."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tight.providers.aws.controllers import lambda_proxy_event as lambda_proxy

CORPUS = Path(__file__).resolve().parents[1] / "events"

ECHO = """
import tight.providers.aws.controllers.lambda_proxy_event as lambda_proxy

@lambda_proxy.get
def get(event, principal_id):
    return {'body': {'principal': principal_id, 'has_http_method': 'httpMethod' in event,
                     'query': lambda_proxy.query_params(event),
                     'one': lambda_proxy.query_param(event, 'a'),
                     'cookies': lambda_proxy.cookies(event)},
            'cookies': ['s=1; Path=/', 't=2'], 'statusDescription': 'custom'}

@lambda_proxy.post
def post(event):
    return {'body': {'type': type(event['body']).__name__, 'body': event['body']}}

@lambda_proxy.put
def put(event):
    raise RuntimeError('boom')
"""


@pytest.fixture
def echo(make_app):
    return make_app({"echo": ECHO}).import_index().echo


def _sample(name: str) -> dict:
    return json.loads((CORPUS / name).read_text(encoding="utf-8-sig"))


def _alb(multi: bool, method: str = "GET", **extra: object) -> dict:
    event: dict = {
        "requestContext": {"elb": {"targetGroupArn": "arn:aws:elasticloadbalancing:tg"}},
        "httpMethod": method,
        "path": "/",
        "body": "",
        "isBase64Encoded": False,
    }
    if multi:
        event["multiValueHeaders"] = {"origin": ["https://a.example"]}
        event["multiValueQueryStringParameters"] = {"a": ["x%20y", "2"]}
    else:
        event["headers"] = {"origin": "https://a.example"}
        event["queryStringParameters"] = {"a": "x%20y"}
    event.update(extra)
    return event


# 1. ALB --------------------------------------------------------------------------------------


def test_alb_answers_carry_status_description_and_base64_flag(echo):
    answer = echo(_alb(multi=False, method="POST"), None)
    assert answer["statusDescription"] == "200 OK" and answer["isBase64Encoded"] is False
    assert "multiValueHeaders" not in answer


@pytest.mark.parametrize("method", ["PATCH", "OPTIONS", "PUT", "GET"])
def test_alb_multi_value_answers_use_multi_value_headers_only(echo, method):
    answer = echo(_alb(multi=True, method=method), None)
    assert "headers" not in answer
    multi = answer["multiValueHeaders"]
    assert all(isinstance(v, list) for v in multi.values())
    expected = {"PATCH": 405, "OPTIONS": 204, "PUT": 500, "GET": 200}[method]
    assert answer["statusCode"] == expected
    if method != "GET":  # the GET handler sets its own statusDescription
        assert answer["statusDescription"].startswith(str(expected))
    if method in ("PATCH", "OPTIONS"):
        assert multi["Allow"] == ["GET, POST, PUT, OPTIONS, HEAD"]
    if method == "GET":
        assert multi["Set-Cookie"] == ["s=1; Path=/", "t=2"]
        assert answer["statusDescription"] == "custom"


def test_alb_multi_value_request_headers_are_read(echo):
    event = _alb(multi=True, method="OPTIONS")
    event["multiValueHeaders"]["access-control-request-headers"] = ["X-Token"]
    answer = echo(event, None)
    assert answer["multiValueHeaders"]["Access-Control-Allow-Headers"] == ["X-Token"]
    form = _alb(multi=True, method="POST", body="a=1&b=2")
    form["multiValueHeaders"]["content-type"] = ["Application/X-WWW-Form-URLencoded"]
    assert json.loads(echo(form, None)["body"])["body"] == {"a": "1", "b": "2"}


def test_alb_query_values_are_decoded_by_the_helpers(echo):
    single = json.loads(echo(_alb(multi=False), None)["body"])
    assert single["query"] == {"a": ["x y"]} and single["one"] == "x y"
    multi = json.loads(echo(_alb(multi=True), None)["body"])
    assert multi["query"] == {"a": ["x y", "2"]} and multi["one"] == "2"


# 2. REST v1 keys and cookies -----------------------------------------------------------------


def test_rest_answer_holds_only_keys_api_gateway_accepts(echo):
    answer = echo(_sample("powertools/apiGatewayProxyEvent.json"), None)
    assert set(answer) <= {"statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded"}
    assert answer["multiValueHeaders"]["Set-Cookie"] == ["s=1; Path=/", "t=2"]


def test_http_api_keeps_the_cookies_list(echo):
    answer = echo(_sample("powertools/apiGatewayProxyV2Event_GET.json"), None)
    assert answer["cookies"] == ["s=1; Path=/", "t=2"] and "statusDescription" not in answer


# 3. Lookalikes -------------------------------------------------------------------------------


@pytest.mark.parametrize("method", [None, ["GET"], ""])
def test_an_unusable_http_method_is_refused(echo, method):
    with pytest.raises(lambda_proxy.UnsupportedEventError, match="httpMethod is"):
        echo({"httpMethod": method, "path": "/"}, None)


# 4. Methods and media types ------------------------------------------------------------------


@pytest.mark.parametrize(("method", "status"), [("head", 200), ("options", 204), ("get", 200)])
def test_lower_case_methods(echo, method, status):
    answer = echo({"httpMethod": method}, None)
    assert answer["statusCode"] == status
    if method == "head":
        assert answer["body"] == ""


def test_head_on_http_api_gives_the_get_handler_a_v2_event(make_app):
    app = make_app(
        {
            "v2": """
            import tight.providers.aws.controllers.lambda_proxy_event as lambda_proxy
            SEEN = []
            @lambda_proxy.get
            def get(event):
                SEEN.append(event)
                return {'headers': {'X-Len': '5'}, 'body': 'hello'}
            """
        }
    ).import_index()
    event = _sample("powertools/apiGatewayProxyV2Event_GET.json")
    event["requestContext"]["http"]["method"] = "HEAD"
    answer = app.v2(event, None)
    assert answer["statusCode"] == 200 and answer["body"] == ""
    assert answer["headers"]["X-Len"] == "5"
    import app.functions.v2.handler as handler

    (seen,) = handler.SEEN
    assert "httpMethod" not in seen and seen["requestContext"]["http"]["method"] == "GET"
    assert event["requestContext"]["http"]["method"] == "HEAD"  # the caller's event untouched


@pytest.mark.parametrize(
    ("content_type", "body", "expected_type", "expected"),
    [
        ("Application/JSON; charset=UTF-8", '{"a": 1}', "dict", {"a": 1}),
        ("application/vnd.api+json", '{"a": 1}', "dict", {"a": 1}),
        ("TEXT/PLAIN", "hi", "str", "hi"),
        (" application/x-www-form-urlencoded", "a=1", "dict", {"a": "1"}),
        ("multipart/form-data; boundary=jsonXYZ", "--jsonXYZ--", "str", "--jsonXYZ--"),
        (None, "plain words", "str", "plain words"),
        (None, '{"a": 1}', "dict", {"a": 1}),
    ],
)
def test_media_types(echo, content_type, body, expected_type, expected):
    headers = {"CONTENT-TYPE": content_type} if content_type else {}
    answer = echo({"httpMethod": "POST", "body": body, "headers": headers}, None)
    assert answer["statusCode"] == 200
    assert json.loads(answer["body"]) == {"type": expected_type, "body": expected}


def test_only_a_declared_json_type_earns_a_400(echo):
    declared = {"httpMethod": "POST", "body": "{oops", "headers": {"Content-Type": "text/json"}}
    assert (
        echo({**declared, "headers": {"Content-Type": "application/json"}}, None)["statusCode"]
        == 400
    )
    assert echo({**declared, "headers": {}}, None)["statusCode"] == 200
    bad64 = {"httpMethod": "POST", "body": "not base64!", "isBase64Encoded": True}
    assert echo(bad64, None)["statusCode"] == 400


# 5. Who is calling ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sample", "expected"),
    [
        ("aws-lambda-go/apigw-request.json", "admin"),  # REST Lambda authorizer
        ("powertools/apiGatewayProxyEventPrincipalId.json", "fake"),  # REST Lambda authorizer
        ("aws-lambda-go/apigw-v2-request-jwt-authorizer.json", None),  # JWT without `sub`
        ("aws-lambda-go/apigw-v2-request-lambda-authorizer.json", None),  # context: key only
        ("powertools/apiGatewayProxyV2IamEvent.json", "arn:aws:iam::1234567890:user/Admin"),
        (
            "powertools/lambdaFunctionUrlIAMEvent.json",
            "arn:aws:iam::111122223333:user/example-user",
        ),
        ("aws-lambda-go/apigw-v2-request-iam.json", "arn:aws:iam::1234567890:user/Admin"),
        ("aws-lambda-go/apigw-v2-request-no-authorizer.json", None),
    ],
)
def test_principal_id_from_every_authorizer(echo, sample, expected):
    event = _sample(sample)
    if "httpMethod" in event:
        event["httpMethod"] = "GET"
    else:
        event["requestContext"]["http"]["method"] = "GET"
    assert json.loads(echo(event, None)["body"])["principal"] == expected


def test_principal_id_order():
    def rest(authorizer: dict, user_arn: str | None = None) -> dict:
        return {"requestContext": {"authorizer": authorizer, "identity": {"userArn": user_arn}}}

    assert lambda_proxy.principal_id(rest({"claims": {"sub": "c"}, "principalId": "p"})) == "c"
    assert lambda_proxy.principal_id(rest({"jwt": {"claims": {"sub": "j"}}})) == "j"
    assert lambda_proxy.principal_id(rest({"principalId": "p"}, "arn:iam")) == "p"
    assert lambda_proxy.principal_id(rest({"lambda": {"principalId": "l", "sub": "s"}})) == "l"
    assert lambda_proxy.principal_id(rest({"lambda": {"sub": "s"}})) == "s"
    assert lambda_proxy.principal_id(rest({"iam": {"userArn": "arn:v2"}})) == "arn:v2"
    assert lambda_proxy.principal_id(rest({}, "arn:iam")) == "arn:iam"
    assert lambda_proxy.principal_id(rest({"claims": None})) is None


# 6. Query strings and cookies ----------------------------------------------------------------


def test_query_and_cookie_helpers_for_each_source(echo):
    v1 = json.loads(echo(_sample("powertools/apiGatewayProxyEvent.json"), None)["body"])
    assert v1["query"] == {"parameter1": ["value1", "value2"], "parameter2": ["value"]}
    assert v1["one"] is None
    v2 = json.loads(echo(_sample("powertools/apiGatewayProxyV2Event_GET.json"), None)["body"])
    assert v2["query"] == {"parameter1": ["value1", "value2"], "parameter2": ["value"]}
    assert v2["cookies"] == {}  # AWS's sample sends bare "cookie1", "cookie2": not name=value
    header = {"httpMethod": "GET", "headers": {"Cookie": 'a=1; b="two"; a=3; junk'}}
    assert json.loads(echo(header, None)["body"])["cookies"] == {"a": "1", "b": "two"}
    listed = {
        "version": "2.0",
        "cookies": ["a=1", "b=2"],
        "requestContext": {"http": {"method": "GET"}},
    }
    assert json.loads(echo(listed, None)["body"])["cookies"] == {"a": "1", "b": "2"}
    raw = {**listed, "rawQueryString": "a=1%2C2&a=3&e=", "queryStringParameters": {"a": "1,2,3"}}
    body = json.loads(echo(raw, None)["body"])
    assert body["query"] == {"a": ["1,2", "3"], "e": [""]} and body["one"] == "3"


def test_test_kit_builds_alb_multi_value_events(echo):
    from tight.testing.events import make_event

    event = make_event(
        "GET", "/", query={"a": ["x y", "2"]}, version="alb", multi_value_headers=True
    )
    assert "headers" not in event and event["multiValueQueryStringParameters"] == {
        "a": ["x%20y", "2"]
    }
    answer = echo(event, None)
    assert answer["multiValueHeaders"]["Set-Cookie"] == ["s=1; Path=/", "t=2"]
    assert json.loads(answer["body"])["query"] == {"a": ["x y", "2"]}
    with pytest.raises(ValueError, match="multi_value_headers is an ALB target group setting"):
        make_event("GET", version="v2", multi_value_headers=True)
