"""`@get`/`@post`/... controllers for API Gateway proxy, HTTP API, Function URL and ALB events.

    import tight.providers.aws.controllers.lambda_proxy_event as lambda_proxy

    @lambda_proxy.get
    def get_handler(*args, **kwargs):
        return {'statusCode': 200, 'body': {'hello': 'world'}}

A decorator files the function under its module (the controller's `handler.py`) and returns
it unchanged. Dispatch is one dict lookup on the request method; what a handler accepts
(`event`, `context`, `principal_id`) is read once, at decoration.
"""

import json
import sys

from tight.providers.aws.controllers import (
    ACCEPTED_EVENTS,
    HTTP,
    REST,
    BadRequest,
    UnsupportedEventError,
    request_context,
)
from tight.providers.aws.controllers.response import (
    HttpExitException,
    InvalidResponse,
    Response,
    _encode_chunks,
    _json_headers,
    error_response,
    exit_with_response,
    for_source,
    get_default_headers,
    set_default_headers,
    to_proxy_response,
)

_set_context = request_context.set  # what tight.core.request_state.set_context is
_reset_context = request_context.reset
_join = "".join
_scan_json = json.decoder.JSONDecoder().scan_once  # request.parse_json's C scanner


def _bind_request_helpers() -> None:
    """Replace the stubs below with request.py's functions, importing it."""
    from tight.providers.aws.controllers import request

    namespace = globals()
    for name in _REQUEST_HELPERS:
        namespace[name] = getattr(request, name)


def _imported_on_first_use(name: str) -> "Callable":
    """request.py's helpers, imported on first use: a REST request with no authorizer and a
    JSON or empty body needs none of them, so most cold starts never import request.py
    (~0.25 ms). The first call of any stub binds them all: later calls are direct."""

    def stub(*args: object, **kwargs: object) -> object:
        _bind_request_helpers()
        return globals()[name](*args, **kwargs)

    stub.__name__ = stub.__qualname__ = name
    stub.__doc__ = f"`tight.providers.aws.controllers.request.{name}`."
    return stub


_REQUEST_HELPERS = ("classify", "cookies", "handler_event", "header", "parse_body")
_REQUEST_HELPERS += ("parse_json", "principal_id", "query_param", "query_params")
_REQUEST_HELPERS += ("with_parsed_body",)
classify = _imported_on_first_use("classify")
cookies = _imported_on_first_use("cookies")
handler_event = _imported_on_first_use("handler_event")
header = _imported_on_first_use("header")
parse_body = _imported_on_first_use("parse_body")
parse_json = _imported_on_first_use("parse_json")
principal_id = _imported_on_first_use("principal_id")
query_param = _imported_on_first_use("query_param")
query_params = _imported_on_first_use("query_params")
with_parsed_body = _imported_on_first_use("with_parsed_body")

__all__ = [
    "ACCEPTED_EVENTS",
    "HttpExitException",
    "Response",
    "UnsupportedEventError",
    "cookies",
    "delete",
    "dispatch",
    "exit_with_response",
    "get",
    "get_default_headers",
    "head",
    "header",
    "options",
    "patch",
    "post",
    "principal_id",
    "put",
    "query_param",
    "query_params",
    "routes_for",
    "set_default_headers",
]

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD")
_HANDLER_KWARGS = ("event", "context", "principal_id")
_PREFLIGHT_HEADERS = "Content-Type,Authorization,X-Amz-Date,X-Api-Key,X-Amz-Security-Token"

TYPE_CHECKING = False  # not `typing.TYPE_CHECKING`: importing typing costs cold-start time
if TYPE_CHECKING:
    from collections.abc import Callable

    Caller = Callable[[dict, object], object]
# module name -> {HTTP method -> _Route}
_routes: "dict[str, dict[str, _Route]]" = {}


def _accepted_kwargs(func: "Callable") -> frozenset[str]:
    """Which of event/context/principal_id `func` takes, from its code object (no `inspect`)."""
    code = getattr(func, "__code__", None)
    if code is None:  # a callable object, partial, builtin...: fall back to inspect, once
        import inspect

        try:
            parameters = inspect.signature(func).parameters.values()
        except (TypeError, ValueError):
            return frozenset(_HANDLER_KWARGS)
        if any(p.kind is p.VAR_KEYWORD for p in parameters):
            return frozenset(_HANDLER_KWARGS)
        return frozenset(p.name for p in parameters) & frozenset(_HANDLER_KWARGS)
    if code.co_flags & 0x08:  # CO_VARKEYWORDS: **kwargs takes everything
        return frozenset(_HANDLER_KWARGS)
    names = code.co_varnames[code.co_posonlyargcount : code.co_argcount + code.co_kwonlyargcount]
    return frozenset(names) & frozenset(_HANDLER_KWARGS)


