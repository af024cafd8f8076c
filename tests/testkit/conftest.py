"""Fixtures of the test kit's own tests (helpers live in harness.py)."""

from __future__ import annotations

# Imported before any inner run, so pytester's module snapshot keeps one copy of each.
import boto3  # noqa: F401
import botocore.endpoint  # noqa: F401
import flywheel  # noqa: F401
import pytest

import tight.providers.aws.clients.dynamo_db  # noqa: F401
from tests.testkit.harness import Project

pytest_plugins = ["pytester"]


@pytest.fixture
def project(pytester: pytest.Pytester) -> Project:
    return Project(pytester)


@pytest.fixture
def database(dynamodb_local: object) -> str:
    """The endpoint of the official DynamoDB Local (session-wide) to record real calls from."""
    return dynamodb_local.endpoint  # type: ignore[attr-defined]
