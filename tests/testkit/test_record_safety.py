"""Recording never writes anywhere by accident, and never loses or mixes recordings.

Every run here has the developer's (fake) AWS credentials in its environment and its HTTP(S)
proxy pointed at a dead local port: a request meant for AWS fails on this machine, even on
code that would have sent it. Nothing here can reach AWS.
"""

from __future__ import annotations

import http.server
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.testkit.harness import Project, Run, free_port, unreachable_endpoint
from tight.tasks.dynamodb_local.running import list_tables
from tight.testing import recording

pytestmark = [pytest.mark.dynamodb_local, pytest.mark.slow]

DEVELOPER = {"AWS_ACCESS_KEY_ID": "AKIAREALLOOKING00000", "AWS_SECRET_ACCESS_KEY": "secret"}

PUT_TEST = """
import os

from tight.core.test_helpers import playback
from tight.providers.aws.clients import dynamo_db

TABLE = os.environ.get("TABLE", "kit")


def test_put(dynamo_db_session):
    playback(__file__, dynamo_db_session, "test_put")
    assert dynamo_db_session.get_credentials().access_key == "testing"  # never the developer's
    ddb = dynamo_db_session.client("dynamodb", **dynamo_db.client_kwargs())
    ddb.create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    ddb.put_item(TableName=TABLE, Item={"id": {"S": "a"}})


def test_other_service(dynamo_db_session):
    playback(__file__, dynamo_db_session, "test_other_service")
    dynamo_db_session.client("s3").list_buckets()
"""


def _guarded(**extra: str) -> dict[str, str]:
    """The developer's credentials present, and no way out of this machine."""
    dead = unreachable_endpoint()
    local = "127.0.0.1,localhost"  # DynamoDB Local is reached directly, AWS never
    return {**DEVELOPER, "HTTP_PROXY": dead, "HTTPS_PROXY": dead, "NO_PROXY": local, **extra}


def _app(project: Project, port: int) -> None:
    project.write("tight.yml", f"name: kit-app\ndynamo_db:\n  port: {port}\n")


# ------------------------------------------------------------------------------------ target


def test_record_without_dynamodb_local_is_refused_and_names_rundb(project: Project) -> None:
    port = free_port()  # nothing listens there
    _app(project, port)
    project.write("tests/test_put.py", PUT_TEST)
    run = project.pytest("--tight-record", env=_guarded())
    assert run.returncode == 4, run.stdout + run.stderr  # a usage error: no test ran
    assert f"nothing answers at http://127.0.0.1:{port}" in run.stderr
    assert "tight.yml dynamo_db.port" in run.stderr
    assert "`invoke rundb`" in run.stderr and "--tight-record=aws" in run.stderr
    assert "Traceback" not in run.stderr
    assert not (project.root / "tests" / "placebos").exists()


def test_record_goes_to_dynamodb_local_on_tight_yml_port(project: Project, database: str) -> None:
    port = int(database.rsplit(":", 1)[1])
    _app(project, port)
    project.write("tests/test_put.py", PUT_TEST)
    table = f"t{uuid.uuid4().hex[:10]}"
    run = project.pytest("--tight-record", env=_guarded(TABLE=table, AWS_PROFILE="someone"))
    run.assert_outcomes(passed=1, failed=1)
    assert f"against DynamoDB Local at http://127.0.0.1:{port} (tight.yml" in run.stdout
    assert table in (list_tables(database) or []), "the writes did not reach DynamoDB Local"
    # Any other address is refused while recording locally, with the way to do it:
    assert "refused a request to https://s3" in run.stdout
    assert "--tight-record=aws" in run.stdout
    placebos = project.root / "tests" / "placebos"
    assert (placebos / "test_put" / "dynamodb.PutItem_1.json").is_file()
    assert not (placebos / "test_other_service").exists()


def test_an_aws_endpoint_is_not_dynamodb_local(project: Project) -> None:
    _app(project, free_port())
    project.write("tests/test_put.py", PUT_TEST)
    aws = "https://dynamodb.eu-west-1.amazonaws.com"
    run = project.pytest("--tight-record", env=_guarded(DYNAMODB_ENDPOINT=aws))
    assert run.returncode == 4
    assert f"DYNAMODB_ENDPOINT is {aws}, an AWS endpoint" in run.stderr