# How dispatch calls a handler, read once at decoration from what it accepts. The original
# Tight's handlers take `*args, **kwargs`, i.e. everything: dispatch calls that shape and the
# next two itself, so the warm path has no wrapper frame; any other shape gets a caller.
_ALL = 0  # event, context and principal_id
_EVENT_CONTEXT = 1
_EVENT = 2
_OTHER = 3  # some other subset: `function` is a keyword-passing caller(event, context)


class _Route:
    """One method of a controller: how dispatch calls `function` (`kind`), and `caller`.

    Calling it as `caller(event, context)` passes the handler what it accepts, as the routing
    tables' values always could be called (bench/profile_tight.py times that layer).
    """

    __slots__ = ("caller", "function", "kind")

    def __init__(self, kind: int, function: "Callable", caller: "Caller") -> None:
        self.kind = kind
        self.function = function
        self.caller = caller

    def __call__(self, event: dict, context: object) -> object:
        return self.caller(event, context)


def _make_route(func: "Callable") -> _Route:
    accepted = _accepted_kwargs(func)
    caller = _make_caller(func, accepted)
    if accepted == {"event", "context", "principal_id"}:
        return _Route(_ALL, func, caller)
    if accepted == {"event", "context"}:
        return _Route(_EVENT_CONTEXT, func, caller)
    if accepted == {"event"}:
        return _Route(_EVENT, func, caller)
    return _Route(_OTHER, caller, caller)


def _make_caller(func: "Callable", accepted: frozenset[str]) -> "Caller":
    """A `caller(event, context)` passing `func` exactly the keyword arguments it accepts."""
    if accepted == {"event", "context", "principal_id"}:
        return lambda event, context: func(
            event=event, context=context, principal_id=principal_id(event)
        )
    if accepted == {"event", "context"}:
        return lambda event, context: func(event=event, context=context)
    if accepted == {"event"}:
        return lambda event, context: func(event=event)
    wants_event = "event" in accepted
    wants_context = "context" in accepted
    wants_principal = "principal_id" in accepted

    def caller(event: dict, context: object) -> object:
        kwargs: dict[str, object] = {}
        if wants_event:
            kwargs["event"] = event
        if wants_context:
            kwargs["context"] = context
        if wants_principal:
            kwargs["principal_id"] = principal_id(event)
        return func(**kwargs)

    return caller


def _register(method: str) -> "Callable[[Callable], Callable]":
    def decorator(func: "Callable") -> "Callable":
        module_name = getattr(func, "__module__", None) or "__main__"
        route = _make_route(func)
        caller = route.caller
        caller.__module__ = module_name
        caller.__qualname__ = getattr(func, "__qualname__", repr(func))
        _routes.setdefault(module_name, {})[method] = route
        _give_module_a_handler(module_name)
        return func

    decorator.__name__ = method.lower()
    decorator.__doc__ = f"Route {method} requests of this controller to the decorated function."
    return decorator


get = _register("GET")
post = _register("POST")
put = _register("PUT")
patch = _register("PATCH")
delete = _register("DELETE")
options = _register("OPTIONS")
head = _register("HEAD")


def _give_module_a_handler(module_name: str) -> None:
    """Add `handler(event, context)` to the controller module, as the original Tight's modules had,
    so `app/functions/x/handler.handler` also works as a plain Lambda handler string."""
    module = sys.modules.get(module_name)
    if module is None or hasattr(module, "handler"):
        return
    table = _routes[module_name]

    def handler(event: dict, context: object = None) -> object:
        return dispatch(table, event, context)

    handler.__module__ = module_name
    module.handler = handler  # type: ignore[attr-defined]


def routes_for(module_name: str) -> "dict[str, _Route] | None":
    """The routing table of a controller module, or None if it registered no handler."""
    table = _routes.get(module_name)
    if table is None:  # handlers defined in submodules of the controller's package
        package = module_name.rpartition(".")[0] + "."
        merged: dict[str, _Route] = {}
        for name, other in _routes.items():
            if name.startswith(package):
                merged.update(other)
        table = merged or None
    return table


