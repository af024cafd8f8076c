"""Reading what dispatch needs from the HTTP events Lambda receives, and refusing the rest.

REST API v1 and ALB carry `httpMethod`; HTTP API v2 and Function URLs carry
`requestContext.http.method`. Events that look like requests but are not (Lambda authorizer
calls, WebSocket messages, Bedrock agent actions, VPC Lattice) raise UnsupportedEventError.
Bodies are parsed here so handlers get Python objects.
"""

import json

# Defined in the package so that dispatch needs no request.py for the common REST request.
from tight.providers.aws.controllers import (  # this module's public names too
    ACCEPTED_EVENTS,
    ALB,
    ALB_MULTI,
    HTTP,
    REST,
    BadRequest,
    UnsupportedEventError,
)


def classify(event: object) -> "tuple[int, str]":
    """(source, method) of a request event; UnsupportedEventError for anything else.

    The REST v1 case, by far the most common, costs a few dict lookups.
    """
    try:
        method = event["httpMethod"]  # type: ignore[index]
    except (KeyError, TypeError, IndexError):
        method = None
    if type(method) is str and method:
        if "methodArn" in event or "messageVersion" in event:  # type: ignore[operator]
            raise _unsupported(event)
        request_context = event.get("requestContext")  # type: ignore[union-attr]
        if not request_context:
            return REST, method
        if type(request_context) is not dict or "connectionId" in request_context:
            raise _unsupported(event)
        if "elb" in request_context:
            return (ALB_MULTI if "multiValueHeaders" in event else ALB), method  # type: ignore[operator]
        return REST, method
    if isinstance(event, dict) and method is None:
        request_context = event.get("requestContext")
        if isinstance(request_context, dict) and "routeArn" not in event and "type" not in event:
            http = request_context.get("http")
            if isinstance(http, dict):
                method = http.get("method")
                if type(method) is str and method:
                    return HTTP, method
    raise _unsupported(event)


def describe_event(event: object) -> str:
    """What an event that is not an HTTP request is, in words (for error messages)."""
    if not isinstance(event, dict):
        return f"a {type(event).__name__}"
    request_context = event.get("requestContext")
    context = request_context if isinstance(request_context, dict) else {}
    if event.get("type") == "TOKEN":
        return "an API Gateway Lambda authorizer event (type TOKEN)"
    if "methodArn" in event or "routeArn" in event or event.get("type") == "REQUEST":
        version = "v2 payload" if "routeArn" in event else "v1 payload"
        return f"an API Gateway Lambda authorizer event (type REQUEST, {version})"
    if "connectionId" in context or "eventType" in context:
        kind = context.get("eventType") or context.get("routeKey") or "MESSAGE"
        return f"an API Gateway WebSocket event ({kind})"
    if "messageVersion" in event and ("agent" in event or "actionGroup" in event):
        return "an Amazon Bedrock agent action-group event"
    if "serviceNetworkArn" in context or "raw_path" in event or "method" in event:
        return "a VPC Lattice event"
    if "httpMethod" in event:
        return f"an event whose httpMethod is {event['httpMethod']!r}"
    keys = sorted(map(str, event))[:8]
    return f"an event with keys {keys} and no HTTP method"


def _unsupported(event: object) -> UnsupportedEventError:
    return UnsupportedEventError(
        f"Tight controllers answer HTTP requests, but got {describe_event(event)}. "
        f"Accepted: {ACCEPTED_EVENTS}. Give authorizers, WebSocket routes, agents and "
        "VPC Lattice their own plain `handler(event, context)`, and invoke controllers with "
        "HTTP events (tight's test kit builds them: make_event('GET', '/path', version='v1'))."
    )


def method_from_context(event: object) -> str:
    """The method of any accepted event, or UnsupportedEventError (kept for callers of 0.2)."""
    return classify(event)[1]


def principal_id(event: dict) -> str | None:
    """Who is calling, from the first authorizer AWS filled in (see README for the order).

    Cognito user pool `claims.sub` (REST); JWT `jwt.claims.sub` (HTTP API); a Lambda
    authorizer's `principalId` (REST) or `lambda.principalId`/`lambda.sub` (HTTP API); IAM
    `iam.userArn` (HTTP API, Function URL) or `identity.userArn` (REST); else None.
    """
    request_context = event.get("requestContext")
    if type(request_context) is not dict:
        return None
    authorizer = request_context.get("authorizer")
    if authorizer and type(authorizer) is dict:
        found = _from_authorizer(authorizer)
        if found is not None:
            return found
    identity = request_context.get("identity")
    if identity and type(identity) is dict:  # REST with IAM authorization
        user_arn = identity.get("userArn")
        if user_arn and type(user_arn) is str:
            return user_arn
    return None


