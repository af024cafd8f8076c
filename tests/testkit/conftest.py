"""Fixtures of the test kit's own tests (helpers live in harness.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.testkit.harness import Project


@pytest.fixture
def project(tmp_path: Path) -> Project:
    root = tmp_path / "project"
    root.mkdir()
    (root / "pytest.ini").write_text("[pytest]\naddopts = -ra\n", encoding="utf-8")
    return Project(root)


@pytest.fixture
def database(dynamodb_local: object) -> str:
    """The endpoint of the official DynamoDB Local (session-wide) to record real calls from."""
    return dynamodb_local.endpoint  # type: ignore[attr-defined]
