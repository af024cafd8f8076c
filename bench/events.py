"""Realistic API Gateway REST v1 (proxy integration) events and a Lambda context.

The events carry the full header set CloudFront and API Gateway add in front of a real
function, because frameworks that copy or scan headers pay for every one of them.
"""

from __future__ import annotations

import json
from typing import Any

POST_PAYLOAD: dict[str, Any] = {
    "name": "Widget",
    "price": 9.99,
    "stock": 3,
    "tags": ["blue", "small"],
    "dimensions": {"width": 10, "height": 4.5},
    "active": True,
}

_REQUEST_ID = "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"


def _headers(method: str) -> dict[str, str]:
    headers = {
        "Accept": "application/json, text/plain, */*",
        "Accept-Encoding": "gzip, deflate, br",
        "Accept-Language": "en-US,en;q=0.9",
        "CloudFront-Forwarded-Proto": "https",
        "CloudFront-Is-Desktop-Viewer": "true",
        "CloudFront-Is-Mobile-Viewer": "false",
        "CloudFront-Is-SmartTV-Viewer": "false",
        "CloudFront-Is-Tablet-Viewer": "false",
        "CloudFront-Viewer-ASN": "16509",
        "CloudFront-Viewer-Country": "US",
        "Host": "abcdef1234.execute-api.us-east-1.amazonaws.com",
        "User-Agent": (
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/124.0.0.0 Safari/537.36"
        ),
        "Via": "2.0 3ee1d5f2f8e3c5d2a1b0e9f8d7c6b5a4.cloudfront.net (CloudFront)",
        "X-Amz-Cf-Id": "Qy4VJkZQ2mHn0k3yA0Rl6pJ1V9Zb6oCzQmTq0xq9FfY1sN2uHd7WwA==",
        "X-Amzn-Trace-Id": "Root=1-65f1a2b3-4c5d6e7f8a9b0c1d2e3f4a5b",
        "X-Forwarded-For": "203.0.113.7, 130.176.98.12",
        "X-Forwarded-Port": "443",
        "X-Forwarded-Proto": "https",
        "sec-ch-ua-platform": '"Linux"',
        "origin": "https://app.example.com",
    }
    if method in ("POST", "PUT", "PATCH"):
        headers["Content-Type"] = "application/json"
    return headers


def rest_v1_event(method: str, path: str, body: Any = None) -> dict[str, Any]:
    """An API Gateway REST API (v1) proxy event for `method` on resource `path`.

    `body` is JSON-encoded the way API Gateway delivers it: as a string.
    """
    headers = _headers(method)
    return {
        "resource": path,
        "path": path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": {name: [value] for name, value in headers.items()},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {
            "resourceId": "2gxmpl",
            "resourcePath": path,
            "httpMethod": method,
            "extendedRequestId": "JJbxmHc4IAMFdZQ=",
            "requestTime": "10/Mar/2024:13:40:52 +0000",
            "path": "/Prod" + path,
            "accountId": "123456789012",
            "protocol": "HTTP/1.1",
            "stage": "Prod",
            "domainPrefix": "abcdef1234",
            "requestTimeEpoch": 1710078052000,
            "requestId": _REQUEST_ID,
            "identity": {
                "cognitoIdentityPoolId": None,
                "accountId": None,
                "cognitoIdentityId": None,
                "caller": None,
                "sourceIp": "203.0.113.7",
                "principalOrgId": None,
                "accessKey": None,
                "cognitoAuthenticationType": None,
                "cognitoAuthenticationProvider": None,
                "userArn": None,
                "userAgent": headers["User-Agent"],
                "user": None,
            },
            "domainName": "abcdef1234.execute-api.us-east-1.amazonaws.com",
            "apiId": "abcdef1234",
        },
        "body": None if body is None else json.dumps(body),
        "isBase64Encoded": False,
    }


def get_event(path: str) -> dict[str, Any]:
    return rest_v1_event("GET", path)


def post_event(path: str) -> dict[str, Any]:
    return rest_v1_event("POST", path, POST_PAYLOAD)


class LambdaContext:
    """The attributes of the Lambda runtime's context object that frameworks read."""

    function_name = "bench-function"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:bench-function"
    memory_limit_in_mb = 128
    aws_request_id = "0f2d2c5e-1b4a-4a8e-9d6c-2f1e3d4c5b6a"
    log_group_name = "/aws/lambda/bench-function"
    log_stream_name = "2024/03/10/[$LATEST]abcdef0123456789"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


CONTEXT_SOURCE = """
class LambdaContext:
    function_name = "bench-function"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:bench-function"
    memory_limit_in_mb = 128
    aws_request_id = "0f2d2c5e-1b4a-4a8e-9d6c-2f1e3d4c5b6a"
    log_group_name = "/aws/lambda/bench-function"
    log_stream_name = "2024/03/10/[$LATEST]abcdef0123456789"

    def get_remaining_time_in_millis(self):
        return 30000
"""
"""The same context as source, for the cold-start child, which must not import this module
(it imports json, which would make the bare handler's own json import look free)."""
