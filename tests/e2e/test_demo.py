"""The README's demo, step for step (the same code as `./dev demo`), on every CI run."""

from __future__ import annotations

import json
import socket
import zipfile
from urllib.parse import urlparse

import pytest

from demo import flow


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return flow.run(tmp_path_factory.mktemp("demo"), echo=lambda line: None)


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


def test_artifact_answers_real_events_from_a_clean_interpreter(demo):
    answers = {answer["request"]: answer for answer in demo.facts["artifact_answers"]}
    status = {label: answer["statusCode"] for label, answer in answers.items()}
    assert status == {
        "POST": 201,
        "POST-again": 409,
        "GET": 200,
        "PUT": 200,
        "LIST": 200,
        "DELETE": 204,
        "GET-gone": 404,
        "PATCH": 405,
    }
    assert json.loads(answers["POST-again"]["body"]) == {"message": "account 'demo' exists"}
    assert json.loads(answers["PUT"]["body"])["email"] == "demo@example.com"
    assert [a["id"] for a in json.loads(answers["LIST"]["body"])["accounts"]] == ["demo"]
    assert answers["PATCH"]["headers"]["Allow"] == "GET, POST, PUT, DELETE, OPTIONS, HEAD"


def test_nothing_left_running(demo):
    assert all(process.poll() is not None for process in demo.processes)
    port = urlparse(str(demo.facts["endpoint"])).port
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0  # rundb's DynamoDB Local is gone


def test_second_run_in_the_same_folder_works(demo):
    again = flow.run(demo.workdir, echo=lambda line: None)
    assert "6 passed" in {s.name: s.detail for s in again.steps}["replay the tests offline"]
