"""make_event builds the events AWS really sends, for all four HTTP sources.

The key sets below are those of the sample payloads AWS documents (API Gateway developer
guide: REST proxy integration input, HTTP API payload 2.0; Lambda developer guide: Function
URL request payload; ELB guide: Lambda target request), as also used by Powertools' test
events.
"""

from __future__ import annotations

import base64
import json
from urllib.parse import parse_qs

import pytest

from tight.providers.aws.controllers.request import principal_id
from tight.testing.events import make_event

REST_V1_KEYS = {
    "resource",
    "path",
    "httpMethod",
    "headers",
    "multiValueHeaders",
    "queryStringParameters",
    "multiValueQueryStringParameters",
    "pathParameters",
    "stageVariables",
    "requestContext",
    "body",
    "isBase64Encoded",
}
REST_V1_CONTEXT_KEYS = {
    "accountId",
    "apiId",
    "domainName",
    "domainPrefix",
    "extendedRequestId",
    "httpMethod",
    "identity",
    "path",
    "protocol",
    "requestId",
    "requestTime",
    "requestTimeEpoch",
    "resourceId",
    "resourcePath",
    "stage",
}
HTTP_V2_KEYS = {
    "version",
    "routeKey",
    "rawPath",
    "rawQueryString",
    "cookies",
    "headers",
    "queryStringParameters",
    "requestContext",
    "body",
    "pathParameters",
    "isBase64Encoded",
    "stageVariables",
}
HTTP_V2_CONTEXT_KEYS = {
    "accountId",
    "apiId",
    "domainName",
    "domainPrefix",
    "http",
    "requestId",
    "routeKey",
    "stage",
    "time",
    "timeEpoch",
}
HTTP_V2_HTTP_KEYS = {"method", "path", "protocol", "sourceIp", "userAgent"}
FUNCTION_URL_KEYS = {
    "version",
    "routeKey",
    "rawPath",
    "rawQueryString",
    "cookies",
    "headers",
    "queryStringParameters",
    "requestContext",
    "body",
    "isBase64Encoded",
}
ALB_KEYS = {
    "requestContext",
    "httpMethod",
    "path",
    "queryStringParameters",
    "headers",
    "body",
    "isBase64Encoded",
}


def _full(version: str) -> dict:
    return make_event(
        "POST",
        "/accounts/42",
        body={"name": "Ada"},
        headers={"X-Trace": "t-1"},
        query={"expand": ["owner", "tags"], "limit": "5"},
        path_params={"id": "42"} if version in ("v1", "v2") else None,
        stage_variables={"env": "dev"} if version in ("v1", "v2") else None,
        cookies=["a=1", "b=2"],
        version=version,
    )


def test_rest_v1_has_the_documented_shape() -> None:
    event = _full("v1")
    assert set(event) == REST_V1_KEYS
    assert set(event["requestContext"]) == REST_V1_CONTEXT_KEYS
    assert event["httpMethod"] == event["requestContext"]["httpMethod"] == "POST"
    assert event["resource"] == "/accounts/{id}" == event["requestContext"]["resourcePath"]
    assert event["pathParameters"] == {"id": "42"}
    assert event["queryStringParameters"] == {"expand": "tags", "limit": "5"}
    assert event["multiValueQueryStringParameters"] == {"expand": ["owner", "tags"], "limit": ["5"]}
    assert event["multiValueHeaders"]["X-Trace"] == ["t-1"]
    assert event["headers"]["Content-Type"] == "application/json"
    assert json.loads(event["body"]) == {"name": "Ada"}
    assert event["isBase64Encoded"] is False


def test_rest_v1_without_parameters_uses_nulls_like_api_gateway() -> None:
    event = make_event("GET", "/health")
    assert set(event) == REST_V1_KEYS
    for key in (
        "queryStringParameters",
        "multiValueQueryStringParameters",
        "pathParameters",
        "stageVariables",
        "body",
    ):
        assert event[key] is None, key


def test_http_api_v2_has_the_documented_shape() -> None:
    event = _full("v2")
    assert set(event) == HTTP_V2_KEYS
    context = event["requestContext"]
    assert set(context) == HTTP_V2_CONTEXT_KEYS
    assert set(context["http"]) == HTTP_V2_HTTP_KEYS
    assert event["version"] == "2.0"
    assert event["routeKey"] == context["routeKey"] == "POST /accounts/{id}"
    assert context["http"]["method"] == "POST" and context["http"]["path"] == "/accounts/42"
    assert all(name == name.lower() for name in event["headers"])
    assert event["queryStringParameters"] == {"expand": "owner,tags", "limit": "5"}
    assert parse_qs(event["rawQueryString"]) == {"expand": ["owner", "tags"], "limit": ["5"]}
    assert event["cookies"] == ["a=1", "b=2"]


def test_http_api_v2_omits_what_is_empty() -> None:
    event = make_event("GET", "/", version="v2")
    assert set(event) == HTTP_V2_KEYS - {
        "cookies",
        "queryStringParameters",
        "body",
        "pathParameters",
        "stageVariables",
    }
    assert event["rawQueryString"] == ""


def test_function_url_has_the_documented_shape() -> None:
    event = _full("url")
    assert set(event) == FUNCTION_URL_KEYS
    context = event["requestContext"]
    assert set(context) == HTTP_V2_CONTEXT_KEYS
    assert event["routeKey"] == context["routeKey"] == "$default"
    assert context["domainName"].endswith(".lambda-url.us-east-1.on.aws")


def test_alb_has_the_documented_shape() -> None:
    event = make_event("GET", "/todos", query={"q": "a b"}, version="alb")
    assert set(event) == ALB_KEYS
    assert set(event["requestContext"]) == {"elb"}
    assert event["requestContext"]["elb"]["targetGroupArn"].startswith(
        "arn:aws:elasticloadbalancing:"
    )
    assert event["queryStringParameters"] == {"q": "a%20b"}  # an ALB does not decode
    assert event["body"] == ""


def test_binary_bodies_are_base64_encoded() -> None:
    for version in ("v1", "v2", "url", "alb"):
        event = make_event("PUT", "/blob", body=b"\x00\xff", version=version)
        assert event["isBase64Encoded"] is True
        assert base64.b64decode(event["body"]) == b"\x00\xff"


def test_text_bodies_pass_through_and_headers_are_not_doubled() -> None:
    event = make_event("POST", "/x", body="a=1", headers={"content-type": "text/plain"})
    assert event["body"] == "a=1"
    assert [k for k in event["headers"] if k.lower() == "content-type"] == ["content-type"]


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_principal_id_is_what_the_runtime_reads(version: str) -> None:
    event = make_event("GET", "/me", principal_id="user-7", version=version)
    assert principal_id(event) == "user-7"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"method": "FETCH"}, "HTTP method 'FETCH' is not one of"),
        ({"path": "accounts"}, "must start with '/'"),
        ({"version": "v3"}, "version 'v3' is not one of v1, v2, url, alb"),
        ({"version": "alb", "principal_id": "u"}, "'alb' events carry no authorizer"),
        ({"version": "alb", "path_params": {"id": "1"}}, "ALB events have no path parameters"),
    ],
)
def test_bad_arguments_are_named(kwargs: dict, message: str) -> None:
    arguments = {"method": "GET", "path": "/x", **kwargs}
    with pytest.raises(ValueError, match=message):
        make_event(arguments.pop("method"), arguments.pop("path"), **arguments)


def test_each_event_has_its_own_request_id() -> None:
    first, second = make_event("GET", "/"), make_event("GET", "/")
    assert first["requestContext"]["requestId"] != second["requestContext"]["requestId"]
