"""What API Gateway does around a Lambda proxy integration: request -> event -> response.

`rest_v1_event` / `http_v2_event` build the payload a REST API (v1) or an HTTP API (payload
format 2.0) sends; `rest_v1_response` / `http_v2_response` turn the function's answer into
the HTTP response the client gets, with API Gateway's own answers where it would give them
(unknown path, a function that fails, a malformed answer). The shapes follow AWS's documented
payloads; no HTTP is parsed here: the server library hands over method, path, headers, body.
"""

from __future__ import annotations

import base64
import binascii
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from tight.tasks.serving.routes import Match
from tight.testing.events import rest_identity

ACCOUNT_ID = "123456789012"  # a placeholder, as in AWS's sample events
API_ID = "local"
# Bodies of these types stay text in the event; anything else arrives base64-encoded.
TEXT_TYPES = ("text/", "application/json", "application/xml", "application/javascript")
TEXT_SUFFIXES = ("+json", "+xml")
FORM_TYPE = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class HttpRequest:
    """One request as the server received it, before API Gateway's translation."""

    method: str
    raw_path: str  # as sent, still percent-encoded
    path: str  # decoded
    query_string: str  # as sent, without the `?`
    headers: list[tuple[str, str]]  # in order, duplicates kept, names as sent
    body: bytes
    source_ip: str
    protocol: str = "HTTP/1.1"
    request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    epoch_ms: int = field(default_factory=lambda: int(time.time() * 1000))

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        values = [v for k, v in self.headers if k.lower() == lowered]
        return ",".join(values) if values else None

    @property
    def clock(self) -> str:
        """`25/Nov/2026:08:30:00 +0000`: REST's requestTime (v2's `time` has the same form)."""
        return time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(self.epoch_ms / 1000))


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


class MalformedResponse(ValueError):
    """The function's answer is not a proxy response API Gateway accepts; says why."""


# --- request -> event ---------------------------------------------------------------------


def is_text(content_type: str | None) -> bool:
    kind = (content_type or "").split(";")[0].strip().lower()
    return kind.startswith(TEXT_TYPES) or kind.endswith(TEXT_SUFFIXES) or kind == FORM_TYPE


def encode_body(request: HttpRequest) -> tuple[str | None, bool]:
    """(body, isBase64Encoded): text types as text, anything else (or bad UTF-8) base64."""
    if not request.body:
        return None, False
    if is_text(request.header("Content-Type")):
        try:
            return request.body.decode("utf-8"), False
        except UnicodeDecodeError:
            pass
    return base64.b64encode(request.body).decode("ascii"), True


def _query_pairs(request: HttpRequest) -> list[tuple[str, str]]:
    return parse_qsl(request.query_string, keep_blank_values=True)


def rest_v1_event(request: HttpRequest, match: Match, stage: str) -> dict[str, Any]:
    """The REST API proxy event: single- and multi-value headers and query parameters."""
    multi_headers: dict[str, list[str]] = {}
    spelling: dict[str, str] = {}  # one key per header, spelt as the client first sent it
    for name, value in request.headers:
        key = spelling.setdefault(name.lower(), name)
        multi_headers.setdefault(key, []).append(value)
    multi_query: dict[str, list[str]] = {}
    for name, value in _query_pairs(request):
        multi_query.setdefault(name, []).append(value)
    body, is_base64 = encode_body(request)
    host = request.header("Host") or "localhost"
    context = {
        "accountId": ACCOUNT_ID,
        "apiId": API_ID,
        "domainName": host,
        "domainPrefix": host.split(".")[0].split(":")[0],
        "extendedRequestId": request.request_id[:16],
        "httpMethod": request.method,
        "identity": rest_identity(request.source_ip, request.header("User-Agent")),
        "path": f"/{stage}{request.path}",
        "protocol": request.protocol,
        "requestId": request.request_id,
        "requestTime": request.clock,
        "requestTimeEpoch": request.epoch_ms,
        "resourceId": "local",
        "resourcePath": match.resource,
        "stage": stage,
    }
    return {
        "resource": match.resource,
        "path": request.path,
        "httpMethod": request.method,
        "headers": {k: v[-1] for k, v in multi_headers.items()} or None,
        "multiValueHeaders": multi_headers or None,
        "queryStringParameters": {k: v[-1] for k, v in multi_query.items()} or None,
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": match.path_parameters,
        "stageVariables": None,
        "requestContext": context,
        "body": body,
        "isBase64Encoded": is_base64,
    }