def _from_authorizer(authorizer: dict) -> str | None:
    claims = authorizer.get("claims")
    if not isinstance(claims, dict):
        jwt = authorizer.get("jwt")
        claims = jwt.get("claims") if isinstance(jwt, dict) else None
    if isinstance(claims, dict):
        sub = claims.get("sub")
        if isinstance(sub, str) and sub:
            return sub
    candidates = [authorizer.get("principalId")]
    lambda_context = authorizer.get("lambda")
    if isinstance(lambda_context, dict):
        candidates += [lambda_context.get("principalId"), lambda_context.get("sub")]
    iam = authorizer.get("iam")
    if isinstance(iam, dict):
        candidates += [iam.get("userArn"), iam.get("userId")]
    for candidate in candidates:
        if isinstance(candidate, str) and candidate:
            return candidate
    return None


def header(event: dict, name: str, usual_spelling: str | None = None) -> str | None:
    """A request header, case-insensitively (v1 keeps the client's case, v2 lower-cases).

    `name` is lower case; `usual_spelling` (e.g. `Content-Type`) is tried first, for speed.
    An ALB with multi-value headers sends only `multiValueHeaders`: the last value is used,
    as API Gateway does for `headers`.
    """
    headers = event.get("headers")
    if type(headers) is not dict or not headers:
        return _multi_value_header(event, name)
    value = headers.get(usual_spelling or name) or headers.get(name)
    if value is None:
        for key, candidate in headers.items():
            if isinstance(key, str) and key.lower() == name:
                value = candidate
                break
    return value if isinstance(value, str) else None


def _multi_value_header(event: dict, name: str) -> str | None:
    headers = event.get("multiValueHeaders")
    if type(headers) is not dict:
        return None
    for key, values in headers.items():
        if isinstance(key, str) and key.lower() == name and isinstance(values, list) and values:
            value = values[-1]
            return value if isinstance(value, str) else None
    return None


def media_type(content_type: str) -> str:
    """`Application/JSON; charset=UTF-8` -> `application/json`: the type token, lower-cased."""
    return content_type.partition(";")[0].strip().lower()


def _is_json(media: str) -> bool:
    return media == "application/json" or media.endswith("+json")


def parse_body(event: dict, body: str | bytes) -> object:
    """The body a handler receives (see the README's table of media types).

    base64 bodies are decoded first (invalid base64 -> 400). A JSON type (`application/json`,
    `*/*+json`, any case, any parameters): JSON, malformed -> 400. No Content-Type: JSON if it
    parses, else the text as is. `application/x-www-form-urlencoded`: a dict (a repeated field
    becomes a list). `text/*`: text. Anything else: the raw body (bytes when it was base64).
    """
    if event.get("isBase64Encoded") is True and isinstance(body, str):
        body = _decode_base64(body)
    content_type = header(event, "content-type", "Content-Type")
    if content_type == "application/json":  # the common case, without parsing parameters
        return parse_json(body)
    if content_type is None:
        return _json_or_text(body)
    media = media_type(content_type)
    if _is_json(media):
        return parse_json(body)
    if media == "application/x-www-form-urlencoded":
        return _parse_form(_text(body))
    if media.startswith("text/"):
        return _text(body)
    return body


def with_parsed_body(event: dict, body: str | bytes) -> dict:
    """A copy of `event` (see handler_event) whose body is parsed."""
    copy = handler_event(event)
    copy["body"] = parse_body(event, body)
    return copy


def handler_event(event: dict) -> dict:
    """The event a handler gets: its own top level, `headers`, `queryStringParameters` and
    `pathParameters`, the maps handlers read and sometimes change.

    Shallow copies: a handler that sets, pops or adds keys there never changes the caller's
    event. Still shared with the caller (copying them on every request would cost as much as
    the rest of Tight's warm path): `multiValueHeaders`, `multiValueQueryStringParameters`,
    `requestContext`, `stageVariables`, and anything nested deeper.
    """
    copy = event.copy()
    value = copy.get("headers")
    if value:
        copy["headers"] = value.copy()
    value = copy.get("queryStringParameters")
    if value:
        copy["queryStringParameters"] = value.copy()
    value = copy.get("pathParameters")
    if value:
        copy["pathParameters"] = value.copy()
    return copy


