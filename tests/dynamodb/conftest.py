"""DynamoDB tests: never reach AWS; the session's DynamoDB Local comes from tight.testing."""

from __future__ import annotations

import os

from tight.testing.dynamodb_local import dynamodb_local  # noqa: F401  (the fixture)

os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")
