"""Tables on a local database: a flywheel engine on its endpoint and the app's tables.

Used by `invoke rundb` (create the tables of `app/models` once the database answers) and by
the test fixture's helpers. The engine has its own boto3 session, never the app's.
"""

from __future__ import annotations

import os
from typing import Any


def local_engine(endpoint: str, region: str | None = None) -> Any:
    """A flywheel Engine on `endpoint` with its own boto3 Session (never the app's, so
    placebo recordings attached to `boto3_client.session()` don't capture setup calls)."""
    import boto3.session
    from dynamo3 import DynamoDBConnection
    from flywheel import Engine

    from tight.providers.aws.clients import flywheel_compat

    flywheel_compat.apply()
    region = region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    client = boto3.session.Session().client(
        "dynamodb",
        endpoint_url=endpoint,
        region_name=region or "us-east-1",
        aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID") or "local",
        aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY") or "local",
    )
    return Engine(dynamo=DynamoDBConnection(client=client))


def create_tables(endpoint: str, models: list[type[Any]]) -> tuple[list[str], list[str]]:
    """Create the tables of `models` that don't exist yet; returns (created, all tables)."""
    engine = local_engine(endpoint)
    if models:
        engine.register(*models)
    created = sorted(engine.create_schema() or [])
    return created, sorted(engine.dynamo.list_tables())
