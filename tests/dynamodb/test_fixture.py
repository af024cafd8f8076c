"""The `dynamodb_local` pytest fixture and its table helpers."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import REPO

from tight.providers.aws.clients import dynamo_db
from tight.tasks.dynamodb_local.running import RunningDatabase, list_tables
from tight.testing.dynamodb_local import create_app_tables, delete_tables

pytestmark = pytest.mark.dynamodb_local


def test_fixture_exports_the_local_endpoint(dynamodb_local: RunningDatabase) -> None:
    assert dynamodb_local.engine == "dynamodb-local" and dynamodb_local.running()
    assert dynamodb_local.endpoint.startswith("http://127.0.0.1:")
    assert os.environ["DYNAMODB_ENDPOINT"] == dynamodb_local.endpoint
    assert os.environ["USE_LOCAL_DB"] == "true"
    assert os.environ["AWS_ACCESS_KEY_ID"] == "local"
    engine = dynamo_db.connect()
    assert engine.dynamo.client.meta.endpoint_url == dynamodb_local.endpoint
    assert "-disableTelemetry" in dynamodb_local.command
    assert "-sharedDb" in dynamodb_local.command and "-inMemory" in dynamodb_local.command


def test_create_app_tables_then_delete(dynamodb_local: RunningDatabase, make_app) -> None:
    app = make_app(name="fixture-app", stage="test")
    tables = create_app_tables(dynamodb_local, app)
    assert "fixture-app-test-accounts" in tables
    assert create_app_tables(dynamodb_local, app) == tables  # only missing ones are created
    delete_tables(dynamodb_local)
    assert list_tables(dynamodb_local.endpoint) == []


def test_missing_java_fails_loudly_never_skips(tmp_path: Path) -> None:
    test_file = tmp_path / "test_needs_db.py"
    test_file.write_text(
        textwrap.dedent(
            """
            from tight.testing.dynamodb_local import dynamodb_local

            def test_db(dynamodb_local):
                pass
            """
        )
    )
    empty_bin = tmp_path / "bin"
    empty_bin.mkdir()
    env = {**os.environ, "PATH": str(empty_bin)}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--noconftest",
         "-o", "addopts=", str(test_file)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "Java is not installed" in output and "openjdk" in output, output
    assert "1 error" in output and "skipped" not in output, output
    # The error/fix lines as TaskError renders them, not the constructor's tuple.
    assert "\nerror: Java is not installed: no `java` on PATH\n  fix: install a Java 17+" in output
    assert "('Java" not in output, output
