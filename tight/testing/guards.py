"""Stand-ins for botocore's `Endpoint._send`: the last door before a request leaves the process.

placebo answers calls on the Session it is attached to; a client it does not see (built on an
older Session, say) would go to the network. In playback `refuse_every_request` closes that
door; while recording against DynamoDB Local, `only_to(endpoint)` keeps it open for that one
address, so the developer's credentials never write to AWS by accident. Each failure is also
handed to `report`, so the test fails even when the code under test swallowed it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from tight.testing.recording import PlaybackError

Send = Callable[[Any, Any], Any]
Report = Callable[[PlaybackError], None]


def original_send() -> Send:
    from botocore.endpoint import Endpoint

    return Endpoint._send


def refuse_every_request(report: Report) -> Send:
    def refuse(endpoint: Any, request: Any) -> Any:
        error = PlaybackError(
            f"a real AWS request ({request.method} {request.url}) was attempted during "
            "playback. It came from a client that placebo does not see: create clients "
            "from the `dynamo_db_session` fixture's session after calling playback(), "
            "not at import time of an earlier test."
        )
        report(error)
        raise error

    return refuse


def only_to(endpoint: str, send: Send, report: Report) -> Send:
    """`send` for requests to `endpoint`'s host and port; any other address is refused."""
    allowed = urlsplit(endpoint).netloc

    def local_only(sender: Any, request: Any) -> Any:
        if urlsplit(request.url).netloc == allowed:
            return send(sender, request)
        error = PlaybackError(
            f"recording against DynamoDB Local ({endpoint}) refused a request to "
            f"{request.url}, so nothing reaches AWS. Calls to other AWS services can only "
            "be recorded against real AWS: `pytest --tight-record=aws`"
        )
        report(error)
        raise error

    return local_only
