"""The test kit's record/playback lifecycle: one `RecordRun` a run, one `AwsRecording` a test.

An `AwsRecording` exists for each test that asks for the `aws_recording` fixture (or for
`dynamo_db_session` / `app`, which ask for it).

`RecordRun` is the switch, read once: playback (the default), or record against DynamoDB Local
(`--tight-record`, TIGHT_RECORD=1) or real AWS (`--tight-record=aws`, TIGHT_RECORD=aws), with
the target checked before any test. While it records locally, botocore can reach nothing else.

`AwsRecording` owns everything one test changes, and puts it back: the AWS environment
(dummy credentials, region, endpoint), Tight's cached clients, the fresh boto3 Session that
placebo attaches to, the recording folders the test opens, the expectation files it stages,
the botocore guard of a playback. On teardown a passing test's recordings are swapped in and
its expectations written; a failing test's are dropped. The plugin tells it whether the test
passed (see `tight.core.test_helpers`).

The original Tight's helpers (`playback(__file__, session, name)`, `record(...)`,
`expected_response_body(...)`) take no fixture, so they reach the running test's
`AwsRecording` through `current()`: a stack, so a pytest run inside a test (pytester) keeps
its own.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tight.tasks.files import write_atomic
from tight.testing import guards, record_target, sessions
from tight.testing.recording import PlaybackError, Recording, record_kind

_runs: list[RecordRun] = []
_tests: list[AwsRecording] = []


class RecordRun:
    """The run's record/playback switch, its checked target and what it claimed."""

    def __init__(self, kind: str | None, target: record_target.Target | None = None) -> None:
        self.kind = kind  # "local", "aws", or None (playback)
        self.target = target
        self.claims: dict[Path, str] = {}  # recording folder -> the test that recorded it
        self._send: Any = None  # botocore's own `_send` while the local guard is in place

    @classmethod
    def from_switch(cls, value: str | bool | None) -> RecordRun:
        """`value`: the --tight-record option's (None: TIGHT_RECORD decides). ValueError
        names a value that is neither."""
        return cls(record_kind(value))

    @property
    def recording(self) -> bool:
        return self.kind is not None

    @property
    def guards_locally(self) -> bool:
        """True while the whole run can reach DynamoDB Local only (see `open`)."""
        return self._send is not None

    def check_target(self, start: Path) -> record_target.Target:
        """Resolve and check where recording goes; TargetError says why it cannot."""
        self.target = record_target.resolve(self.kind or record_target.LOCAL, start)
        return self.target

    def ensure_target(self) -> record_target.Target:
        """The checked target, checked now when the run did not (record() in a playback
        run); a failure fails the test."""
        if self.target is None:
            try:
                self.check_target(Path.cwd())
            except record_target.TargetError as exc:
                pytest.fail(str(exc), pytrace=False)
        assert self.target is not None
        return self.target

    def open(self) -> None:
        """Recording locally: botocore reaches the local endpoint and nothing else, for the
        whole run (tests that take no fixture included)."""
        if self.kind and self.target is not None and self.target.kind == record_target.LOCAL:
            from botocore.endpoint import Endpoint

            self._send = guards.original_send()
            Endpoint._send = guards.only_to(self.target.endpoint or "", self._send, _report)

    def close(self) -> None:
        if self._send is not None:
            from botocore.endpoint import Endpoint

            Endpoint._send = self._send
            self._send = None
        self.claims.clear()


def begin_run(run: RecordRun) -> None:
    run.open()
    _runs.append(run)


def end_run(run: RecordRun) -> None:
    run.close()
    if run in _runs:
        _runs.remove(run)


def current_run() -> RecordRun | None:
    return _runs[-1] if _runs else None


def current() -> AwsRecording | None:
    """The running test's `AwsRecording`, if it asked for one."""
    return _tests[-1] if _tests else None


def _report(error: PlaybackError) -> None:
    test = current()
    if test is not None:
        test.errors.append(error)


