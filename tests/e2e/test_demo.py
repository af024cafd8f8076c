"""The README's demo, step for step (the same code as `./dev demo`), on every CI run."""

from __future__ import annotations

import json
import socket
import zipfile
from http import HTTPStatus
from urllib.parse import urlparse

import pytest

from demo import flow
from tight.tasks.dynamodb_local.running import list_tables

# The demo runs `invoke rundb` (Java), npm and pip in subprocesses: not the quick loop.
pytestmark = [pytest.mark.slow, pytest.mark.dynamodb_local]


@pytest.fixture(scope="module")
def demo(tmp_path_factory, dynamodb_local):
    """The whole demo; its artifact check uses the session's DynamoDB Local (its own
    `invoke rundb` step still starts one, as a user does)."""
    workdir = tmp_path_factory.mktemp("demo")
    return flow.run(workdir, echo=lambda line: None, database=dynamodb_local.endpoint)


def test_every_step_ran(demo):
    assert [step.name for step in demo.steps] == [name for name, _ in flow.STEPS]


def test_tests_recorded_then_replayed_offline(demo):
    details = {step.name: step.detail for step in demo.steps}
    assert details["generate the function accounts (runs its tests)"].find("2 passed") >= 0
    assert "6 passed" in details["record the tests against DynamoDB Local"]
    assert "6 passed" in details["replay the tests offline"]
    assert "failed" not in details["replay the tests offline"]
    placebos = demo.app / "tests" / "functions" / "integration" / "accounts" / "placebos"
    recorded = sorted(path.name for path in placebos.iterdir())
    assert recorded == [
        "test_create_existing_account_is_409",
        "test_create_then_read_account",
        "test_delete_account",
        "test_invalid_body_is_422",
        "test_update_account",
    ]
    assert list((placebos / "test_update_account").glob("dynamodb.*.json"))


def test_schema_template_and_artifact(demo):
    assert demo.facts["schemas"] == ["accounts.yml"]
    assert (demo.app / "template.yaml").is_file()
    names = zipfile.ZipFile(demo.facts["artifact"]).namelist()
    assert "app_index.py" in names and "app/functions/accounts/handler.py" in names
    assert "app/vendored/flywheel/__init__.py" in names
    assert not [n for n in names if n.startswith("tests/") or "/tight/tasks/" in n]
    assert not [n for n in names if n.startswith("app/vendored/boto")]


EXPECTED_STATUS = {
    "POST": 201,
    "POST-again": 409,
    "GET": 200,
    "PUT": 200,
    "LIST": 200,
    "HEAD": 200,
    "OPTIONS": 204,
    "PATCH": 405,
    "DELETE": 204,
    "GET-gone": 404,
}
ALLOW = "GET, POST, PUT, DELETE, OPTIONS, HEAD"


@pytest.mark.parametrize("version", ["v1", "v2", "alb"])
def test_artifact_answers_under_the_real_lambda_runtime_loop(demo, version):
    """RIE + awslambdaric ran the zip; every method of the controller, every answer checked."""
    answers = {a["request"]: a for a in demo.facts["artifact_answers"][version]}
    assert {label: a["statusCode"] for label, a in answers.items()} == EXPECTED_STATUS
    account = f"{version}-demo"
    created = json.loads(answers["POST"]["body"])
    assert (created["id"], created["name"], created["tags"]) == (account, "Demo", ["x"])
    assert json.loads(answers["GET"]["body"]) == created
    assert json.loads(answers["POST-again"]["body"]) == {"message": f"account {account!r} exists"}
    updated = json.loads(answers["PUT"]["body"])
    assert updated == {**created, "email": f"{account}@example.com"}
    assert json.loads(answers["LIST"]["body"]) == {"accounts": [updated]}
    for label in ("POST", "POST-again", "GET", "PUT", "LIST", "HEAD", "PATCH", "GET-gone"):
        assert answers[label]["headers"]["Content-Type"] == "application/json", label
    assert answers["HEAD"]["body"] == ""  # the GET answer without its body
    preflight = answers["OPTIONS"]["headers"]
    assert preflight["Access-Control-Allow-Methods"] == ALLOW
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert answers["OPTIONS"]["body"] == ""
    assert answers["PATCH"]["headers"]["Allow"] == ALLOW
    assert "PATCH" in json.loads(answers["PATCH"]["body"])["message"]
    assert answers["DELETE"]["body"] == ""
    assert json.loads(answers["GET-gone"]["body"]) == {"message": f"no account {account!r}"}
    for answer in answers.values():
        assert answer["headers"]["Access-Control-Allow-Origin"] == "*"
        assert "isBase64Encoded" not in answer or answer["isBase64Encoded"] is False
        proxy_keys = set(answer) - {"request"}  # `request` is the demo's label, not an answer key
        if version == "v1":  # API Gateway answers 502 to any other key
            assert proxy_keys <= {
                "statusCode",
                "headers",
                "multiValueHeaders",
                "body",
                "isBase64Encoded",
            }
        if version == "alb":  # what the ELB guide requires of a Lambda target
            phrase = HTTPStatus(answer["statusCode"]).phrase
            assert answer["statusDescription"] == f"{answer['statusCode']} {phrase}"
            assert answer["isBase64Encoded"] is False


def test_nothing_left_running(demo):
    assert all(process.poll() is not None for process in demo.processes)
    port = urlparse(str(demo.facts["endpoint"])).port
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0  # rundb's DynamoDB Local is gone


def test_the_artifact_check_used_the_session_database_and_left_it_as_found(demo, dynamodb_local):
    assert demo.facts["artifact_endpoint"] == dynamodb_local.endpoint
    dropped = demo.facts["artifact_tables_dropped"]
    assert [name for name in dropped if name.endswith("-accounts")]  # it made the table
    assert not set(dropped) & set(list_tables(dynamodb_local.endpoint) or [])


def test_second_run_in_the_same_folder_works(demo, dynamodb_local):
    again = flow.run(demo.workdir, echo=lambda line: None, database=dynamodb_local.endpoint)
    assert "6 passed" in {s.name: s.detail for s in again.steps}["replay the tests offline"]