def dispatch(routes: "dict[str, _Route]", event: dict, context: object) -> object:
    """Answer one event with the controller's handler for its method.

    Raises UnsupportedEventError for an event that is not an HTTP request (an authorizer,
    WebSocket, Bedrock agent or VPC Lattice event): that is a wiring mistake, not a request.
    The REST v1 path is written out here, helpers inlined, because it is the warm path: each
    inlined step says which helper holds the general case, and every other case goes there.
    """
    try:
        method = event["httpMethod"]
        request_context = event["requestContext"]
    except (KeyError, TypeError, IndexError, AttributeError):
        method = request_context = None
    if (
        type(method) is str
        and type(request_context) is dict
        and "elb" not in request_context
        and "connectionId" not in request_context
        and "methodArn" not in event
        and method
    ):
        source = REST
    else:  # ALB, HTTP API v2, Function URL, hand-written events, or not a request at all
        source, method = classify(event)
        request_context = None  # from here: set only on the REST fast path
    token = _set_context(context)
    try:
        route = routes.get(method)
        if route is None:
            return _unrouted(routes, source, method, event, context)
        # handler_event(event): the handler's own top level and maps
        copy = event.copy()
        if request_context is not None:  # API Gateway REST sends these keys, None when empty
            try:
                headers = copy["headers"]
                query = copy["queryStringParameters"]
                path = copy["pathParameters"]
                body = copy["body"]
            except KeyError:  # a hand-written event
                request_context = None
        if request_context is None:
            headers = copy.get("headers")
            query = copy.get("queryStringParameters")
            path = copy.get("pathParameters")
            body = copy.get("body")
        if headers:
            copy["headers"] = headers = headers.copy()
        if query:
            copy["queryStringParameters"] = query.copy()
        if path:
            copy["pathParameters"] = path.copy()
        if body and type(body) is not dict:  # parse_body(event, body), its common case first
            if (
                type(body) is str
                and type(headers) is dict
                and headers.get("Content-Type") == "application/json"
                and copy.get("isBase64Encoded") is not True
            ):
                try:
                    parsed, end = _scan_json(body, 0)
                except (StopIteration, ValueError, RecursionError):
                    end = -1
                copy["body"] = parsed if end == len(body) else parse_json(body)
            else:
                copy["body"] = parse_body(copy, body)
        kind = route.kind
        function = route.function
        if kind == _ALL:
            if request_context is None or "authorizer" in request_context:
                principal = principal_id(copy)
            else:  # principal_id(event) when no authorizer ran: usually None, found fast
                try:
                    principal = request_context["identity"]["userArn"]
                except Exception:
                    principal = principal_id(copy)
                else:
                    if principal is not None:  # an IAM caller's ARN, or an odd value
                        principal = principal_id(copy)
            result = function(event=copy, context=context, principal_id=principal)
        elif kind == _EVENT_CONTEXT:
            result = function(event=copy, context=context)
        elif kind == _EVENT:
            result = function(event=copy)
        else:
            result = function(copy, context)
        if type(result) is not dict:
            return _non_dict(result, routes, method, source)
        body = result.get("body")
        if type(body) is dict and len(result) == 2 and source is REST and method != "HEAD":
            status = result.get("statusCode")  # to_proxy_response(result), its common case
            if type(status) is int:
                return {
                    "statusCode": status,
                    "headers": _json_headers.copy(),
                    "body": _join(_encode_chunks(body, 0)),
                }
        if method != "HEAD":
            return to_proxy_response(result, source)
        return _without_body(to_proxy_response(result, source))
    except HttpExitException as exc:
        return _safe_proxy(exc, context, routes, method, source)
    except BadRequest as exc:
        return for_source(error_response(400, str(exc)), source)
    except Exception:
        return _internal_error(context, routes, method, source)
    finally:
        _reset_context(token)


def _respond(
    routes: "dict[str, _Route]", source: int, method: str, event: dict, context: object
) -> object:
    route = routes.get(method)
    try:
        if route is None:
            return _unrouted(routes, source, method, event, context)
        body = event.get("body")
        if body and type(body) is not dict:
            event = with_parsed_body(event, body)
        else:
            event = handler_event(event)
        result = route.caller(event, context)
        if type(result) is not dict:
            return _non_dict(result, routes, method, source)
        response = to_proxy_response(result, source)
        return _without_body(response) if method == "HEAD" else response
    except HttpExitException as exc:
        return _safe_proxy(exc, context, routes, method, source)
    except BadRequest as exc:
        return for_source(error_response(400, str(exc)), source)
    except Exception:
        return _internal_error(context, routes, method, source)


