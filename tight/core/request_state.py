"""The Lambda context of the request being served, shared by dispatch and the logger.

A `contextvars.ContextVar`, set by dispatch for one request and reset after it: Lambda runs one
request at a time, but a threaded local server or a test running handlers in threads must never
see another request's id, and a log line written after a request must not carry its id.
A module of its own so that the logger reads the context without importing dispatch. The
variable itself lives in `tight.providers.aws.controllers` (the package dispatch is in), so a
cold start that only dispatches never imports this module.
"""

from tight.providers.aws.controllers import request_context as _current

set_context = _current.set  # -> a token for reset_context
reset_context = _current.reset


def current_context() -> object:
    """The Lambda context of the request this thread (or task) is serving, else None."""
    return _current.get()


def current_request_id() -> str | None:
    request_id = getattr(_current.get(), "aws_request_id", None)
    return request_id if isinstance(request_id, str) else None
