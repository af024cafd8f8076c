"""Record real DynamoDB calls once (against DynamoDB Local), replay them offline, strictly."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from tests.testkit.harness import Project, unreachable_endpoint

pytestmark = [pytest.mark.dynamodb_local, pytest.mark.slow]

ROUNDTRIP_TEST = """
import datetime
import os

from tight.core.test_helpers import playback

TABLE = os.environ.get("TABLE", "kit")
BLOB = b"\\x00\\xff raw bytes \\x80"


def test_roundtrip(dynamo_db_session):
    playback(__file__, dynamo_db_session, "test_roundtrip")
    ddb = dynamo_db_session.client("dynamodb", endpoint_url=os.environ["DYNAMODB_ENDPOINT"])
    ddb.create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    ddb.put_item(TableName=TABLE, Item={"id": {"S": "a"}, "blob": {"B": BLOB}})
    for _ in range(int(os.environ.get("GETS", "1"))):
        try:
            item = ddb.get_item(TableName=TABLE, Key={"id": {"S": "a"}})["Item"]
        except Exception:
            if not os.environ.get("SWALLOW"):
                raise
    assert item["blob"]["B"] == BLOB
    created = ddb.describe_table(TableName=TABLE)["Table"]["CreationDateTime"]
    assert isinstance(created, datetime.datetime) and created.utcoffset() is not None
    print("CREATED", created.isoformat())
    assert not os.environ.get("FAIL_AT_END"), "failing on purpose after the calls"
"""

RECORDED = {
    "dynamodb.CreateTable_1.json",
    "dynamodb.PutItem_1.json",
    "dynamodb.GetItem_1.json",
    "dynamodb.DescribeTable_1.json",
    "recording.json",
}


def _offline_env(**extra: str) -> dict[str, str]:
    """Playback: no credentials, nothing listening at the endpoint, a dead proxy."""
    dead = unreachable_endpoint()
    env = {"DYNAMODB_ENDPOINT": unreachable_endpoint(), "HTTP_PROXY": dead, "HTTPS_PROXY": dead}
    return {**env, **extra}


def _record(project: Project, database: str, *args: str, **env: str) -> pytest.RunResult:
    table = f"t{uuid.uuid4().hex[:10]}"  # the session database is shared between tests
    return project.pytest(
        "--tight-record", "-s", *args, env={"DYNAMODB_ENDPOINT": database, "TABLE": table, **env}
    )


def _folder(project: Project) -> Path:
    return project.root / "tests" / "placebos" / "test_roundtrip"


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def _leftovers(project: Project) -> list[str]:
    return [p.name for p in (project.root / "tests" / "placebos").iterdir() if p.name[0] == "."]


def _created_line(stdout: str) -> str:
    line = next(line for line in stdout.splitlines() if "CREATED " in line)
    return line.split("CREATED ", 1)[1].strip()


@pytest.fixture
def recorded(project: Project, database: str) -> pytest.RunResult:
    project.write("tests/test_kit.py", ROUNDTRIP_TEST)
    run = _record(project, database)
    run.assert_outcomes(passed=1)
    return run


def test_record_then_replay_offline(project: Project, recorded: pytest.RunResult) -> None:
    assert "tight: record mode" in recorded.stdout.str()
    assert "+++++" not in recorded.stdout.str(), "placebo's debug prints leaked onto stdout"
    assert {p.name for p in _folder(project).iterdir()} == RECORDED
    manifest = json.loads((_folder(project) / "recording.json").read_text())
    assert manifest == {
        "test": "test_roundtrip",
        "file": "test_kit.py",
        "calls": {
            "dynamodb.CreateTable": 1,
            "dynamodb.DescribeTable": 1,
            "dynamodb.GetItem": 1,
            "dynamodb.PutItem": 1,
        },
    }
    assert _leftovers(project) == []

    replayed = project.pytest("-s", env=_offline_env())
    replayed.assert_outcomes(passed=1)
    assert "tight: playback mode" in replayed.stdout.str()
    # bytes came back as bytes (asserted inside), the datetime with the same offset:
    assert _created_line(replayed.stdout.str()) == _created_line(recorded.stdout.str())


def test_rerecord_replaces_the_folder_without_leftovers(
    project: Project, recorded: pytest.RunResult, database: str
) -> None:
    stale = _folder(project) / "dynamodb.GetItem_2.json"
    stale.write_text((_folder(project) / "dynamodb.GetItem_1.json").read_text())
    (_folder(project) / "notes.txt").write_text("from an older recording")

    again = _record(project, database, TIGHT_RECORD="1")  # the env switch, too
    again.assert_outcomes(passed=1)
    assert {p.name for p in _folder(project).iterdir()} == RECORDED
    assert _leftovers(project) == []


def test_failing_record_run_keeps_the_old_recording(
    project: Project, recorded: pytest.RunResult, database: str
) -> None:
    before = _snapshot(_folder(project))
    failed = _record(project, database, FAIL_AT_END="1", GETS="3")
    failed.assert_outcomes(failed=1)
    assert _snapshot(_folder(project)) == before
    assert _leftovers(project) == []


def test_missing_recording_fails_and_says_how_to_record(project: Project) -> None:
    project.write("tests/test_kit.py", ROUNDTRIP_TEST)
    run = project.pytest(env=_offline_env())
    run.assert_outcomes(failed=1)
    assert "no recording for 'test_roundtrip'" in run.stdout.str()
    assert "placebos/test_roundtrip does not exist" in run.stdout.str()
    assert "pytest --tight-record" in run.stdout.str()
    assert not (project.root / "tests" / "placebos").exists()


def test_more_calls_than_recorded_fail_with_the_counts(
    project: Project, recorded: pytest.RunResult
) -> None:
    run = project.pytest(env=_offline_env(GETS="2"))
    run.assert_outcomes(failed=1)
    assert "dynamodb.GetItem was called 2 time(s) in playback" in run.stdout.str()
    assert "holds 1 such call(s)" in run.stdout.str()
    assert "pytest --tight-record" in run.stdout.str()


def test_a_swallowed_playback_error_still_fails_the_test(
    project: Project, recorded: pytest.RunResult
) -> None:
    # The code under test catches the error (as a controller turning it into a 500 would),
    # and the test body would pass: the recording mismatch must still fail it.
    run = project.pytest(env=_offline_env(GETS="2", SWALLOW="1"))
    run.assert_outcomes(failed=1)
    assert "PlaybackError" in run.stdout.str()
    assert "dynamodb.GetItem was called 2 time(s)" in run.stdout.str()


STALE_CLIENT_TEST = """
import os