def test_an_unknown_tight_record_value_is_refused(project: Project) -> None:
    project.write("tests/test_x.py", "def test_x():\n    pass\n")
    run = project.pytest(env={"TIGHT_RECORD": "sometimes"})
    assert run.returncode == 4
    assert "TIGHT_RECORD='sometimes' is not understood" in run.stderr


STS_ANSWER = b"""<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:iam::123456789012:user/dev</Arn>
    <UserId>AIDAFAKEFAKEFAKE</UserId>
    <Account>123456789012</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>"""


@pytest.fixture
def fake_sts() -> Iterator[str]:
    """A local stand-in for STS GetCallerIdentity (AWS_ENDPOINT_URL_STS points at it)."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(200)
            self.send_header("Content-Type", "text/xml")
            self.send_header("Content-Length", str(len(STS_ANSWER)))
            self.end_headers()
            self.wfile.write(STS_ANSWER)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_recording_against_aws_is_an_explicit_opt_in_naming_account_and_region(
    project: Project, fake_sts: str
) -> None:
    project.write("tight.yml", "name: kit-app\n")
    project.write("env.dist.yml", "USE_LOCAL_DB: true\n")
    project.write(
        "tests/test_x.py",
        "import os\n\n"
        "def test_x(dynamo_db_session):\n"
        "    assert 'DYNAMODB_ENDPOINT' not in os.environ\n"
        "    assert 'USE_LOCAL_DB' not in os.environ\n",
    )
    env = _guarded(
        AWS_ENDPOINT_URL_STS=fake_sts, AWS_DEFAULT_REGION="eu-west-3", NO_PROXY="127.0.0.1"
    )
    run = project.pytest("--tight-record=aws", "-q", env=env)
    run.assert_outcomes(passed=1)
    assert "recording against REAL AWS: account 123456789012, region eu-west-3" in run.stderr


def test_recording_against_aws_without_credentials_is_refused(project: Project) -> None:
    project.write("tests/test_x.py", "def test_x():\n    pass\n")
    dead = unreachable_endpoint()
    env = {
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_DEFAULT_REGION": "eu-west-3",
        "HTTP_PROXY": dead,
        "HTTPS_PROXY": dead,
    }
    run = project.pytest("--tight-record=aws", env=env)
    assert run.returncode == 4
    assert "--tight-record=aws needs AWS credentials" in run.stderr


# ------------------------------------------------------------------------------------- names

NAMED_TEST = """
from tight.core.test_helpers import playback


def test_named(dynamo_db_session):
    playback(__file__, dynamo_db_session, {name!r})
"""


@pytest.mark.parametrize("name", [".", "..", "", "a/b", "../x", ".hidden", "a..b", "x\\\\y"])
def test_bad_recording_names_are_refused(name: str) -> None:
    with pytest.raises(ValueError, match="must be a plain folder name"):
        recording.validate_name(name)


def test_a_dot_name_never_replaces_the_other_recordings(project: Project, database: str) -> None:
    other = project.write("tests/placebos/test_other/dynamodb.GetItem_1.json", "{}")
    project.write("tests/test_dot.py", NAMED_TEST.format(name="."))
    run = project.pytest("--tight-record", env=_guarded(DYNAMODB_ENDPOINT=database))
    run.assert_outcomes(failed=1)
    assert "must be a plain folder name" in run.stdout
    assert other.read_text() == "{}"
    assert sorted(p.name for p in other.parent.parent.iterdir()) == ["test_other"]


SAME_NAME_TEST = """
from tight.core.test_helpers import playback


def test_same(dynamo_db_session):
    playback(__file__, dynamo_db_session, "test_same")
