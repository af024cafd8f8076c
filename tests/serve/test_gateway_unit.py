"""The translation rules of `invoke serve`, without a server: routes, events, responses."""

from __future__ import annotations

import base64
import json

import pytest

from tight.tasks.deploy.stack import Function
from tight.tasks.serving import gateway
from tight.tasks.serving.routes import match


def fn(name: str, path: str) -> Function:
    return Function(name=name, logical_id=name, path=path, timeout=29, memory=256)


ROUTES = [fn("deep", "/api/v1/accounts"), fn("api", "/api"), fn("echo", "/echo")]


@pytest.mark.parametrize(
    ("path", "function", "resource", "params"),
    [
        ("/echo", "echo", "/echo", None),
        ("/echo/", "echo", "/echo", None),
        ("/echo/1", "echo", "/echo/{proxy+}", {"proxy": "1"}),
        ("/api/v1/accounts/7", "deep", "/api/v1/accounts/{proxy+}", {"proxy": "7"}),
        ("/api/v1", "api", "/api/{proxy+}", {"proxy": "v1"}),
        ("/api/v1/accounts", "deep", "/api/v1/accounts", None),
    ],
)
def test_exact_paths_first_then_the_longest_proxy_prefix(
    path: str, function: str, resource: str, params: dict | None
) -> None:
    found = match(ROUTES, path)
    assert found is not None
    assert (found.function.name, found.resource, found.path_parameters) == (
        function,
        resource,
        params,
    )


@pytest.mark.parametrize("path", ["/", "/ech", "/echoes", "/apiv1"])
def test_no_route(path: str) -> None:
    assert match(ROUTES, path) is None


def request(body: bytes = b"", content_type: str | None = None) -> gateway.HttpRequest:
    headers = [("Host", "127.0.0.1:3000")]
    if content_type:
        headers.append(("Content-Type", content_type))
    return gateway.HttpRequest("POST", "/echo", "/echo", "", headers, body, "127.0.0.1")


@pytest.mark.parametrize(
    ("content_type", "text"),
    [
        ("application/json", True),
        ("application/vnd.api+json; charset=utf-8", True),
        ("text/csv", True),
        ("application/x-www-form-urlencoded", True),
        ("application/octet-stream", False),
        ("image/png", False),
        (None, False),
    ],
)
def test_text_bodies_stay_text_others_are_base64(content_type: str | None, text: bool) -> None:
    body, is_base64 = gateway.encode_body(request(b"a,b", content_type))
    assert is_base64 is not text
    assert body == ("a,b" if text else base64.b64encode(b"a,b").decode())


def test_invalid_utf8_in_a_text_type_is_base64() -> None:
    assert gateway.encode_body(request(b"\xff\xfe", "text/plain"))[1] is True


def test_an_empty_body_is_null() -> None:
    assert gateway.encode_body(request()) == (None, False)


def test_rest_merges_headers_and_multi_value_headers_once() -> None:
    response = gateway.rest_v1_response(
        {
            "statusCode": 200,
            "headers": {"X-A": "1", "X-B": "b"},
            "multiValueHeaders": {"X-A": ["1", "2"]},
            "body": "ok",
        },
        "rid",
    )
    assert [v for k, v in response.headers if k == "X-A"] == ["1", "2"]
    assert ("X-B", "b") in response.headers
    assert ("Content-Type", "application/json") in response.headers  # REST's default
    assert response.body == b"ok"


def test_a_base64_answer_is_decoded() -> None:
    data = bytes(range(10))
    answer = {"statusCode": 200, "body": base64.b64encode(data).decode(), "isBase64Encoded": True}
    assert gateway.rest_v1_response(answer, "r").body == data
    assert gateway.http_v2_response(answer, "r").body == data


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ("not a dict", "returned a str"),
        ({"statusCode": "abc"}, "statusCode 'abc' is not an integer"),
        ({"statusCode": 999}, "statusCode 999 is not an HTTP status"),
        ({"statusCode": 200, "body": {"a": 1}}, "body is a dict"),
        ({"statusCode": 200, "headers": {"X": [1]}}, "header 'X' has a list value"),
        ({"statusCode": 200, "body": "%%%", "isBase64Encoded": True}, "not base64"),
    ],
)
def test_a_malformed_rest_answer_is_refused_with_the_reason(answer: object, reason: str) -> None:
    with pytest.raises(gateway.MalformedResponse, match=reason):
        gateway.rest_v1_response(answer, "r")


def test_v2_cookies_become_set_cookie_and_an_answer_without_status_is_a_json_200() -> None:
    response = gateway.http_v2_response(
        {"statusCode": 200, "cookies": ["a=1", "b=2"], "multiValueHeaders": {"X-M": ["1"]}}, "r"
    )
    assert [v for k, v in response.headers if k == "Set-Cookie"] == ["a=1", "b=2"]
    assert "X-M" not in dict(response.headers)  # not part of payload 2.0: ignored
    inferred = gateway.http_v2_response({"hello": "world"}, "r")
    assert inferred.status == 200
    assert json.loads(inferred.body) == {"hello": "world"}


def test_api_gateways_own_answers() -> None:
    assert gateway.not_found("rest").status == 403
    assert json.loads(gateway.not_found("http").body) == {"message": "Not Found"}
    assert gateway.function_failed("rest").status == 502
    assert json.loads(gateway.function_failed("http").body) == {"message": "Internal Server Error"}
