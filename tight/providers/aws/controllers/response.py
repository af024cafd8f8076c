"""Turning what a handler returns into the proxy response API Gateway, URLs and ALB expect.

Handlers return plain dicts (`{'statusCode': 201, 'body': {...}}`); `Response` is a dict too.
A dict/list body becomes compact JSON, a str body is sent as is, bytes are base64-encoded.
Tight's default headers sit *under* the handler's own: the handler always wins.
"""

import json

from tight.providers.aws.controllers import ALB_MULTI, HTTP, REST

TYPE_CHECKING = False  # not `typing.TYPE_CHECKING`: importing typing costs cold-start time
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

DEFAULT_HEADERS: dict[str, str] = {"Access-Control-Allow-Origin": "*"}
_default_headers: dict[str, str] = dict(DEFAULT_HEADERS)
# Keys a handler may set besides statusCode/headers/body; for_source fits them to the source.
PASSTHROUGH_KEYS = ("isBase64Encoded", "multiValueHeaders", "cookies", "statusDescription")
_STANDARD_KEYS = frozenset({"statusCode", "headers", "body"})
# What API Gateway REST accepts: any other key is a 502 "Malformed Lambda proxy response".
REST_KEYS = ("statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded")
HTTP_KEYS = ("statusCode", "headers", "body", "isBase64Encoded", "cookies")


class InvalidResponse(TypeError):
    """A handler returned something that cannot become a proxy response."""


class Response(dict):
    """`Response({'id': 1}, 201, headers={...})`: a handler return value, built with names."""

    def __init__(
        self,
        body: object = None,
        status_code: int = 200,
        headers: dict[str, str] | None = None,
        **extra: object,
    ) -> None:
        super().__init__(statusCode=status_code, **extra)
        if body is not None:
            self["body"] = body
        if headers:
            self["headers"] = headers


class HttpExitException(Exception):
    """Raised anywhere under a handler to answer at once with `status_code` and `response`.

    `response` is a response dict (`{'body': ..., 'headers': ...}`); anything else that is not
    None (a str, a list...) is taken as the body: `HttpExitException(404, "no such id")`.
    """

    def __init__(self, status_code: int, response: object = None) -> None:
        super().__init__(status_code, response)
        self.status_code = status_code
        self.response = response

    def as_result(self) -> dict:
        """The handler-style result dict this exception answers with."""
        response = self.response
        if response is None:
            return {"statusCode": self.status_code}
        if isinstance(response, dict):
            return {**response, "statusCode": self.status_code}
        return {"statusCode": self.status_code, "body": response}


def exit_with_response(
    status_code: int,
    response: dict | None = None,
    *,
    body: object = None,
    headers: dict[str, str] | None = None,
) -> None:
    """End the request from any depth: `exit_with_response(404, body={'message': 'no such id'})`.

    `response` is a response dict as a handler would return it; `body`/`headers` are shortcuts.
    """
    merged = dict(response or {})
    if body is not None:
        merged["body"] = body
    if headers:
        merged["headers"] = {**merged.get("headers", {}), **headers}
    merged["statusCode"] = status_code
    raise HttpExitException(status_code, merged)


def set_default_headers(headers: dict[str, str]) -> None:
    """Replace the headers every response starts from (handler headers override them).

    Both dicts are changed in place: dispatch holds them from import, for its warm path.
    """
    fresh = {str(key): str(value) for key, value in headers.items()}
    _default_headers.clear()
    _default_headers.update(fresh)
    _json_headers.clear()
    _json_headers.update(_with_json_type(fresh))


def _with_json_type(headers: dict[str, str]) -> dict[str, str]:
    if _has_content_type(headers):
        return dict(headers)
    return {**headers, "Content-Type": "application/json"}


def get_default_headers() -> dict[str, str]:
    return dict(_default_headers)


def _json_default(value: object) -> object:
    """What json cannot encode by itself but DynamoDB and models hand back."""
    from decimal import Decimal

    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (set, frozenset)):
        items = list(value)
        try:
            return sorted(items)
        except TypeError:
            return items
    isoformat = getattr(value, "isoformat", None)  # datetime, date, time
    if callable(isoformat):
        return isoformat()
    if type(value).__name__ == "UUID":
        return str(value)
    raise TypeError(
        f"Object of type {type(value).__name__} is not JSON serializable: return dicts, lists, "
        "str, numbers, Decimal, sets or datetimes in a body, or serialize it yourself"
    )


