"""Call a controller the way Lambda would and read its answer without boilerplate."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from tight.testing.context import LambdaContext


@dataclass(frozen=True)
class Response:
    """A Lambda proxy response with its body decoded."""

    status_code: int
    headers: dict[str, Any]
    body: str | None
    raw: dict[str, Any]

    def json(self) -> Any:
        """The body parsed as JSON; a clear error if it is not JSON."""
        if self.body is None:
            raise ValueError(f"the response (status {self.status_code}) has no body")
        try:
            return json.loads(self.body)
        except ValueError as exc:
            raise ValueError(f"the response body is not JSON: {self.body[:200]!r}") from exc


def invoke_controller(
    app: ModuleType, name: str, event: dict[str, Any], context: Any = None
) -> Response:
    """`app.<name>(event, context)` -> Response; a missing controller is named with the fix."""
    controller = getattr(app, name, None)
    if not callable(controller):
        raise AttributeError(
            f"{getattr(app, '__name__', app)} has no controller {name!r}: generate it with "
            f"`invoke generate-function {name}` or check app/functions/{name}/handler.py"
        )
    raw = controller(event, context if context is not None else LambdaContext())
    if not isinstance(raw, dict) or "statusCode" not in raw:
        raise TypeError(f"controller {name!r} returned {raw!r}, not a Lambda proxy response")
    body = raw.get("body")
    if body is not None and raw.get("isBase64Encoded"):
        body = base64.b64decode(body).decode("utf-8", errors="replace")
    return Response(int(raw["statusCode"]), dict(raw.get("headers") or {}), body, raw)
