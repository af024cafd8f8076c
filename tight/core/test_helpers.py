"""Tight's pytest plugin, and the original Tight's test helpers.

Loaded automatically through the `pytest11` entry point of the `tight-lambda` distribution, so an
app's `conftest.py` needs nothing; the original Tight's `from tight.core.test_helpers import *`
still works and brings the helpers below.

One switch, read once per run: `pytest` replays recordings; `pytest --tight-record` (or
`TIGHT_RECORD=1`) records them against DynamoDB Local, and writes expectations, instead;
`pytest --tight-record=aws` (or `TIGHT_RECORD=aws`) records against real AWS, naming the
account and region first. The target is checked before any test runs.

One fixture owns a test's recording: `aws_recording` (tight.testing.lifecycle.AwsRecording;
`dynamo_db_session` and `app` ask for it). Other fixtures: `lambda_context`, `make_event`, and
`dynamodb_local` (session-scoped, from `tight.testing.dynamodb_local`).

One hook wrapper remains, `pytest_runtest_call`, because a fixture cannot do its two jobs: a
fixture's teardown can only add an error after the test's outcome is settled, while a
recording that could not answer a call must fail the test itself (even when the code under
test swallowed the error, a controller turning it into a 500, say), and a recording is kept
only when the test body passed, which no fixture can see.
Dev-time only: this module and `tight.testing` never ship inside an artifact.
"""

from __future__ import annotations

import sys
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

from tight.testing import lifecycle, record_target, recording
from tight.testing.client import Response, invoke_controller
from tight.testing.context import LambdaContext
from tight.testing.events import make_event as build_event
from tight.testing.expectations import expected_response_body
from tight.testing.fixtures import (  # noqa: F401  (registered as fixtures by this plugin)
    app,
    aws_recording,
    dynamo_db_session,
    lambda_context,
    make_event,
)
from tight.testing.lifecycle import AwsRecording
from tight.testing.recording import PlaybackError, Recording

__all__ = [
    "AwsRecording",
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


def playback(test_file: str, session: Any, name: str) -> Recording:
    """Replay `placebos/<name>/` beside `test_file` for this test; record it in record mode."""
    return lifecycle.require_test("playback").playback(name, test_file=test_file, session=session)


def record(test_file: str, session: Any, name: str) -> Recording:
    """Always record `placebos/<name>/` (in a playback run: against DynamoDB Local)."""
    return lifecycle.require_test("record").record(name, test_file=test_file, session=session)


def is_record_mode() -> bool:
    """True when this run records (`--tight-record`, TIGHT_RECORD)."""
    return lifecycle.active_run().recording


_DEST = "tight_record"
_RUN = pytest.StashKey[lifecycle.RecordRun]()


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


def pytest_configure(config: pytest.Config) -> None:
    try:
        run = lifecycle.RecordRun.from_switch(config.getoption(_DEST))
    except ValueError as exc:
        raise pytest.UsageError(str(exc)) from None
    if run.recording and not (config.option.help or config.option.collectonly):
        _check_target(run, config)
    lifecycle.begin_run(run)
    config.stash[_RUN] = run
    # The session-scoped `dynamodb_local` fixture (the official DynamoDB Local, for recording).
    config.pluginmanager.import_plugin("tight.testing.dynamodb_local")


def _check_target(run: lifecycle.RecordRun, config: pytest.Config) -> None:
    """Refuse the run before any test when recording has nowhere safe to go."""
    start = Path(str(config.invocation_params.dir))
    if not _has_config_above(start):
        start = Path(str(config.rootpath))
    try:
        target = run.check_target(start)
    except record_target.TargetError as exc:
        raise pytest.UsageError(f"tight: {exc}") from None
    if target.kind == record_target.AWS:  # said even under -q, where the header is hidden
        sys.stderr.write(f"tight: recording against {target.describe()}\n")
        sys.stderr.flush()


def _has_config_above(start: Path) -> bool:
    from tight.tasks.config import app_root_above

    return app_root_above(start) is not None


def pytest_unconfigure(config: pytest.Config) -> None:
    run = config.stash.get(_RUN, None)
    if run is not None:
        lifecycle.end_run(run)


def pytest_report_header(config: pytest.Config) -> str:
    run = config.stash.get(_RUN, None)
    if run is not None and run.target is not None:
        return f"tight: record mode, against {run.target.describe()}"
    return "tight: playback mode"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    """Fail the test when its recording could not answer a call, and tell the recording
    whether the test passed (the module docstring says why this is not a fixture)."""
    test = getattr(item, "funcargs", {}).get("aws_recording")
    if not isinstance(test, AwsRecording):
        return (yield)
    try:
        result = yield
    except Exception as failure:
        test.raise_errors(cause=failure)
        raise
    test.raise_errors()
    test.passed = True
    return result