def _unrouted(
    routes: "dict[str, _Route]", source: int, method: str, event: dict, context: object
) -> object:
    """Lower-case methods, HEAD via GET, automatic CORS preflight, else 405 with Allow."""
    upper = method.upper()
    if upper != method:
        return _respond(routes, source, upper, _with_method(event, source, upper), context)
    if method == "HEAD" and "GET" in routes:
        response = _respond(routes, source, "GET", _with_method(event, source, "GET"), context)
        return _without_body(response)
    allow = _allow(routes)
    if method == "OPTIONS":
        headers = get_default_headers()
        headers["Allow"] = allow
        if "Access-Control-Allow-Origin" in headers:
            headers["Access-Control-Allow-Methods"] = allow
            requested = header(event, "access-control-request-headers")
            headers["Access-Control-Allow-Headers"] = requested or _PREFLIGHT_HEADERS
            headers["Access-Control-Max-Age"] = "600"
        return for_source({"statusCode": 204, "headers": headers, "body": ""}, source)
    response = error_response(405, f"Method {method} is not allowed here; allowed: {allow}")
    response["headers"]["Allow"] = allow
    return for_source(response, source)


def _without_body(response: object) -> object:
    """A HEAD answer: the GET answer's status and headers, no body (RFC 9110, 9.3.2)."""
    if isinstance(response, dict) and "statusCode" in response:
        response = {**response, "body": ""}
        if "isBase64Encoded" in response:
            response["isBase64Encoded"] = False
    return response


def _with_method(event: dict, source: int, method: str) -> dict:
    """The event a handler for `method` would get from this source (HEAD answered by GET)."""
    if source is not HTTP:
        return {**event, "httpMethod": method}
    request_context = event["requestContext"]
    return {
        **event,
        "requestContext": {
            **request_context,
            "http": {**request_context["http"], "method": method},
        },
    }


def _allow(routes: "dict[str, _Route]") -> str:
    methods = {m for m in routes if m in METHODS} | {"OPTIONS"}
    if "GET" in methods:
        methods.add("HEAD")
    return ", ".join(m for m in METHODS if m in methods)


def _handler_name(routes: "dict[str, _Route]", method: object) -> str:
    route = routes.get(method) if isinstance(method, str) else None
    if route is None:
        caller = next((route.caller for route in routes.values()), None)
        return f"{getattr(caller, '__module__', '?')} ({method} request)"
    caller = route.caller
    return f"{caller.__module__}.{caller.__qualname__} ({method} handler)"


def _non_dict(result: object, routes: "dict[str, _Route]", method: object, source: int) -> dict:
    """None means "nothing to say": 204. Anything else that is not a dict is a handler bug."""
    if result is None:
        return for_source({"statusCode": 204, "headers": get_default_headers(), "body": ""}, source)
    if isinstance(result, dict):  # a dict subclass such as Response
        return to_proxy_response(result, source)
    from tight.core import logger, request_state

    logger.error(
        f"{_handler_name(routes, method)} returned {type(result).__name__}, expected a dict "
        "such as {'statusCode': 200, 'body': {...}} (or None for 204)"
    )
    request_id = request_state.current_request_id()
    return for_source(error_response(500, "Internal server error", requestId=request_id), source)


def _safe_proxy(
    exc: HttpExitException,
    context: object,
    routes: "dict[str, _Route]",
    method: object,
    source: int,
) -> dict:
    try:
        return to_proxy_response(exc.as_result(), source)
    except Exception:
        return _internal_error(context, routes, method, source)


def _internal_error(
    context: object, routes: "dict[str, _Route]", method: object, source: int
) -> dict:
    """500 with the request id; the traceback goes to the log once, never to the client."""
    request_id = _request_id(context)
    try:
        from tight.core import logger

        kind = "returned an invalid response" if _last_is(InvalidResponse) else "raised"
        logger.exception(f"{_handler_name(routes, method)} {kind}")
    except Exception:  # logging must never turn a 500 into a crash of the controller
        pass
    return for_source(error_response(500, "Internal server error", requestId=request_id), source)


def _last_is(kind: type[BaseException]) -> bool:
    return isinstance(sys.exc_info()[1], kind)


def _request_id(context: object) -> str | None:
    request_id = getattr(context, "aws_request_id", None)
    return request_id if isinstance(request_id, str) else None