def _compact_json_chunks() -> "Callable[[object, int], Sequence[str]]":
    """`chunks(value, 0)`: compact JSON (`{"hello":"world"}`) in pieces, from one C encoder
    built once; `"".join` them.

    `JSONEncoder.encode` rebuilds the C encoder on every call, which cost more than the
    encoding itself for typical bodies. A cyclic body raises RecursionError (still a 500).
    """
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # an interpreter without the C accelerator
        encode = json.JSONEncoder(separators=(",", ":"), default=_json_default).encode
        return lambda value, _indent_level: (encode(value),)
    escape = json.encoder.encode_basestring_ascii
    # markers, default, encoder, indent, key/item separators, sort_keys, skipkeys, allow_nan
    return make(None, _json_default, escape, None, ":", ",", False, False, True)


_encode_chunks = _compact_json_chunks()  # dispatch's warm path joins them itself


def _encode_json(value: object) -> str:
    return "".join(_encode_chunks(value, 0))


def encode_body(body: object) -> tuple[str, bool, bool]:
    """(text, is_json, is_base64) for a handler's body."""
    if body is None:
        return "", False, False
    if type(body) is str:
        return body, False, False
    if isinstance(body, (bytes, bytearray)):
        import base64

        return base64.b64encode(body).decode("ascii"), False, True
    return _encode_json(body), True, False


def to_proxy_response(result: dict, source: int = REST) -> dict:
    """The proxy response for a handler's dict, in the shape `source` accepts.

    Raises InvalidResponse on bad values. `{'passthrough': x}` returns `x` untouched.
    """
    body = result.get("body")
    body_type = type(body)
    is_base64 = False
    if body_type is dict or body_type is list:
        text = _encode_json(body)
    elif body is None or body_type is str:
        text = body or ""
    elif "passthrough" in result:
        return result["passthrough"]
    else:
        text, _, is_base64 = encode_body(body)
    own_headers = result.get("headers")
    encoded = text and text is not body and not is_base64  # a body Tight encoded as JSON
    if own_headers:
        headers = {**_default_headers, **_stringify_headers(own_headers)}
        if encoded and not _has_content_type(headers):
            headers["Content-Type"] = "application/json"
    elif encoded:
        headers = _json_headers.copy()  # the defaults with a JSON Content-Type, built once
    else:
        headers = _default_headers.copy()
    status = result.get("statusCode", 200)
    if type(status) is not int:
        status = _status_code(status)
    response = {"statusCode": status, "headers": headers, "body": text}
    if not _STANDARD_KEYS.issuperset(result):
        if "passthrough" in result:
            return result["passthrough"]
        for key in PASSTHROUGH_KEYS:
            if key in result:
                response[key] = result[key]
    if is_base64:
        response["isBase64Encoded"] = True
    if source is REST and len(response) == 3:
        return response
    return for_source(response, source)


def for_source(response: dict, source: int) -> dict:
    """`response` (statusCode, headers, body and any PASSTHROUGH_KEYS) as `source` wants it.

    REST v1: only REST_KEYS; `cookies` become `Set-Cookie` multi-value headers.
    HTTP API v2 / Function URL: only HTTP_KEYS; multi-value headers are comma-joined, their
    `Set-Cookie` values join `cookies`. ALB: `statusDescription` ("200 OK") and
    `isBase64Encoded` always; with multi-value headers on, every header goes in
    `multiValueHeaders` (the ALB ignores `headers` then), cookies included.
    """
    if source is REST:
        if len(response) == 3:
            return response
        shaped = {key: response[key] for key in REST_KEYS if key in response}
        cookies = _cookie_list(response.get("cookies"))
        if cookies:
            multi = _multi_headers(shaped.get("multiValueHeaders"))
            _add_values(multi, "Set-Cookie", cookies)
            shaped["multiValueHeaders"] = multi
        return shaped
    if source is HTTP:
        if len(response) == 3:
            return response
        shaped = {key: response[key] for key in HTTP_KEYS if key in response}
        multi = _multi_headers(response.get("multiValueHeaders"))
        if multi:
            headers = dict(shaped.get("headers") or {})
            cookies = _cookie_list(shaped.get("cookies"))
            for name, values in multi.items():
                if name.lower() == "set-cookie":
                    cookies += values
                else:
                    headers[name] = ",".join(values)
            shaped["headers"] = headers
            if cookies:
                shaped["cookies"] = cookies
        return shaped
    return _for_alb(response, multi_value=source is ALB_MULTI)


