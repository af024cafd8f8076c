"""The plugin's fixtures inside a small Tight app, run by a real pytest in a subprocess."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.testkit.harness import Project

pytestmark = pytest.mark.slow

APP_FILES = {
    "tight.yml": "name: kit-app\n",
    "env.dist.yml": "CI: False\nSTAGE: dev\n",
    "conftest.py": "from tight.core.test_helpers import *  # noqa: F403  (as the original Tight)\n",
    "app/vendored/.gitkeep": "",
    "app/functions/__init__.py": "",
    "app/functions/hello/__init__.py": "",
    "app/functions/hello/handler.py": """
        import os

        import tight.providers.aws.controllers.lambda_proxy_event as lambda_proxy
        from tight.providers.aws.clients import boto3_client

        BUILT_ON = boto3_client.session()  # a client made at import time, as the original Tight did


        @lambda_proxy.get
        def get_handler(event, context):
            return {
                "statusCode": 200,
                "body": {
                    "stage": os.environ["STAGE"],
                    "fresh_session": BUILT_ON is boto3_client.session(),
                    "request_id": getattr(context, "aws_request_id", None),
                },
            }


        @lambda_proxy.post
        def post_handler(event, principal_id):
            return {"statusCode": 201, "body": {"by": principal_id}}
    """,
}

FIXTURE_TESTS = """
import json
import os

import pytest

from tight.core.test_helpers import LambdaContext, invoke_controller


@pytest.mark.parametrize("version", ["v1", "v2", "url", "alb"])
def test_every_event_source_reaches_the_controller(app, make_event, lambda_context, version):
    response = app.hello(make_event("GET", "/hello", version=version), lambda_context)
    assert response["statusCode"] == 200, response
    assert json.loads(response["body"])["stage"] == os.environ["STAGE"]


def test_context_is_a_lambda_context(app, make_event, lambda_context):
    assert isinstance(lambda_context, LambdaContext)
    assert 0 < lambda_context.get_remaining_time_in_millis() <= 3000
    response = invoke_controller(app, "hello", make_event("GET", "/hello"), lambda_context)
    assert response.json()["request_id"] == lambda_context.aws_request_id


def test_principal_id(app, make_event):
    event = make_event("POST", "/hello", body={}, principal_id="user-1", version="v2")
    response = invoke_controller(app, "hello", event)
    assert response.status_code == 201
    assert response.json() == {"by": "user-1"}


def test_a_missing_controller_is_named(app):
    with pytest.raises(AttributeError, match="has no controller 'nope'"):
        invoke_controller(app, "nope", {})


def test_first_fresh_session(app, make_event, dynamo_db_session):
    assert json.loads(app.hello(make_event("GET", "/"), {})["body"])["fresh_session"]


def test_second_fresh_session(app, make_event, dynamo_db_session):
    # The handler module is imported again for this test: its import-time client is
    # built on this test's Session, which a recording attaches to.
    assert json.loads(app.hello(make_event("GET", "/"), {})["body"])["fresh_session"]


def test_playback_environment(dynamo_db_session):
    assert os.environ["AWS_EC2_METADATA_DISABLED"] == "true"
    assert os.environ["AWS_ACCESS_KEY_ID"] == "testing"
    assert "AWS_PROFILE" not in os.environ
    assert dynamo_db_session.region_name
    assert dynamo_db_session.get_credentials().access_key == "testing"
"""

ORIGINAL_TEST = """
import os, json
here = os.path.dirname(os.path.realpath(__file__))
from tight.core.test_helpers import playback, record, expected_response_body

def test_get_method(app, dynamo_db_session):
    playback(__file__, dynamo_db_session, test_get_method.__name__)
    context = {}
    event = {
        'httpMethod': 'GET'
    }
    actual_response = app.hello(event, context)
    actual_response_body = json.loads(actual_response['body'])
    expected_response = expected_response_body(here, 'expectations/test_get_method.yml', actual_response)
    assert actual_response['statusCode'] == 200, 'The response statusCode is 200'
    assert actual_response_body == expected_response, 'Expected response body matches the actual response body.'
