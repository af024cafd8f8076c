"""Reading what dispatch needs from the four HTTP event shapes Lambda receives.

REST API v1 and ALB carry `httpMethod`; HTTP API v2 and Function URLs carry
`requestContext.http.method`. Bodies are parsed here so handlers get Python objects.
"""

import json

ACCEPTED_EVENTS = (
    "API Gateway REST (v1: event['httpMethod']), HTTP API v2 and Lambda Function URLs "
    "(event['requestContext']['http']['method']), and ALB (event['httpMethod'])"
)


class UnsupportedEventError(TypeError):
    """The event is not an HTTP request from any source Tight dispatches."""


class BadRequest(Exception):
    """The request cannot be handed to a handler; answered with 400 and this message."""


def method_from_context(event: object) -> str:
    """The method of an HTTP API v2 / Function URL event, or UnsupportedEventError."""
    if isinstance(event, dict):
        request_context = event.get("requestContext")
        if isinstance(request_context, dict):
            http = request_context.get("http")
            if isinstance(http, dict):
                method = http.get("method")
                if isinstance(method, str) and method:
                    return method
        method = event.get("httpMethod")
        if isinstance(method, str) and method:
            return method
        found = f"an event with keys {sorted(map(str, event))[:8]}"
    else:
        found = f"a {type(event).__name__}"
    raise UnsupportedEventError(
        f"Tight controllers answer HTTP events, but got {found} with no HTTP method. "
        f"Accepted: {ACCEPTED_EVENTS}. Invoke the controller with one of those "
        "(tight's test kit builds them: make_event('GET', '/path', version='v1'))."
    )


def principal_id(event: dict) -> str | None:
    """The caller's identity: Cognito `claims.sub`, v2 JWT `jwt.claims.sub`, else None."""
    request_context = event.get("requestContext")
    if not isinstance(request_context, dict):
        return None
    authorizer = request_context.get("authorizer")
    if not authorizer or type(authorizer) is not dict:
        return None
    claims = authorizer.get("claims")
    if not isinstance(claims, dict):
        jwt = authorizer.get("jwt")
        claims = jwt.get("claims") if isinstance(jwt, dict) else None
    if isinstance(claims, dict):
        sub = claims.get("sub")
        return sub if isinstance(sub, str) else None
    return None


def header(event: dict, name: str, usual_spelling: str | None = None) -> str | None:
    """A request header, case-insensitively (v1 keeps the client's case, v2 lower-cases).

    `name` is lower case; `usual_spelling` (e.g. `Content-Type`) is tried first, for speed.
    """
    headers = event.get("headers")
    if type(headers) is not dict or not headers:
        return None
    value = headers.get(usual_spelling or name) or headers.get(name)
    if value is None:
        for key, candidate in headers.items():
            if isinstance(key, str) and key.lower() == name:
                value = candidate
                break
    return value if isinstance(value, str) else None


def with_parsed_body(event: dict, body: str | bytes) -> dict:
    """A shallow copy of `event` whose body is parsed; the caller's dict is left untouched.

    base64 bodies are decoded first. No Content-Type, or a JSON one: JSON (malformed -> 400).
    `application/x-www-form-urlencoded`: a dict (a repeated field becomes a list).
    `text/*`: text. Anything else: the raw body (bytes when it was base64).
    """
    if event.get("isBase64Encoded") is True and isinstance(body, str):
        body = _decode_base64(body)
    content_type = header(event, "content-type", "Content-Type")
    parsed: object
    if content_type is None or "json" in content_type:
        parsed = parse_json(body)
    elif content_type.startswith("application/x-www-form-urlencoded"):
        parsed = _parse_form(_text(body))
    elif content_type.startswith("text/"):
        parsed = _text(body)
    else:
        parsed = body
    copy = dict(event)
    copy["body"] = parsed
    return copy


_scan_json = json.decoder.JSONDecoder().scan_once  # the C scanner, without json.loads' layers


def parse_json(body: str | bytes) -> object:
    """The body as JSON; a malformed one raises BadRequest with json's own message."""
    if type(body) is str:
        try:
            parsed, end = _scan_json(body, 0)
        except (StopIteration, ValueError):
            pass
        else:
            if end == len(body):
                return parsed
    try:  # whitespace, trailing text, bytes, or an error: json.loads has the exact answer
        return json.loads(body)
    except ValueError as exc:
        raise BadRequest(f"Request body is not valid JSON: {exc}") from None


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


def _parse_form(text: str) -> dict[str, str | list[str]]:
    from urllib.parse import parse_qs

    fields = parse_qs(text, keep_blank_values=True)
    return {key: values[0] if len(values) == 1 else values for key, values in fields.items()}