def http_v2_event(request: HttpRequest, match: Match, stage: str) -> dict[str, Any]:
    """The HTTP API event (payload 2.0): lower-case headers and duplicates comma-joined,
    cookies in their own list, no multi-value fields."""
    headers: dict[str, str] = {}
    cookies: list[str] = []
    for name, value in request.headers:
        key = name.lower()
        if key == "cookie":
            cookies.extend(c.strip() for c in value.split(";") if c.strip())
            continue
        headers[key] = f"{headers[key]},{value}" if key in headers else value
    query: dict[str, str] = {}
    for name, value in _query_pairs(request):
        query[name] = f"{query[name]},{value}" if name in query else value
    body, is_base64 = encode_body(request)
    route_key = f"ANY {match.resource}"
    host = headers.get("host", "localhost")
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": request.raw_path,
        "rawQueryString": request.query_string,
    }
    if cookies:
        event["cookies"] = cookies
    event["headers"] = headers
    if query:
        event["queryStringParameters"] = query
    event["requestContext"] = {
        "accountId": ACCOUNT_ID,
        "apiId": API_ID,
        "domainName": host,
        "domainPrefix": host.split(".")[0].split(":")[0],
        "http": {
            "method": request.method,
            "path": request.path,
            "protocol": request.protocol,
            "sourceIp": request.source_ip,
            "userAgent": headers.get("user-agent", ""),
        },
        "requestId": request.request_id,
        "routeKey": route_key,
        "stage": stage,
        "time": request.clock,
        "timeEpoch": request.epoch_ms,
    }
    if body is not None:
        event["body"] = body
    if match.path_parameters:
        event["pathParameters"] = dict(match.path_parameters)
    event["isBase64Encoded"] = is_base64
    return event


# --- function answer -> response ----------------------------------------------------------


def _status(result: dict[str, Any]) -> int:
    value = result.get("statusCode")
    try:
        status = int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise MalformedResponse(f"statusCode {value!r} is not an integer") from None
    if not 100 <= status <= 599:
        raise MalformedResponse(f"statusCode {status} is not an HTTP status")
    return status


def _header_value(name: str, value: Any) -> str:
    if isinstance(value, (dict, list, tuple, set)):
        raise MalformedResponse(f"header {name!r} has a {type(value).__name__} value")
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _body(result: dict[str, Any]) -> bytes:
    body = result.get("body")
    if body is None:
        return b""
    if not isinstance(body, str):
        raise MalformedResponse(f"body is a {type(body).__name__}, not a string")
    if result.get("isBase64Encoded"):
        try:
            return base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError):
            raise MalformedResponse("isBase64Encoded is true but the body is not base64") from None
    return body.encode("utf-8")


def _mapping(result: dict[str, Any], key: str) -> dict[str, Any]:
    value = result.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise MalformedResponse(f"{key} is a {type(value).__name__}, not an object")
    return value


def rest_v1_response(result: Any, request_id: str) -> HttpResponse:
    """REST: `headers` and `multiValueHeaders` merged (a pair in both appears once); no
    Content-Type means `application/json`, as API Gateway answers."""
    if not isinstance(result, dict):
        raise MalformedResponse(f"the function returned a {type(result).__name__}, not an object")
    status = _status(result)
    merged: dict[str, list[str]] = {}
    for name, values in _mapping(result, "multiValueHeaders").items():
        if not isinstance(values, list):
            raise MalformedResponse(f"multiValueHeaders {name!r} is not a list")
        merged[name] = [_header_value(name, v) for v in values]
    for name, value in _mapping(result, "headers").items():
        text = _header_value(name, value)
        existing = merged.setdefault(name, [])
        if text not in existing:
            existing.append(text)
    body = _body(result)
    headers = [(name, value) for name, values in merged.items() for value in values]
    names = {name.lower() for name, _ in headers}
    if "content-type" not in names:
        headers.append(("Content-Type", "application/json"))
    headers.append(("x-amzn-RequestId", request_id))
    return HttpResponse(status, headers, body)


def http_v2_response(result: Any, request_id: str) -> HttpResponse:
    """HTTP API 2.0: `cookies` become Set-Cookie headers; `multiValueHeaders` is not part of
    this format and is ignored; an answer without `statusCode` is a 200 JSON body."""
    if not (isinstance(result, dict) and "statusCode" in result):
        body = json.dumps(result).encode("utf-8")
        return HttpResponse(
            200, [("Content-Type", "application/json"), ("Apigw-Requestid", request_id)], body
        )
    status = _status(result)
    headers = [(n, _header_value(n, v)) for n, v in _mapping(result, "headers").items()]
    cookies = result.get("cookies") or []
    if not isinstance(cookies, list):
        raise MalformedResponse(f"cookies is a {type(cookies).__name__}, not a list")
    headers += [("Set-Cookie", _header_value("cookies", c)) for c in cookies]
    body = _body(result)
    headers.append(("Apigw-Requestid", request_id))
    return HttpResponse(status, headers, body)


# --- API Gateway's own answers ------------------------------------------------------------


def _json_answer(status: int, message: str, *extra: tuple[str, str]) -> HttpResponse:
    body = json.dumps({"message": message}, separators=(",", ":")).encode("utf-8")
    return HttpResponse(status, [("Content-Type", "application/json"), *extra], body)


def not_found(api: str) -> HttpResponse:
    """No route: a REST API answers 403 Missing Authentication Token (its answer for any
    unknown resource or method), an HTTP API 404 Not Found."""
    if api == "rest":
        return _json_answer(
            403,
            "Missing Authentication Token",
            ("x-amzn-ErrorType", "MissingAuthenticationTokenException"),
        )
    return _json_answer(404, "Not Found")


def function_failed(api: str) -> HttpResponse:
    """The function raised, failed to start, or answered something malformed: REST says
    502 Internal server error, an HTTP API 500 Internal Server Error."""
    if api == "rest":
        return _json_answer(
            502, "Internal server error", ("x-amzn-ErrorType", "InternalServerErrorException")
        )
    return _json_answer(500, "Internal Server Error")
