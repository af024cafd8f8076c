"""Tight's pytest plugin: fixtures, placebo record/playback and stored expectations.

Loaded automatically through the `pytest11` entry point of the `tight` distribution, so an
app's `conftest.py` needs nothing; the seed's `from tight.core.test_helpers import *` still
works and brings the helpers below. Default mode replays recordings; `pytest --tight-record`
(or `TIGHT_RECORD=1`) records them, and writes expectations, instead.

Fixtures: `app`, `dynamo_db_session`, `lambda_context`, `make_event`, and
`dynamodb_local` (session-scoped, from `tight.testing.dynamodb_local`).
Dev-time only: this module and `tight.testing` never ship inside an artifact.
"""

from __future__ import annotations

from collections.abc import Generator

import pytest

from tight.testing import recording
from tight.testing.client import Response, invoke_controller
from tight.testing.context import LambdaContext
from tight.testing.events import make_event as build_event
from tight.testing.expectations import expected_response_body
from tight.testing.fixtures import (  # noqa: F401  (registered as fixtures by this plugin)
    _tight_recordings,
    app,
    dynamo_db_session,
    lambda_context,
    make_event,
)
from tight.testing.recording import PlaybackError, is_record_mode, playback, record

__all__ = [
    "LambdaContext",
    "PlaybackError",
    "Response",
    "build_event",
    "expected_response_body",
    "invoke_controller",
    "is_record_mode",
    "playback",
    "record",
]


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("tight", "Tight record/playback")
    group.addoption(
        recording.RECORD_OPTION,
        action="store_true",
        default=None,
        help="record AWS calls (placebos/<test>/) and expectations instead of replaying "
        f"them; same as {recording.RECORD_ENV}=1",
    )


def pytest_configure(config: pytest.Config) -> None:
    recording.set_record_mode(True if config.getoption(recording.RECORD_OPTION) else None)
    # The session-scoped `dynamodb_local` fixture (the official DynamoDB Local, for recording).
    config.pluginmanager.import_plugin("tight.testing.dynamodb_local")


def pytest_report_header(config: pytest.Config) -> str:
    mode = "record" if recording.is_record_mode() else "playback"
    return f"tight: {mode} mode"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    """A playback that could not answer a call fails the test, even if the code swallowed
    the error (a controller turning it into a 500 response, say)."""
    try:
        result = yield
    except Exception as failure:
        errors = recording.playback_errors()
        if errors and not isinstance(failure, PlaybackError):
            raise PlaybackError(_describe(errors)) from failure
        raise
    errors = recording.playback_errors()
    if errors:
        raise PlaybackError(_describe(errors))
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.when == "call":
        item._tight_call_report = report  # type: ignore[attr-defined]
    return report


def _describe(errors: list[PlaybackError]) -> str:
    return "\n".join(dict.fromkeys(str(error) for error in errors))