class AwsRecording:
    """One test's AWS recording lifecycle: the value of the `aws_recording` fixture.

    `session` is the boto3 Session every Tight client of this test is built on;
    `playback(name)` replays `placebos/<name>/` beside the test (records it in record mode),
    `record(name)` always records; `passed` is set by the plugin when the test body passed.
    """

    def __init__(self, run: RecordRun, test_id: str, test_file: str | os.PathLike[str]) -> None:
        self.run = run
        self.test_id = test_id
        self.test_file = str(test_file)
        self.errors: list[PlaybackError] = []
        self.passed = False
        self.session: Any = None
        self._monkeypatch = pytest.MonkeyPatch()
        self._recordings: list[Recording] = []
        self._staged: dict[Path, str] = {}
        self._guarded = False

    @property
    def is_record_mode(self) -> bool:
        return self.run.recording

    @property
    def monkeypatch(self) -> pytest.MonkeyPatch:
        """Undone when the recording finishes. Environment changes made between two of the
        recording's own (the `app` fixture's env files) go here too, so that every change is
        put back in reverse order, whichever fixture pytest tears down first."""
        return self._monkeypatch

    # -------------------------------------------------------------------------- lifecycle

    def start(self) -> None:
        """Isolate the AWS environment and build a fresh Session for placebo to attach to."""
        self.isolate_environment()
        sessions.reset_clients()
        self.session = sessions.current_session()

    def isolate_environment(self) -> None:
        """Apply (again, after env.yml was loaded) the environment of this run's mode."""
        target = self.run.ensure_target() if self.run.recording else None
        sessions.prepare_environment(self._monkeypatch, target)

    def finish(self) -> None:
        """Stop every recording; a passing test keeps its recordings and expectations."""
        staged, self._staged = self._staged, {}
        try:
            if self.passed:
                for path, text in staged.items():
                    write_atomic(path, text)
        finally:
            try:
                while self._recordings:
                    self._recordings.pop().finish(self.passed)
            finally:
                sessions.reset_clients()
                self._monkeypatch.undo()

    # ------------------------------------------------------------------ what a test calls

    def playback(
        self, name: str | None = None, *, test_file: str | None = None, session: Any = None
    ) -> Recording:
        """Replay `placebos/<name>/` (default: the test's name); record it in record mode."""
        mode = "record" if self.run.recording else "playback"
        return self._open(test_file, session, name, mode)

    def record(
        self, name: str | None = None, *, test_file: str | None = None, session: Any = None
    ) -> Recording:
        """Always record (the original Tight's explicit form), to the run's target: in a
        playback run that is DynamoDB Local, whose endpoint this test then uses."""
        target = self.run.ensure_target()
        if not self.run.recording and target.endpoint:
            sessions.point_at(self._monkeypatch, target)
            if target.kind == record_target.LOCAL and not self.run.guards_locally:
                send = guards.original_send()
                self._patch_send(guards.only_to(target.endpoint, send, self.errors.append))
        return self._open(test_file, session, name, "record")

    def stage_file(self, path: str | os.PathLike[str], text: str) -> None:
        """Write `path` when the test passes (with its recordings), else never."""
        self._staged[Path(path)] = text

    def raise_errors(self, cause: BaseException | None = None) -> None:
        """Fail the test when a recording could not answer, even if the code swallowed it."""
        if self.errors and not isinstance(cause, PlaybackError):
            message = "\n".join(dict.fromkeys(str(error) for error in self.errors))
            raise PlaybackError(message) from cause

    def _open(self, test_file: str | None, session: Any, name: str | None, mode: str) -> Recording:
        recording = Recording(
            test_file or self.test_file,
            session if session is not None else self.session,
            name or _default_name(self.test_id),
            mode,
            errors=self.errors,
            claims=self.run.claims,
            test_id=self.test_id,
        )
        self._recordings.append(recording)
        if mode == "playback" and not self._guarded:
            self._guarded = True
            self._patch_send(guards.refuse_every_request(self.errors.append))
        return recording

    def _patch_send(self, send: guards.Send) -> None:
        from botocore.endpoint import Endpoint

        self._monkeypatch.setattr(Endpoint, "_send", send)


def _default_name(test_id: str) -> str:
    """`tests/test_x.py::test_y[case]` -> `test_y[case]`."""
    return test_id.rsplit("::", 1)[-1]


@contextmanager
def running(test: AwsRecording) -> Iterator[AwsRecording]:
    """Make `test` the one the original Tight's helpers reach, for as long as it runs."""
    _tests.append(test)
    try:
        yield test
    finally:
        _tests.remove(test)


def active_run(value: str | bool | None = None) -> RecordRun:
    """The current run; outside a configured plugin (a bare import), one read from `value`."""
    return current_run() or RecordRun.from_switch(value)


def require_test(helper: str) -> AwsRecording:
    """The running test's recording, or a failure naming the fixture `helper` needs."""
    test = current()
    if test is None:
        pytest.fail(
            f"{helper}() needs Tight's recording fixture: add `dynamo_db_session` (the "
            "original Tight's argument) or `aws_recording` to the test's arguments; it opens "
            "and closes the recording and keeps it only when the test passes",
            pytrace=False,
        )
    return test
