"""`safeget` walks dicts and lists; falsy values come back as they are, anything missing as None."""

from __future__ import annotations

import pytest

from tight.core.safeget import safeget

EVENT = {
    "requestContext": {"authorizer": {"claims": {"sub": "u1"}}},
    "multiValueHeaders": {"Accept": ["a", "b"]},
    "count": 0,
    "flag": False,
    "empty": "",
    "none": None,
}


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        (("requestContext", "authorizer", "claims", "sub"), "u1"),
        (("multiValueHeaders", "Accept", 1), "b"),
        (("multiValueHeaders", "Accept", -1), "b"),
        (("count",), 0),  # the original Tight returned {} here
        (("flag",), False),
        (("empty",), ""),
        (("none",), None),
        (("missing", "deeper"), None),
        (("multiValueHeaders", "Accept", 5), None),
        (("multiValueHeaders", "Accept", "0"), None),
        (("count", "x"), None),
        (([],), None),  # unhashable key
        ((), EVENT),
    ],
)
def test_safeget(keys, expected):
    assert safeget(EVENT, *keys) == expected
    if expected is not None and not isinstance(expected, dict):
        assert type(safeget(EVENT, *keys)) is type(expected)


def test_safeget_on_non_container():
    assert safeget(None, "a") is None
    assert safeget("text", 0) is None
