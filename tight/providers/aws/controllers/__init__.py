"""Tight's controllers for Lambda events, and the few names every controller module shares.

Dispatch imports this package anyway, so what all of request.py, response.py and dispatch
need lives here: the request context variable (documented and re-exported by
`tight.core.request_state`), the sources of a request and the two request errors (documented
and re-exported by `request`). A REST request that needs none of request.py's helpers (no
authorizer, a JSON or empty body) is then answered without importing it: a cold start saves
`tight.core`, `tight.core.request_state` and `request` (about 0.4 ms).
"""

try:  # the C module itself: `contextvars` is a stdlib file that only re-exports it (~0.1 ms)
    from _contextvars import ContextVar
except ImportError:  # pragma: no cover - an interpreter without the C module
    from contextvars import ContextVar

request_context: "ContextVar[object]" = ContextVar("tight_request_context", default=None)

ACCEPTED_EVENTS = (
    "API Gateway REST (v1: event['httpMethod']), HTTP API v2 and Lambda Function URLs "
    "(event['requestContext']['http']['method']), and ALB (event['httpMethod'] with "
    "requestContext.elb)"
)

# The source of a request, which decides the shape of its answer (see response.for_source).
REST = 1  # API Gateway REST v1 proxy (and hand-written {'httpMethod': ...} events)
HTTP = 2  # HTTP API payload v2 and Lambda Function URLs
ALB = 3  # Application Load Balancer, single-value headers
ALB_MULTI = 4  # Application Load Balancer with multi-value headers on the target group


class UnsupportedEventError(TypeError):
    """The event is not an HTTP request from any source Tight dispatches."""


class BadRequest(Exception):
    """The request cannot be handed to a handler; answered with 400 and this message."""


# Their documented home (tracebacks and reprs name it).
UnsupportedEventError.__module__ = BadRequest.__module__ = __name__ + ".request"
