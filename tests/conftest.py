"""Markers by need: a test that asks for the session's DynamoDB Local is a `dynamodb_local`
test, so `-m "not slow and not dynamodb_local"` (the quick loop) never starts Java."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import generated_app


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "dynamodb_local" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.dynamodb_local)


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A pristine app from templates/app, rendered once per session: read its files, don't
    change them (copy what a test needs)."""
    return generated_app.render(tmp_path_factory.mktemp("generated"))