"""


def test_two_files_never_share_one_recording(project: Project, database: str) -> None:
    project.write("tests/dup/test_a.py", SAME_NAME_TEST)
    project.write("tests/dup/test_b.py", SAME_NAME_TEST)
    recorded = project.pytest("--tight-record", env=_guarded(DYNAMODB_ENDPOINT=database))
    recorded.assert_outcomes(passed=1, failed=1)
    assert "was recorded by test_a.py, and test_b.py uses the same recording name" in (
        recorded.stdout
    )
    manifest = project.root / "tests" / "dup" / "placebos" / "test_same" / "recording.json"
    assert '"file": "test_a.py"' in manifest.read_text()

    replayed = project.pytest(env=_guarded(DYNAMODB_ENDPOINT=unreachable_endpoint()))
    replayed.assert_outcomes(passed=1, failed=1)
    assert "was recorded by test_a.py" in replayed.stdout


def test_two_tests_recording_one_name_in_a_run_are_caught(project: Project, database: str) -> None:
    project.write(
        "tests/test_twice.py",
        SAME_NAME_TEST + SAME_NAME_TEST.replace("def test_same", "def test_same_again"),
    )
    run = project.pytest("--tight-record", env=_guarded(DYNAMODB_ENDPOINT=database))
    run.assert_outcomes(passed=1, failed=1)
    assert "already recorded" in run.stdout and "test_twice.py::test_same " in run.stdout


# ----------------------------------------------------------------------------------- failure

EXPECTING_TEST = """
import os

from tight.core.test_helpers import expected_response_body, playback
from tight.providers.aws.clients import dynamo_db

here = os.path.dirname(os.path.realpath(__file__))


def test_create(dynamo_db_session):
    playback(__file__, dynamo_db_session, "test_create")
    ddb = dynamo_db_session.client("dynamodb", **dynamo_db.client_kwargs())
    tables = ddb.list_tables()["TableNames"]
    response = {"statusCode": 201, "body": {"name": os.environ["WHO"], "seen": len(tables) >= 0}}
    assert expected_response_body(here, "expectations/test_create.yml", response)
    assert not os.environ.get("FAIL"), "failing on purpose after recording"
"""


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_a_failing_rerecord_keeps_recording_and_expectation(
    project: Project, database: str
) -> None:
    project.write("tests/test_create.py", EXPECTING_TEST)
    first = project.pytest("--tight-record", env=_guarded(DYNAMODB_ENDPOINT=database, WHO="Ada"))
    first.assert_outcomes(passed=1)
    tests = project.root / "tests"
    before = {k: v for k, v in _files(tests).items() if not k.endswith(".py")}
    assert "expectations/test_create.yml" in before and "placebos/test_create/recording.json" in (
        before
    )

    env = _guarded(DYNAMODB_ENDPOINT=database, WHO="Ada Changed", FAIL="1")
    failed: Run = project.pytest("--tight-record", env=env)
    failed.assert_outcomes(failed=1)
    after = {k: v for k, v in _files(tests).items() if not k.endswith(".py")}
    assert after == before, "a failing record run changed the recording or the expectation"

    passing = project.pytest("--tight-record", env=_guarded(DYNAMODB_ENDPOINT=database, WHO="Bo"))
    passing.assert_outcomes(passed=1)
    assert b"Bo" in (tests / "expectations" / "test_create.yml").read_bytes()


# --------------------------------------------------------------------------- corrupt files

SWALLOWING_TEST = """
from tight.core.test_helpers import playback
from tight.providers.aws.clients import dynamo_db


def test_lenient(dynamo_db_session):
    playback(__file__, dynamo_db_session, "test_lenient")
    ddb = dynamo_db_session.client("dynamodb", **dynamo_db.client_kwargs())
    try:
        ddb.list_tables()
        status = 200
    except Exception:  # what a controller does: the error becomes a 500
        status = 500
    assert status in (200, 500)
"""


@pytest.mark.parametrize(
    "content", ["{not json", '{"status_code": 200}', "[1, 2]"], ids=["json", "no-data", "list"]
)
def test_a_corrupt_recording_is_named_with_the_fix(project: Project, content: str) -> None:
    folder = project.root / "tests" / "placebos" / "test_lenient"
    project.write("tests/test_lenient.py", SWALLOWING_TEST)
    project.write("tests/placebos/test_lenient/dynamodb.ListTables_1.json", content)
    run = project.pytest(env=_guarded(DYNAMODB_ENDPOINT=unreachable_endpoint()))
    run.assert_outcomes(failed=1)
    assert f"the recording {folder / 'dynamodb.ListTables_1.json'} is corrupt" in run.stdout
    assert "pytest --tight-record" in run.stdout