from tight.core.test_helpers import playback


def test_stale(dynamo_db_session):
    # Created before playback() attached: placebo never sees this client.
    ddb = dynamo_db_session.client("dynamodb", endpoint_url=os.environ["DYNAMODB_ENDPOINT"])
    playback(__file__, dynamo_db_session, "test_stale")
    ddb.list_tables()
"""


def test_a_client_placebo_cannot_see_is_stopped_before_the_network(project: Project) -> None:
    project.write("tests/test_stale.py", STALE_CLIENT_TEST)
    (project.root / "tests" / "placebos" / "test_stale").mkdir(parents=True)
    run = project.pytest(env=_offline_env())
    run.assert_outcomes(failed=1)
    assert "a real AWS request (POST http://127.0.0.1:" in run.stdout.str()
    assert "was attempted during playback" in run.stdout.str()


FLYWHEEL_TEST = """
import datetime
import os

from flywheel import Field, Model

from tight.core.test_helpers import playback
from tight.providers.aws.clients import dynamo_db

WHEN = datetime.datetime(2024, 5, 17, 12, 30, 15, tzinfo=datetime.timezone.utc)


class Note(Model):
    __metadata__ = {"_name": os.environ.get("TABLE", "notes")}
    id = Field(hash_key=True)
    text = Field()
    at = Field(data_type=datetime.datetime)


def test_flywheel(dynamo_db_session):
    playback(__file__, dynamo_db_session, "test_flywheel")
    engine = dynamo_db.connect()
    engine.register(Note)
    engine.create_schema()
    engine.save(Note(id="n1", text="hello", at=WHEN))
    note = engine.get(Note, id="n1")
    assert note.text == "hello"
    assert note.at == WHEN
"""


def test_flywheel_calls_through_dynamo_db_connect_are_recorded_and_replayed(
    project: Project, database: str
) -> None:
    project.write("tests/test_models.py", FLYWHEEL_TEST)
    table = f"notes{uuid.uuid4().hex[:8]}"  # replies name the table: same name both ways
    recorded = _record(project, database, TABLE=table)
    recorded.assert_outcomes(passed=1)
    folder = project.root / "tests" / "placebos" / "test_flywheel"
    names = {p.name for p in folder.iterdir()}
    assert {"dynamodb.CreateTable_1.json", "dynamodb.GetItem_1.json"} <= names, names  # one key

    replayed = project.pytest(env=_offline_env(TABLE=table))
    replayed.assert_outcomes(passed=1)
