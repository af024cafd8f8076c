"""The Lambda context of the request being served, shared by dispatch and the logger.

Held in a `contextvars.ContextVar`, set by dispatch for one request and cleared after it:
Lambda runs one request at a time, but a threaded local server or a test running handlers in
threads must never see another request's id, and a log line written after a request must not
carry its id. A module of its own so that dispatch can record the context without `logging`.

What the ContextVar holds is this thread's slot, `[owner thread id, context]`, made on the
thread's first request: dispatch then fills and restores the slot, two list stores, instead of
a ContextVar set and reset per request (a new HAMT and a token each, about 8% of a warm GET).
Dispatch is synchronous, so within one thread a request never interleaves with another; and a
thread that inherits a context copied from another thread (`asyncio.to_thread`,
`copy_context().run`) does not own the slot it finds there, so it makes its own.
"""

from _thread import get_ident
from contextvars import ContextVar

# [owner thread id, current Lambda context or None]
_slot: "ContextVar[list | None]" = ContextVar("tight_request_context", default=None)
get_slot = _slot.get


def own_slot() -> list:
    """This thread's slot (made, and set in the current context, on first use)."""
    slot = get_slot()
    if slot is None or slot[0] != get_ident():
        slot = [get_ident(), None]
        _slot.set(slot)
    return slot


def set_context(context: object) -> "tuple[list, object]":
    """Make `context` the current request's; returns a token for reset_context."""
    slot = own_slot()
    token = (slot, slot[1])
    slot[1] = context
    return token


def reset_context(token: "tuple[list, object]") -> None:
    """Restore what was current before the set_context that returned `token`."""
    slot, previous = token
    slot[1] = previous


def current_context() -> object:
    """The Lambda context of the request this thread is serving, else None."""
    slot = get_slot()
    if slot is None or slot[0] != get_ident():
        return None
    return slot[1]


def current_request_id() -> str | None:
    request_id = getattr(current_context(), "aws_request_id", None)
    return request_id if isinstance(request_id, str) else None
