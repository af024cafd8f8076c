"""A lossless JSON format for recorded AWS responses.

placebo 0.10.0's own serializer prints `+++++` debug lines on stdout, replays bytes as base64
text and drops the timezone of datetimes, so a replayed response differs from the recorded
one. This module writes tagged values that come back as the same Python types, and still
reads files written by placebo itself (its `__class__: datetime` / `StreamingBody` tags).
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
from typing import IO, Any

TAG = "__tight_type__"
_PLACEBO_TAG = "__class__"


def encode(value: Any) -> Any:
    """`json.dump(default=...)`: a tagged, JSON-safe stand-in for a non-JSON value."""
    if isinstance(value, dt.datetime):
        return {TAG: "datetime", "iso": value.isoformat()}
    if isinstance(value, dt.date):
        return {TAG: "date", "iso": value.isoformat()}
    if isinstance(value, (bytes, bytearray)):
        return {TAG: "bytes", "base64": base64.b64encode(bytes(value)).decode("ascii")}
    if _is_streaming_body(value):
        data = value.read()
        _rewind_streaming_body(value, data)
        return {TAG: "StreamingBody", "base64": base64.b64encode(data).decode("ascii")}
    if isinstance(value, (set, frozenset)):
        return {TAG: "set", "items": sorted(value, key=repr)}
    raise TypeError(f"cannot record a value of type {type(value).__name__}: {value!r}")


def decode(obj: dict[str, Any]) -> Any:
    """`json.load(object_hook=...)`: turn tagged objects back into their Python values."""
    kind = obj.get(TAG)
    if kind == "datetime":
        return dt.datetime.fromisoformat(obj["iso"])
    if kind == "date":
        return dt.date.fromisoformat(obj["iso"])
    if kind == "bytes":
        return base64.b64decode(obj["base64"])
    if kind == "StreamingBody":
        return _streaming_body(base64.b64decode(obj["base64"]))
    if kind == "set":
        return set(obj["items"])
    if _PLACEBO_TAG in obj and "__module__" in obj:
        return _decode_placebo(obj)
    return obj


def dump(data: Any, fp: IO[str]) -> None:
    json.dump(data, fp, indent=2, sort_keys=True, default=encode)
    fp.write("\n")


def load(fp: IO[str]) -> Any:
    return json.load(fp, object_hook=decode)


def dumps(data: Any) -> str:
    return json.dumps(data, indent=2, sort_keys=True, default=encode) + "\n"


def loads(text: str) -> Any:
    return json.loads(text, object_hook=decode)


def _decode_placebo(obj: dict[str, Any]) -> Any:
    """Files recorded by plain placebo: UTC datetimes (it never stored the offset)."""
    kind = obj[_PLACEBO_TAG]
    if kind == "datetime":
        fields = {k: v for k, v in obj.items() if k not in (_PLACEBO_TAG, "__module__")}
        return dt.datetime(tzinfo=dt.timezone.utc, **fields)
    if kind == "StreamingBody":
        return _streaming_body(base64.b64decode(obj["body"]))
    return obj


def _is_streaming_body(value: Any) -> bool:
    from botocore.response import StreamingBody

    return isinstance(value, StreamingBody)


def _rewind_streaming_body(body: Any, data: bytes) -> None:
    """Give the caller an unread body again after we consumed it to record it."""
    body._raw_stream = io.BytesIO(data)
    body._amount_read = 0
    body._content_length = len(data)


def _streaming_body(data: bytes) -> Any:
    from botocore.response import StreamingBody

    return StreamingBody(io.BytesIO(data), len(data))
