"""The pytest fixtures of the Tight test kit (registered by `tight.core.test_helpers`).

`aws_recording` owns the lifecycle of a test's AWS calls (see tight.testing.lifecycle);
`dynamo_db_session` (the original Tight's name) and `app` build on it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tight.testing import app_loader, lifecycle
from tight.testing.context import LambdaContext
from tight.testing.events import make_event as build_event


@pytest.fixture
def aws_recording(request: pytest.FixtureRequest) -> Iterator[lifecycle.AwsRecording]:
    """This test's AWS recording: an isolated AWS environment and a fresh boto3 Session,
    replayed from (or, with `--tight-record`, recorded to) `placebos/<name>/` once the test
    calls `aws_recording.playback()` or the original Tight's `playback(__file__, session,
    name)`. Kept when the test passes, dropped when it fails; everything changed is put back.
    """
    run = lifecycle.active_run()
    test = lifecycle.AwsRecording(run, request.node.nodeid, Path(str(request.path)))
    with lifecycle.running(test):
        try:
            test.start()
            yield test
        finally:
            test.finish()


@pytest.fixture
def dynamo_db_session(aws_recording: lifecycle.AwsRecording) -> Any:
    """The one boto3 Session of Tight's clients, new for this test, ready for placebo.

    In playback no credentials, network or instance metadata are needed; in record mode
    the run's checked target (DynamoDB Local, or AWS when opted in) is used.
    """
    return aws_recording.session


@pytest.fixture
def app(
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
    aws_recording: lifecycle.AwsRecording,
) -> ModuleType:
    """The app's `app_index` module, imported fresh with env.yml / env.dist.yml applied.

    The AWS environment is the recording's (applied again after the env files, which never
    override it), so a handler that builds a client at import time builds it on this test's
    Session and never reaches for real credentials in playback.
    """
    root = app_loader.find_app_root(Path(str(request.path)), request.config.rootpath)
    app_loader.load_env(root, aws_recording.monkeypatch)
    aws_recording.isolate_environment()
    return app_loader.import_app_index(root, monkeypatch)


@pytest.fixture
def lambda_context() -> LambdaContext:
    """A fresh Lambda context (new aws_request_id) for each test."""
    return LambdaContext()


@pytest.fixture
def make_event() -> Callable[..., dict[str, Any]]:
    """The event builder: `make_event('POST', '/accounts', body={...}, version='v2')`."""
    return build_event
