"""The recording format gives back exactly what was recorded (placebo 0.10.0 did not)."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from botocore.response import StreamingBody
from placebo import serializer as placebo_serializer

from tight.testing import serializer

IST = dt.timezone(dt.timedelta(hours=5, minutes=30))


@pytest.mark.parametrize(
    "value",
    [
        b"\x00\xff\x80 raw",
        bytearray(b"abc"),
        dt.datetime(2024, 2, 29, 23, 59, 58, 123456, tzinfo=IST),
        dt.datetime(2024, 2, 29, 23, 59, 58, tzinfo=dt.timezone.utc),
        dt.datetime(2024, 2, 29, 23, 59, 58),  # naive stays naive
        dt.date(2024, 2, 29),
        {"nested": [{"B": b"\x01"}, {"BS": [b"\x02", b"\x03"]}]},
    ],
)
def test_values_round_trip_with_their_type(value: object) -> None:
    back = serializer.loads(serializer.dumps({"data": value}))["data"]
    assert back == value
    assert type(back) is (bytes if isinstance(value, bytearray) else type(value))


def test_datetimes_keep_their_offset_not_just_the_instant() -> None:
    value = dt.datetime(2024, 1, 1, 9, 0, tzinfo=IST)
    back = serializer.loads(serializer.dumps(value))
    assert back.utcoffset() == dt.timedelta(hours=5, minutes=30)
    assert back.isoformat() == "2024-01-01T09:00:00+05:30"


def test_placebo_itself_loses_what_the_fix_keeps() -> None:
    """Documents the upstream bugs the fix exists for (if placebo fixes them, revisit)."""
    out = io.StringIO()
    value = {"b": b"\x00\xff", "t": dt.datetime(2024, 1, 1, 9, 0, tzinfo=IST)}
    placebo_serializer._serialize_json(value, out)
    out.seek(0)
    back = placebo_serializer._deserialize_json(out)
    assert back["b"] != value["b"]  # base64 text instead of bytes
    assert back["t"].utcoffset() == dt.timedelta(0)  # the +05:30 is gone


def test_streaming_bodies_are_recorded_and_still_readable() -> None:
    body = StreamingBody(io.BytesIO(b"payload"), 7)
    text = serializer.dumps({"Body": body})
    assert body.read() == b"payload", "recording must not consume the caller's body"
    back = serializer.loads(text)["Body"]
    assert isinstance(back, StreamingBody)
    assert back.read() == b"payload"


def test_nothing_is_printed(capsys: pytest.CaptureFixture[str]) -> None:
    serializer.dumps({"b": b"x", "t": dt.datetime.now(dt.timezone.utc)})
    assert capsys.readouterr().out == ""


def test_files_written_by_placebo_still_load() -> None:
    legacy = {
        "data": {
            "When": {
                "__class__": "datetime",
                "__module__": "datetime",
                "year": 2020,
                "month": 3,
                "day": 4,
                "hour": 5,
                "minute": 6,
                "second": 7,
                "microsecond": 0,
            }
        }
    }
    back = serializer.loads(json.dumps(legacy))
    assert back["data"]["When"] == dt.datetime(2020, 3, 4, 5, 6, 7, tzinfo=dt.timezone.utc)


def test_user_data_that_looks_like_a_class_tag_is_left_alone() -> None:
    data = {"__class__": "datetime", "year": 1}  # no __module__: not a placebo tag
    assert serializer.loads(serializer.dumps(data)) == data


def test_unknown_types_are_named() -> None:
    with pytest.raises(TypeError, match="cannot record a value of type object"):
        serializer.dumps({"x": object()})