def _for_alb(response: dict, multi_value: bool) -> dict:
    status = response.get("statusCode", 200)
    description = response.get("statusDescription")
    shaped: dict = {
        "statusCode": status,
        "statusDescription": description
        if isinstance(description, str) and description
        else status_description(status),
        "isBase64Encoded": response.get("isBase64Encoded") is True,
    }
    headers = response.get("headers") or {}
    multi = _multi_headers(response.get("multiValueHeaders"))
    cookies = _cookie_list(response.get("cookies"))
    if multi_value:
        merged = {name: [value] for name, value in headers.items()}
        for name, values in multi.items():
            _add_values(merged, name, values)
        if cookies:
            _add_values(merged, "Set-Cookie", cookies)
        shaped["multiValueHeaders"] = merged
    else:
        single = dict(headers)
        for name, values in multi.items():
            if name.lower() == "set-cookie":
                cookies = values + cookies
            else:
                single[name] = ",".join(values)
        if cookies:  # one Set-Cookie is all a single-value target group can carry
            single["Set-Cookie"] = cookies[0]
        shaped["headers"] = single
    shaped["body"] = response.get("body", "")
    return shaped


def status_description(status: object) -> str:
    """ALB's `statusDescription`: `"200 OK"`, `"418 I'm a Teapot"`, `"299 Unknown"`."""
    from http import HTTPStatus

    try:
        phrase = HTTPStatus(status).phrase  # type: ignore[arg-type]
    except ValueError:
        phrase = "Unknown"
    return f"{status} {phrase}"


def _cookie_list(cookies: object) -> list[str]:
    if isinstance(cookies, str):
        return [cookies]
    if isinstance(cookies, (list, tuple)):
        return [str(cookie) for cookie in cookies]
    return []


def _multi_headers(multi: object) -> "dict[str, list[str]]":
    if not isinstance(multi, dict):
        return {}
    return {
        str(name): [_header_value(v) for v in values]
        if isinstance(values, (list, tuple))
        else [_header_value(values)]
        for name, values in multi.items()
    }


def _add_values(multi: "dict[str, list[str]]", name: str, values: list[str]) -> None:
    """Append `values` under `name`, matching an existing key case-insensitively."""
    lowered = name.lower()
    for key in multi:
        if key.lower() == lowered:
            multi[key] = [*multi[key], *values]
            return
    multi[name] = list(values)


def error_response(status_code: int, message: str, **fields: object) -> dict:
    """A JSON error answer: `{"message": ..., **fields}` with the default headers."""
    headers = _default_headers.copy()
    headers["Content-Type"] = "application/json"
    return {
        "statusCode": status_code,
        "headers": headers,
        "body": _encode_json({"message": message, **fields}),
    }


def _has_content_type(headers: dict[str, str]) -> bool:
    if "Content-Type" in headers or "content-type" in headers:
        return True
    return len(headers) > 1 and any(key.lower() == "content-type" for key in headers)


def _stringify_headers(headers: object) -> dict[str, str]:
    if not isinstance(headers, dict):
        raise InvalidResponse(f"'headers' must be a dict of str to str, got {type(headers)}")
    for value in headers.values():
        if type(value) is not str:
            return {str(key): _header_value(value) for key, value in headers.items()}
    return headers


def _header_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _status_code(status: object) -> int:
    if isinstance(status, str) and status.isdigit():
        return int(status)
    if isinstance(status, int) and not isinstance(status, bool):  # e.g. HTTPStatus
        return int(status)
    raise InvalidResponse(f"'statusCode' must be an int such as 200, got {status!r}")


_json_headers = _with_json_type(_default_headers)
