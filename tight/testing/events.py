"""Realistic HTTP events for handler tests: API Gateway v1/v2, Function URLs and ALB.

One builder for API Gateway REST (v1), HTTP API (v2), Lambda Function URL and Application Load
Balancer events. The shapes follow the payloads AWS documents for each source (keys, nesting,
which fields are null or absent when empty, lower-cased v2 headers, comma-joined v2
duplicates), so a handler tested with these events meets the same dictionaries in production.
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote, urlencode

VERSIONS = ("v1", "v2", "url", "alb")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")

ACCOUNT_ID = "123456789012"
API_ID = "abcdef1234"
REGION = "us-east-1"
SOURCE_IP = "203.0.113.10"
USER_AGENT = "tight-test-client/1.0"
TARGET_GROUP_ARN = (
    f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT_ID}:targetgroup/tight-tests/0123456789abcdef"
)

QueryValue = str | Iterable[str]


def make_event(
    method: str,
    path: str = "/",
    *,
    body: Any = None,
    headers: Mapping[str, str] | None = None,
    query: Mapping[str, QueryValue] | None = None,
    path_params: Mapping[str, str] | None = None,
    version: str = "v1",
    principal_id: str | None = None,
    resource: str | None = None,
    stage: str | None = None,
    stage_variables: Mapping[str, str] | None = None,
    cookies: Iterable[str] | None = None,
    multi_value_headers: bool = False,
) -> dict[str, Any]:
    """Build the event API Gateway, a Function URL or an ALB would send to the Lambda.

    `body`: dict/list -> JSON text (with a JSON content type), str -> as is, bytes ->
    base64 with `isBase64Encoded`. `query` values may be lists (repeated parameters).
    `resource` is the route template (`/accounts/{id}`), derived from `path_params` if
    omitted. `principal_id` is the caller's `sub` claim (a Cognito authorizer on REST, a JWT
    authorizer on HTTP APIs), what `lambda_proxy` hands to `principal_id` parameters.
    `multi_value_headers=True` (ALB only) builds the event of a target group with multi-value
    headers on: `multiValueHeaders` and `multiValueQueryStringParameters`, no single-value maps.
    """
    method = _check_method(method)
    if not isinstance(path, str) or not path.startswith("/"):
        raise ValueError(f"path {path!r} must start with '/', e.g. '/accounts'")
    if version not in VERSIONS:
        raise ValueError(f"version {version!r} is not one of {', '.join(VERSIONS)}")
    if version in ("url", "alb") and principal_id is not None:
        raise ValueError(
            f"{version!r} events carry no authorizer: drop principal_id or use version='v1'/'v2'"
        )
    if multi_value_headers and version != "alb":
        raise ValueError(
            "multi_value_headers is an ALB target group setting: use version='alb' "
            "(REST v1 events always carry both maps)"
        )
    if version == "alb" and path_params:
        raise ValueError("ALB events have no path parameters: put the values in `path`")
    text, is_base64, content_type = _encode_body(body)
    header_map = _headers(headers, content_type)
    query_map = {k: _as_list(v) for k, v in (query or {}).items()}
    request = _Request(
        method=method,
        path=path,
        body=text,
        is_base64=is_base64,
        headers=header_map,
        query=query_map,
        path_params=dict(path_params or {}),
        resource=resource or _template(path, path_params or {}),
        principal_id=principal_id,
        stage_variables=dict(stage_variables) if stage_variables else None,
        cookies=list(cookies or []),
    )
    if version == "v1":
        return _rest_v1(request, stage or "dev")
    if version == "v2":
        return _http_v2(request, stage or "$default", function_url=False)
    if version == "url":
        return _http_v2(request, "$default", function_url=True)
    return _alb(request, multi_value_headers)


class _Request:
    def __init__(self, **fields: Any) -> None:
        self.__dict__.update(fields)
        self.request_id = str(uuid.uuid4())
        self.epoch_ms = int(time.time() * 1000)
        self.clock = time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(self.epoch_ms / 1000))


def _rest_v1(r: Any, stage: str) -> dict[str, Any]:
    headers = {"Host": f"{API_ID}.execute-api.{REGION}.amazonaws.com", **r.headers}
    if r.cookies:
        headers["Cookie"] = "; ".join(r.cookies)
    context: dict[str, Any] = {
        "accountId": ACCOUNT_ID,
        "apiId": API_ID,
        "domainName": f"{API_ID}.execute-api.{REGION}.amazonaws.com",
        "domainPrefix": API_ID,
        "extendedRequestId": r.request_id[:16],
        "httpMethod": r.method,
        "identity": rest_identity(),
        "path": f"/{stage}{r.path}",
        "protocol": "HTTP/1.1",
        "requestId": r.request_id,
        "requestTime": r.clock,
        "requestTimeEpoch": r.epoch_ms,
        "resourceId": "abc123",
        "resourcePath": r.resource,
        "stage": stage,
    }
    if r.principal_id is not None:  # a Cognito user pool authorizer
        context["authorizer"] = {"claims": _claims(r.principal_id)}
    return {
        "resource": r.resource,
        "path": r.path,
        "httpMethod": r.method,
        "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": {k: v[-1] for k, v in r.query.items()} or None,
        "multiValueQueryStringParameters": dict(r.query) or None,
        "pathParameters": r.path_params or None,
        "stageVariables": r.stage_variables,
        "requestContext": context,
        "body": r.body,
        "isBase64Encoded": r.is_base64,
    }


def _http_v2(r: Any, stage: str, function_url: bool) -> dict[str, Any]:
    domain = (
        f"{API_ID}.lambda-url.{REGION}.on.aws"
        if function_url
        else f"{API_ID}.execute-api.{REGION}.amazonaws.com"
    )
    route_key = "$default" if function_url else f"{r.method} {r.resource}"
    headers = {"host": domain, **{k.lower(): v for k, v in r.headers.items()}}
    headers.setdefault("x-forwarded-proto", "https")
    context: dict[str, Any] = {
        "accountId": "anonymous" if function_url else ACCOUNT_ID,
        "apiId": API_ID,
        "domainName": domain,
        "domainPrefix": API_ID,
        "http": {
            "method": r.method,
            "path": r.path,
            "protocol": "HTTP/1.1",
            "sourceIp": SOURCE_IP,
            "userAgent": headers.get("user-agent", USER_AGENT),
        },
        "requestId": r.request_id,
        "routeKey": route_key,
        "stage": stage,
        "time": r.clock,
        "timeEpoch": r.epoch_ms,
    }
    if r.principal_id is not None:  # a JWT authorizer
        context["authorizer"] = {"jwt": {"claims": _claims(r.principal_id), "scopes": None}}
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": r.path,
        "rawQueryString": urlencode([(k, v) for k, vs in r.query.items() for v in vs]),
    }
    if r.cookies:
        event["cookies"] = list(r.cookies)
    event["headers"] = headers
    if r.query:
        event["queryStringParameters"] = {k: ",".join(v) for k, v in r.query.items()}
    event["requestContext"] = context
    if r.body is not None:
        event["body"] = r.body
    if r.path_params and not function_url:
        event["pathParameters"] = dict(r.path_params)
    event["isBase64Encoded"] = r.is_base64
    if r.stage_variables and not function_url:
        event["stageVariables"] = r.stage_variables
    return event


def _alb(r: Any, multi_value: bool = False) -> dict[str, Any]:
    headers = {
        "host": f"tight-tests-123456789.{REGION}.elb.amazonaws.com",
        "x-forwarded-for": SOURCE_IP,
        "x-forwarded-port": "443",
        "x-forwarded-proto": "https",
        **{k.lower(): v for k, v in r.headers.items()},
    }
    if r.cookies:
        headers["cookie"] = "; ".join(r.cookies)
    event: dict[str, Any] = {
        "requestContext": {"elb": {"targetGroupArn": TARGET_GROUP_ARN}},
        "httpMethod": r.method,
        "path": r.path,
    }
    # An ALB passes query keys and values on still URL-encoded.
    if multi_value:
        event["multiValueQueryStringParameters"] = {
            quote(k): [quote(v) for v in vs] for k, vs in r.query.items()
        }
        event["multiValueHeaders"] = {k: [v] for k, v in headers.items()}
    else:  # the last value of a repeated key
        event["queryStringParameters"] = {quote(k): quote(v[-1]) for k, v in r.query.items()}
        event["headers"] = headers
    event["body"] = r.body or ""
    event["isBase64Encoded"] = r.is_base64
    return event


def _claims(subject: str) -> dict[str, Any]:
    return {
        "sub": subject,
        "iss": f"https://cognito-idp.{REGION}.amazonaws.com/{REGION}_tighttest",
        "token_use": "id",
        "cognito:username": subject,
    }


def rest_identity(
    source_ip: str = SOURCE_IP, user_agent: str | None = USER_AGENT
) -> dict[str, Any]:
    """`requestContext.identity` of a REST v1 event with no IAM or Cognito caller: what API
    Gateway sends for a public method (also what `invoke serve` puts in its events)."""
    return {
        "accessKey": None,
        "accountId": None,
        "caller": None,
        "cognitoAuthenticationProvider": None,
        "cognitoAuthenticationType": None,
        "cognitoIdentityId": None,
        "cognitoIdentityPoolId": None,
        "principalOrgId": None,
        "sourceIp": source_ip,
        "user": None,
        "userAgent": user_agent,
        "userArn": None,
    }


def _check_method(method: str) -> str:
    upper = str(method).upper()
    if upper not in METHODS:
        raise ValueError(f"HTTP method {method!r} is not one of {', '.join(METHODS)}")
    return upper


def _encode_body(body: Any) -> tuple[str | None, bool, str | None]:
    if body is None:
        return None, False, None
    if isinstance(body, (bytes, bytearray)):
        return base64.b64encode(bytes(body)).decode("ascii"), True, "application/octet-stream"
    if isinstance(body, str):
        return body, False, None
    return json.dumps(body, separators=(",", ":")), False, "application/json"


def _headers(headers: Mapping[str, str] | None, content_type: str | None) -> dict[str, str]:
    given = {str(k): str(v) for k, v in (headers or {}).items()}
    names = {k.lower() for k in given}
    defaults = {"User-Agent": USER_AGENT, "X-Forwarded-For": SOURCE_IP}
    if content_type:
        defaults["Content-Type"] = content_type
    return {**{k: v for k, v in defaults.items() if k.lower() not in names}, **given}


def _as_list(value: QueryValue) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def _template(path: str, path_params: Mapping[str, str]) -> str:
    """`/accounts/42` with {'id': '42'} -> `/accounts/{id}`: the route API Gateway matched."""
    by_value = {str(v): k for k, v in path_params.items()}
    segments = [f"{{{by_value[s]}}}" if s in by_value else s for s in path.split("/")]
    return "/".join(segments)