def query_params(event: dict) -> "dict[str, list[str]]":
    """Every query parameter with all its values, in the order sent, from any source.

    REST v1: `multiValueQueryStringParameters`; HTTP API v2 and Function URLs: parsed from
    `rawQueryString` (`queryStringParameters` comma-joins repeats, so `a=1,2` and `a=1&a=2`
    would look alike); ALB: decoded (an ALB passes the query on still URL-encoded).
    """
    if not isinstance(event, dict):
        return {}
    request_context = event.get("requestContext")
    alb = isinstance(request_context, dict) and "elb" in request_context
    raw = event.get("rawQueryString")
    if isinstance(raw, str) and not alb:
        from urllib.parse import parse_qsl

        found: dict[str, list[str]] = {}
        for key, value in parse_qsl(raw, keep_blank_values=True):
            found.setdefault(key, []).append(value)
        return found
    multi = event.get("multiValueQueryStringParameters")
    if isinstance(multi, dict) and multi:
        pairs = [(k, v) for k, vs in multi.items() if isinstance(vs, list) for v in vs]
    else:
        single = event.get("queryStringParameters")
        if not isinstance(single, dict):
            return {}
        separator = "," if "rawQueryString" in event else None  # v2 without rawQueryString
        pairs = [
            (k, part)
            for k, v in single.items()
            for part in (v.split(separator) if separator and isinstance(v, str) else [v])
        ]
    if alb:
        from urllib.parse import unquote_plus

        pairs = [(unquote_plus(str(k)), unquote_plus(str(v))) for k, v in pairs]
    found = {}
    for key, value in pairs:
        if isinstance(value, str):
            found.setdefault(str(key), []).append(value)
    return found


def query_param(event: dict, name: str, default: "str | None" = None) -> "str | None":
    """One query parameter: its last value when repeated (as v1's `queryStringParameters`)."""
    values = query_params(event).get(name)
    return values[-1] if values else default


def cookies(event: dict) -> "dict[str, str]":
    """The request's cookies by name: v2's `cookies` list, else the `Cookie` header(s).

    When a name repeats, the first wins (browsers send the most specific path first).
    Values are returned as sent (surrounding double quotes removed, nothing URL-decoded).
    """
    if not isinstance(event, dict):
        return {}
    listed = event.get("cookies")
    if isinstance(listed, list):
        parts = [item for item in listed if isinstance(item, str)]
    else:
        parts = []
        multi = event.get("multiValueHeaders")
        headers = event.get("headers")
        if isinstance(multi, dict) and multi:
            for key, values in multi.items():
                if isinstance(key, str) and key.lower() == "cookie" and isinstance(values, list):
                    parts += [
                        v for value in values if isinstance(value, str) for v in value.split(";")
                    ]
        elif isinstance(headers, dict):
            for key, value in headers.items():
                if isinstance(key, str) and key.lower() == "cookie" and isinstance(value, str):
                    parts += value.split(";")
    found: dict[str, str] = {}
    for part in parts:
        name, equals, value = part.strip().partition("=")
        name = name.strip()
        if not name or not equals:
            continue
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        found.setdefault(name, value)
    return found


_scan_json = json.decoder.JSONDecoder().scan_once  # the C scanner, without json.loads' layers


def parse_json(body: str | bytes) -> object:
    """The body as JSON; a malformed (or absurdly deep) one raises BadRequest."""
    if type(body) is str:
        try:
            parsed, end = _scan_json(body, 0)
        except (StopIteration, ValueError, RecursionError):
            pass
        else:
            if end == len(body):
                return parsed
    try:  # whitespace, trailing text, bytes, or an error: json.loads has the exact answer
        return json.loads(body)
    except ValueError as exc:
        raise BadRequest(f"Request body is not valid JSON: {exc}") from None
    except RecursionError:
        raise BadRequest("Request body is JSON nested too deeply to parse") from None
    except TypeError:  # a direct invoke with a non-text body (a list, a number)
        raise BadRequest(
            f"Request body must be text, got {type(body).__name__}: send JSON as a string"
        ) from None


def _json_or_text(body: str | bytes) -> object:
    """No Content-Type: JSON when the body is JSON, else the text (or bytes) as sent."""
    try:
        return parse_json(body)
    except BadRequest:
        if isinstance(body, (bytes, bytearray)):
            try:
                return body.decode("utf-8")
            except UnicodeDecodeError:
                return body
        if isinstance(body, str):
            return body
        raise


def _decode_base64(body: str) -> bytes:
    import base64
    import binascii

    try:
        return base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        raise BadRequest("Request body is marked isBase64Encoded but is not valid base64") from None


def _text(body: str | bytes) -> str:
    if isinstance(body, str):
        return body
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("Request body is not valid UTF-8 text") from None
    except AttributeError:
        raise BadRequest(f"Request body must be text, got {type(body).__name__}") from None


def _parse_form(text: str) -> "dict[str, str | list[str]]":
    from urllib.parse import parse_qs

    fields = parse_qs(text, keep_blank_values=True)
    return {key: values[0] if len(values) == 1 else values for key, values in fields.items()}
