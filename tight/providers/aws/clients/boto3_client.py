"""The one boto3 Session of the process, created on first use.

Why one: placebo attaches to a Session, so every client Tight hands out (DynamoDB included)
must come from the same Session for recordings to see its calls. Why lazy: importing boto3
costs ~100 ms of Lambda cold start, paid only when a handler really talks to AWS.
"""

from __future__ import annotations

import threading
from typing import Any

_lock = threading.RLock()
_session: Any = None
_clients: dict[tuple[str, tuple[tuple[str, Any], ...]], Any] = {}
_resources: dict[tuple[str, tuple[tuple[str, Any], ...]], Any] = {}


def session() -> Any:
    """The process-wide `boto3.session.Session` (boto3 is imported here, not at import)."""
    global _session
    if _session is None:
        with _lock:
            if _session is None:
                import boto3.session

                _session = boto3.session.Session()
    return _session


def client(service_name: str, **kwargs: Any) -> Any:
    """A cached low-level client from `session()`; same arguments give the same client."""
    key = (service_name, tuple(sorted(kwargs.items())))
    with _lock:
        if key not in _clients:
            _clients[key] = session().client(service_name, **kwargs)
        return _clients[key]


def resource(service_name: str, **kwargs: Any) -> Any:
    """A cached resource from `session()`; same arguments give the same resource."""
    key = (service_name, tuple(sorted(kwargs.items())))
    with _lock:
        if key not in _resources:
            _resources[key] = session().resource(service_name, **kwargs)
        return _resources[key]


def reset() -> None:
    """Forget the session and everything built on it (tests: re-attach placebo, new env)."""
    global _session
    with _lock:
        _session = None
        _clients.clear()
        _resources.clear()
