"""`invoke generate-model`, and the record-once-replay-forever proof with a real model:
record against the official DynamoDB Local, stop it, replay offline."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from tests.templates.helpers import PYTHON, invoke, run, tree
from tests.templates.helpers import pytest as run_pytest
from tight.tasks.errors import TaskError
from tight.testing.dynamodb_local import start_for_tests

pytestmark = pytest.mark.slow

ACCOUNT = "app/models/Account.py"


def test_generate_model_writes_the_original_model(new_app: Path, env) -> None:
    result = invoke(new_app, env, "generate-model", "account")
    assert result.returncode == 0, result.stdout
    assert f"created {ACCOUNT}" in result.stdout
    assert "table <NAME>-<STAGE>-accounts" in result.stdout
    source = (new_app / ACCOUNT).read_text()
    assert "class Account(Model):" in source
    assert "'_name': '%s-%s-accounts' % (os.environ['NAME'], os.environ['STAGE'])" in source
    assert "id = Field(type=str, hash_key=True)" in source
    shipped = (new_app / "requirements-vendor.txt").read_text().splitlines()
    assert "flywheel==0.5.4" in shipped and "dynamo3==0.4.10" in shipped
    check = (
        "import app\nfrom app.models import Account\n"
        "a = Account('a-1')\n"
        "print(Account.meta_.ddb_tablename(), Account.meta_.hash_key.name, a.id)\n"
    )
    imported = run([PYTHON, "-c", check], new_app, {**env, "NAME": "my-service", "STAGE": "dev"})
    assert imported.returncode == 0, imported.stdout
    assert imported.stdout.split() == ["my-service-dev-accounts", "id", "a-1"]


def test_generate_model_refuses_to_overwrite(new_app: Path, env) -> None:
    assert invoke(new_app, env, "generate-model", "account").returncode == 0
    model = new_app / ACCOUNT
    model.write_text(model.read_text() + "\n# my own field\n")
    before = tree(new_app)
    again = invoke(new_app, env, "generate-model", "account")
    assert again.returncode == 1, again.stdout
    assert f"model Account already exists at {ACCOUNT}" in again.stdout
    assert tree(new_app) == before


def test_second_model_does_not_repeat_the_vendor_pins(new_app: Path, env) -> None:
    assert invoke(new_app, env, "generate-model", "account").returncode == 0
    second = invoke(new_app, env, "generate-model", "category")
    assert second.returncode == 0, second.stdout
    assert "added" not in second.stdout
    lines = (new_app / "requirements-vendor.txt").read_text().splitlines()
    assert sum(line.startswith("flywheel") for line in lines) == 1
    assert (new_app / "app/models/Category.py").is_file()


HANDLER = """\
import json

import tight.providers.aws.controllers.lambda_proxy_event as lambda_proxy
from Account import Account
from tight.providers.aws.clients import dynamo_db


@lambda_proxy.post
def post_handler(*args, **kwargs):
    body = kwargs.pop('event')['body']
    if isinstance(body, str):
        body = json.loads(body)
    dynamo_db.connect().save(Account(body['id']), overwrite=True)
    return {'statusCode': 201, 'body': {'id': body['id']}}


@lambda_proxy.get
def get_handler(*args, **kwargs):
    account_id = kwargs.pop('event')['pathParameters']['id']
    account = dynamo_db.connect().get(Account, id=account_id)
    if account is None:
        return {'statusCode': 404, 'body': {'error': 'no account ' + account_id}}
    return {'statusCode': 200, 'body': {'id': account.id}}
"""

INTEGRATION_TEST = """\
import json
import os

from tight.core.test_helpers import expected_response_body, playback

here = os.path.dirname(os.path.realpath(__file__))


def test_save_and_read(app, dynamo_db_session, make_event, lambda_context):
    playback(__file__, dynamo_db_session, test_save_and_read.__name__)
    created = app.accounts(make_event('POST', '/accounts', body={'id': 'a-1'}), lambda_context)
    assert created['statusCode'] == 201, created
    event = make_event('GET', '/accounts/a-1', path_params={'id': 'a-1'})
    found = app.accounts(event, lambda_context)
    assert found['statusCode'] == 200, found
    expected = expected_response_body(here, 'expectations/test_save_and_read.yml', found)
    assert json.loads(found['body']) == expected == {'id': 'a-1'}
"""


def summary(output: str) -> str:
    lines = [line for line in output.splitlines() if re.search(r"\b(passed|failed|error)", line)]
    return lines[-1] if lines else ""


@pytest.mark.dynamodb_local
def test_record_against_dynamodb_local_then_replay_offline(new_app: Path, env) -> None:
    assert invoke(new_app, env, "generate-env").returncode == 0
    assert invoke(new_app, env, "generate-model", "account").returncode == 0
    made = invoke(new_app, env, "generate-function", "accounts", "--skip-tests")
    assert made.returncode == 0, made.stdout
    (new_app / "app/functions/accounts/handler.py").write_text(HANDLER)
    tests = new_app / "tests/functions/integration/accounts"
    (tests / "test_integration_accounts.py").write_text(INTEGRATION_TEST)
    for stale in (
        tests / "expectations/test_get_method.yml",
        tests / "placebos/test_get_method/recording.json",
    ):
        stale.unlink()
    (tests / "placebos/test_get_method").rmdir()

    try:
        database = start_for_tests()
    except TaskError as exc:
        pytest.fail(f"DynamoDB Local could not start: {exc}", pytrace=False)
    try:
        local = {
            **env,
            "DYNAMODB_ENDPOINT": database.endpoint,
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
            "AWS_DEFAULT_REGION": "us-east-1",
        }
        tables = run(
            [
                PYTHON,
                "-c",
                "import sys; from tight.testing.dynamodb_local import "
                "create_app_tables; print(create_app_tables(sys.argv[1], '.'))",
                database.endpoint,
            ],
            new_app,
            local,
        )
        assert tables.returncode == 0, tables.stdout
        assert "my-service-dev-accounts" in tables.stdout
        recorded = run_pytest(new_app, local, "--tight-record")
        print(recorded.stdout)
        assert recorded.returncode == 0, recorded.stdout
        assert "2 passed" in summary(recorded.stdout)
    finally:
        database.stop()
    assert not database.running()

    replayed = run_pytest(new_app, env)
    print(replayed.stdout)
    assert replayed.returncode == 0, replayed.stdout
    assert "2 passed" in summary(replayed.stdout) and "failed" not in summary(replayed.stdout)

    folder = tests / "placebos/test_save_and_read"
    manifest = json.loads((folder / "recording.json").read_text())
    calls = manifest["calls"]
    assert any(key.startswith("dynamodb.") for key in calls), manifest
    assert sum(calls.values()) == len(list(folder.glob("dynamodb.*.json")))
    expectation = yaml.safe_load((tests / "expectations/test_save_and_read.yml").read_text())
    assert expectation["statusCode"] == 200
    assert json.loads(expectation["body"]) == {"id": "a-1"}
