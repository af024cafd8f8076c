"""The pytest fixtures of the Tight test kit (registered by `tight.core.test_helpers`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tight.testing import app_loader, recording, sessions
from tight.testing.context import LambdaContext
from tight.testing.events import make_event as build_event


@pytest.fixture
def app(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """The app's `app_index` module, imported fresh with env.yml / env.dist.yml applied.

    In playback the AWS environment is the offline one (as with `dynamo_db_session`), so a
    handler that builds a client at import time never reaches for real credentials.
    """
    root = app_loader.find_app_root(Path(str(request.path)), request.config.rootpath)
    app_loader.load_env(root, monkeypatch)
    sessions.prepare_environment(monkeypatch, record=recording.is_record_mode())
    return app_loader.import_app_index(root, monkeypatch)


@pytest.fixture
def dynamo_db_session(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The one boto3 Session of Tight's clients, new for this test, ready for placebo.

    In playback no credentials, network or instance metadata are needed; in record mode
    the developer's AWS configuration (or a local endpoint) is used.
    """
    sessions.prepare_environment(monkeypatch, record=recording.is_record_mode())
    sessions.reset_clients()
    yield sessions.current_session()
    sessions.reset_clients()


@pytest.fixture
def lambda_context() -> LambdaContext:
    """A fresh Lambda context (new aws_request_id) for each test."""
    return LambdaContext()


@pytest.fixture
def make_event() -> Callable[..., dict[str, Any]]:
    """The event builder: `make_event('POST', '/accounts', body={...}, version='v2')`."""
    return build_event


@pytest.fixture(autouse=True)
def _tight_recordings(request: pytest.FixtureRequest) -> Iterator[None]:
    """Ends the recordings a test started: a passing record run swaps its folder in (and
    writes its expectations); a failing one changes neither."""
    recording.current_test = request.node.nodeid
    yield
    report = getattr(request.node, "_tight_call_report", None)
    passed = bool(report is not None and report.passed)
    recording.finish_all(passed)
