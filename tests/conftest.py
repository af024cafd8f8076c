"""Markers by need: a test that asks for the session's DynamoDB Local is a `dynamodb_local`
test, so `-m "not slow and not dynamodb_local"` (the quick loop) never starts Java."""

from __future__ import annotations

import pytest


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "dynamodb_local" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.dynamodb_local)