"""  # noqa: E501  (the original Tight's generated test, verbatim)


GENERATED_FILES = ("app_index.py", "app/__init__.py")  # rendered from templates/app


def _app(project: Project, generated: Path) -> Project:
    for path, text in APP_FILES.items():
        project.write(path, text)
    for path in GENERATED_FILES:
        project.write(path, (generated / path).read_text())
    return project


def test_fixtures_in_an_app(project: Project, generated: Path) -> None:
    _app(project, generated).write("tests/test_fixtures.py", FIXTURE_TESTS)
    run = project.pytest(env={"AWS_PROFILE": "someone", "AWS_ACCESS_KEY_ID": "real-looking"})
    run.assert_outcomes(passed=10)


def test_the_shell_environment_wins_over_env_dist(project: Project, generated: Path) -> None:
    _app(project, generated).write("tests/test_fixtures.py", FIXTURE_TESTS)
    run = project.pytest("-k", "every_event", env={"STAGE": "prod"})
    run.assert_outcomes(passed=4)


def test_the_original_generated_test_records_then_replays(
    project: Project, database: str, generated: Path
) -> None:
    _app(project, generated).write(
        "tests/functions/integration/hello/test_integration_hello.py", ORIGINAL_TEST
    )
    folder = project.root / "tests" / "functions" / "integration" / "hello"

    missing = project.pytest()
    missing.assert_outcomes(failed=1)
    assert "no recording for 'test_get_method'" in missing.stdout.str()

    recorded = project.pytest("--tight-record", env={"DYNAMODB_ENDPOINT": database})
    recorded.assert_outcomes(passed=1)
    expectation = (folder / "expectations" / "test_get_method.yml").read_text()
    assert "statusCode: 200" in expectation and '"stage":"dev"' in expectation
    assert (folder / "placebos" / "test_get_method" / "recording.json").is_file()

    replayed = project.pytest()
    replayed.assert_outcomes(passed=1)

    # The expectation now fails the test when the handler's answer changes.
    replayed = project.pytest(env={"STAGE": "prod"})
    replayed.assert_outcomes(failed=1)
    assert "Expected response body matches the actual response body" in replayed.stdout.str()


def test_no_app_is_a_clear_failure(project: Project) -> None:
    project.write("tests/test_x.py", "def test_x(app):\n    pass\n")
    run = project.pytest()
    run.assert_outcomes(errors=1)
    assert "found no app_index.py or tight.yml" in run.stdout.str()


def test_a_bad_controller_folder_fails_the_tests_with_the_fix(
    project: Project, generated: Path
) -> None:
    _app(project, generated).write("tests/test_fixtures.py", FIXTURE_TESTS)
    project.write("app/functions/my-orders/handler.py", "")  # Lambda could never reach it
    run = project.pytest("-k", "principal_id")
    run.assert_outcomes(errors=1)  # the `app` fixture fails: reported as a setup error
    assert "'my-orders' is not a valid Python identifier" in run.stdout.str()


ENV_ORDER_TESTS = """
import os


def test_recording_first_then_app(dynamo_db_session, app):
    assert "AWS_PROFILE" not in os.environ  # playback: env.dist.yml cannot bring a profile


def test_after_it():
    assert "AWS_PROFILE" not in os.environ, "the previous test leaked env.dist.yml's value"
"""


def test_the_env_files_are_put_back_whatever_the_fixture_order(
    project: Project, generated: Path
) -> None:
    _app(project, generated)
    project.write("env.dist.yml", "CI: False\nSTAGE: dev\nAWS_PROFILE: from-env-dist\n")
    project.write("tests/test_order.py", ENV_ORDER_TESTS)
    run = project.pytest()
    run.assert_outcomes(passed=2)
