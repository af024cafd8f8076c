"""Tight's pytest plugin: fixtures, placebo record/playback and stored expectations.

Loaded automatically through the `pytest11` entry point of the `tight` distribution, so an
app's `conftest.py` needs nothing; the original Tight's `from tight.core.test_helpers import *`
still works and brings the helpers below. Default mode replays recordings; `pytest --tight-record`
(or `TIGHT_RECORD=1`) records them against DynamoDB Local, and writes expectations, instead;
`pytest --tight-record=aws` (or `TIGHT_RECORD=aws`) records against real AWS, naming the
account and region first. The target is checked before any test runs.

Fixtures: `app`, `dynamo_db_session`, `lambda_context`, `make_event`, and
`dynamodb_local` (session-scoped, from `tight.testing.dynamodb_local`).
Dev-time only: this module and `tight.testing` never ship inside an artifact.
"""

from __future__ import annotations

import sys
from collections.abc import Generator
from pathlib import Path

import pytest

from tight.testing import record_target, recording
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
        action="store_const",
        const=record_target.LOCAL,
        dest=_DEST,
        default=None,
        help="record AWS calls (placebos/<test>/) and expectations against DynamoDB Local "
        "(DYNAMODB_ENDPOINT, else tight.yml's dynamo_db.port: start it with `invoke rundb`) "
        f"instead of replaying them; same as {recording.RECORD_ENV}=1",
    )
    # Registered under its full spelling, so `--tight-record tests/x.py` stays a flag
    # followed by a path while `--tight-record=aws` is its own explicit opt-in.
    group.addoption(
        record_target.AWS_OPT_IN,
        action="store_const",
        const=record_target.AWS,
        dest=_DEST,
        help="record against REAL AWS with your credentials (prints the account and region "
        f"first); same as {recording.RECORD_ENV}=aws",
    )


_DEST = "tight_record"


def pytest_configure(config: pytest.Config) -> None:
    recording.set_record_mode(config.getoption(_DEST))
    try:
        kind = recording.record_kind()
    except ValueError as exc:
        raise pytest.UsageError(str(exc)) from None
    target = None
    if kind is not None and not (config.option.help or config.option.collectonly):
        target = _check_target(kind, config)
    recording.start_run(target)
    # The session-scoped `dynamodb_local` fixture (the official DynamoDB Local, for recording).
    config.pluginmanager.import_plugin("tight.testing.dynamodb_local")


def _check_target(kind: str, config: pytest.Config) -> record_target.Target:
    """Refuse the run before any test when recording has nowhere safe to go."""
    start = Path(str(config.invocation_params.dir))
    if not _has_config_above(start):
        start = Path(str(config.rootpath))
    try:
        target = record_target.resolve(kind, start)
    except record_target.TargetError as exc:
        raise pytest.UsageError(f"tight: {exc}") from None
    if target.kind == record_target.AWS:  # said even under -q, where the header is hidden
        sys.stderr.write(f"tight: recording against {target.describe()}\n")
        sys.stderr.flush()
    return target


def _has_config_above(start: Path) -> bool:
    from tight.tasks.config import app_root_above

    return app_root_above(start) is not None


def pytest_unconfigure(config: pytest.Config) -> None:
    recording.end_run()


def pytest_report_header(config: pytest.Config) -> str:
    target = recording.current_target()
    if target is not None:
        return f"tight: record mode, against {target.describe()}"
    return "tight: playback mode"


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
