"""One fixture owns a test's recording: it opens it, keeps it only on a pass, and puts back
everything it changed, in a run inside this process as in a user's own."""

from __future__ import annotations

import os
import uuid

import pytest
from botocore.endpoint import Endpoint

from tests.testkit.harness import Project, unreachable_endpoint
from tight.testing import lifecycle

FIXTURE_TEST = """
import os

from tight.providers.aws.clients import boto3_client, dynamo_db

TABLE = os.environ.get("TABLE", "kit")


def test_tables(aws_recording):
    aws_recording.playback()  # placebos/test_tables/ beside this file
    assert aws_recording.session is boto3_client.session()
    ddb = boto3_client.client("dynamodb", **dynamo_db.client_kwargs())
    ddb.create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    assert TABLE in ddb.list_tables()["TableNames"]
"""


@pytest.mark.dynamodb_local
@pytest.mark.slow
def test_the_fixture_alone_records_then_replays_under_the_tests_name(
    project: Project, database: str
) -> None:
    project.write("tests/test_tables.py", FIXTURE_TEST)
    table = f"t{uuid.uuid4().hex[:10]}"
    recorded = project.pytest("--tight-record", env={"DYNAMODB_ENDPOINT": database, "TABLE": table})
    recorded.assert_outcomes(passed=1)
    folder = project.root / "tests" / "placebos" / "test_tables"
    assert {p.name for p in folder.iterdir()} == {
        "dynamodb.CreateTable_1.json",
        "dynamodb.ListTables_1.json",
        "recording.json",
    }
    dead = unreachable_endpoint()
    replayed = project.pytest(
        env={"DYNAMODB_ENDPOINT": unreachable_endpoint(), "HTTPS_PROXY": dead, "TABLE": table}
    )
    replayed.assert_outcomes(passed=1)


RECORD_HELPER_TEST = """
import os

from tight.core.test_helpers import is_record_mode, record
from tight.providers.aws.clients import boto3_client, dynamo_db


def test_explicit(dynamo_db_session):
    assert not is_record_mode()
    record(__file__, dynamo_db_session, "test_explicit")
    ddb = boto3_client.client("dynamodb", **dynamo_db.client_kwargs())
    assert ddb.meta.endpoint_url == os.environ["DYNAMODB_ENDPOINT"]
    ddb.list_tables()
"""


@pytest.mark.dynamodb_local
@pytest.mark.slow
def test_record_in_a_playback_run_records_the_clients_of_the_tests_session(
    project: Project, database: str
) -> None:
    project.write("tests/test_explicit.py", RECORD_HELPER_TEST)
    run = project.pytest(env={"DYNAMODB_ENDPOINT": database})
    run.assert_outcomes(passed=1)
    folder = project.root / "tests" / "placebos" / "test_explicit"
    assert (folder / "dynamodb.ListTables_1.json").is_file(), sorted(os.listdir(folder))


NO_FIXTURE_TEST = """
import boto3

from tight.core.test_helpers import playback


def test_playback_without_the_fixture():
    playback(__file__, boto3.session.Session(), "test_playback_without_the_fixture")
"""


def test_the_original_helpers_name_the_fixture_they_need(project: Project) -> None:
    project.write("tests/test_bare.py", NO_FIXTURE_TEST)
    run = project.pytest()
    run.assert_outcomes(failed=1)
    assert "playback() needs Tight's recording fixture" in run.stdout.str()
    assert "`dynamo_db_session`" in run.stdout.str()
    assert not (project.root / "tests" / "placebos").exists()


ISOLATION_TEST = """
import os

from botocore.endpoint import Endpoint


def test_changes(aws_recording):
    aws_recording.playback()
    assert os.environ["AWS_ACCESS_KEY_ID"] == "testing"
    assert os.environ["AWS_CONFIG_FILE"] == os.devnull
    assert Endpoint._send.__name__ == "refuse"
    assert os.environ.get("FAIL") != "1"
"""


@pytest.mark.parametrize("fail", ["0", "1"])
def test_the_fixture_puts_back_everything_it_changed(project: Project, fail: str) -> None:
    project.write("tests/test_iso.py", ISOLATION_TEST)
    (project.root / "tests" / "placebos" / "test_changes").mkdir(parents=True)
    send, outer_run, environ = Endpoint._send, lifecycle.current_run(), dict(os.environ)
    run = project.pytest(env={"AWS_ACCESS_KEY_ID": "mine", "FAIL": fail})
    run.assert_outcomes(passed=1 - int(fail), failed=int(fail))
    assert Endpoint._send is send, "botocore's _send was left patched"
    assert dict(os.environ) == environ
    assert lifecycle.current() is None and lifecycle.current_run() is outer_run
