"""Tight's controllers for Lambda events; the package also holds the request context variable.

`request_context` is the `ContextVar` that `tight.core.request_state` documents and re-exports:
dispatch imports this package anyway, so keeping the variable here spares every cold start
the import of `tight.core` and `tight.core.request_state` (about 0.15 ms).
"""

try:  # the C module itself: `contextvars` is a stdlib file that only re-exports it (~0.1 ms)
    from _contextvars import ContextVar
except ImportError:  # pragma: no cover - an interpreter without the C module
    from contextvars import ContextVar

request_context: "ContextVar[object]" = ContextVar("tight_request_context", default=None)
