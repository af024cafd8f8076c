"""Record and replay the AWS calls of one test with placebo, strictly.

`playback(__file__, session, name)` keeps the original Tight's call shape. Recordings live in
`placebos/<name>/` beside the test file. In record mode (`pytest --tight-record` or
`TIGHT_RECORD=1`) the calls go to the real endpoint and are written to a temporary folder that
replaces the old recording only when the test passes, so a re-record never appends to stale
files and a failing run loses nothing. In playback, placebo's silent fallbacks become
failures: a missing folder, or a call made more often than it was recorded, says what
happened and how to record.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import uuid
from collections import Counter
from pathlib import Path
from typing import Any, NoReturn

from placebo.pill import FakeHttpResponse, Pill

from tight.core.flags import parse_flag
from tight.tasks.files import TEMP_PREFIX
from tight.testing import serializer

RECORDINGS_DIR = "placebos"
MANIFEST = "recording.json"
RECORD_ENV = "TIGHT_RECORD"
RECORD_OPTION = "--tight-record"
# A plain file name: no path separators, not hidden, never `.` or `..` (pathlib folds
# `placebos/.` into `placebos`, and a record run would then replace every recording there).
_NAME = re.compile(r"^[A-Za-z0-9_\-\[\]][A-Za-z0-9_.\-\[\]]*$")

_record_mode: str | bool | None = None  # None: TIGHT_RECORD decides
_target: Any = None  # the checked `record_target.Target` of this run, once known
_active: list[Recording] = []
_staged: dict[Path, str] = {}  # files (expectations) written only if the test passes
_claims: dict[Path, str] = {}  # recording folder -> the test that recorded it in this run
current_test = ""  # node id of the running test (set by the plugin)


class PlaybackError(AssertionError):
    """The code under test made an AWS call that the recording cannot answer."""


def set_record_mode(enabled: str | bool | None) -> None:
    """Set by the pytest plugin: `local`/True, `aws`, False (playback), None (TIGHT_RECORD)."""
    global _record_mode
    _record_mode = enabled


def record_kind() -> str | None:
    """`local` (DynamoDB Local), `aws` (real AWS, opted in), or None for playback."""
    value: str | bool | None = _record_mode
    if value is None:
        value = os.environ.get(RECORD_ENV, "")
    if isinstance(value, bool):
        return "local" if value else None
    value = value.strip().lower()
    if value in ("aws", "local"):
        return value
    flag = parse_flag(value) if value else False
    if flag is not None:
        return "local" if flag else None
    raise ValueError(
        f"{RECORD_ENV}={value!r} is not understood: use 1 (record against DynamoDB Local), "
        "aws (record against real AWS), or 0"
    )


def is_record_mode() -> bool:
    return record_kind() is not None


def set_target(target: Any) -> None:
    """The checked target of this run (see `record_target`); None forgets it."""
    global _target
    _target = target


def current_target() -> Any:
    return _target


def ensure_target(kind: str | None = None) -> Any:
    """The run's checked target, checking it now if the plugin did not (record() in a
    playback run, or record mode switched on in-process); a failure fails the test."""
    if _target is None:
        from tight.testing import record_target

        try:
            target = record_target.resolve(kind or record_kind() or "local", Path.cwd())
        except record_target.TargetError as exc:
            import pytest

            pytest.fail(str(exc), pytrace=False)
        set_target(target)
        if target.kind == record_target.LOCAL:
            _local_guard.enable(target.endpoint)
    return _target


def stage_file(path: Path, text: str) -> None:
    """Write `path` when the current test passes (with its recordings), else never."""
    _staged[Path(path)] = text


def how_to_record(test_file: str | os.PathLike[str] | None = None, name: str | None = None) -> str:
    target = str(test_file) if test_file else ""
    if target and name:
        target = f"{target}::{name}"
    command = f"pytest {RECORD_OPTION} {target}".rstrip()
    return (
        f"record it with `{command}` (or TIGHT_RECORD=1) while DynamoDB Local runs "
        "(`invoke rundb`), or against real AWS with --tight-record=aws, then commit the recording"
    )


class StrictPill(Pill):
    """A placebo Pill with a lossless serializer and no silent wrap-around in playback."""

    def __init__(self) -> None:
        super().__init__(record_format="json")
        self._serializer = serializer.dump
        self.played: Counter[str] = Counter()
        self.saved: Counter[str] = Counter()
        self.errors: list[PlaybackError] = []
        self.test_name = ""

    def save_response(
        self, service: str, operation: str, response_data: Any, http_response: int = 200
    ) -> None:
        key = f"{service}.{operation}"
        self.saved[key] += 1
        path = Path(self.data_path) / f"{key}_{self.saved[key]}.json"
        path.write_text(
            serializer.dumps({"status_code": http_response, "data": response_data}),
            encoding="utf-8",
        )

    def load_response(self, service: str, operation: str) -> tuple[FakeHttpResponse, Any]:
        key = f"{service}.{operation}"
        self.played[key] += 1
        path = Path(self.data_path) / f"{key}_{self.played[key]}.json"
        if not path.is_file():
            error = PlaybackError(self._overrun_message(key))
            self.errors.append(error)
            raise error
        try:
            recorded = serializer.loads(path.read_text(encoding="utf-8"))
            return FakeHttpResponse(recorded["status_code"]), recorded["data"]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            error = PlaybackError(
                f"the recording {path} is corrupt ({type(exc).__name__}: {exc}); it needs a "
                f'"status_code" and a "data" entry. Re-record it: '
                f"{how_to_record(name=self.test_name)}"
            )
            self.errors.append(error)
            raise error from exc

    def recorded_count(self, key: str) -> int:
        pattern = re.compile(re.escape(key) + r"_(\d+)\.json$")
        return sum(1 for p in Path(self.data_path).iterdir() if pattern.match(p.name))

    def _overrun_message(self, key: str) -> str:
        recorded = self.recorded_count(key)
        return (
            f"{key} was called {self.played[key]} time(s) in playback, but the recording "
            f"in {self.data_path} holds {recorded} such call(s): the code under test now makes "
            f"a call that was never recorded. Re-record it: {how_to_record(name=self.test_name)}"
        )

    def stop(self) -> None:
        super().stop()
        if self.session is not None:
            self.session.events.unregister("creating-client-class", self._create_client)


class Recording:
    """One test's recording session: where it reads from or writes to, and how it ends."""

    def __init__(self, test_file: str, session: Any, name: str, mode: str) -> None:
        validate_name(name)
        self.name = name
        self.mode = mode
        self.test_file = os.path.realpath(test_file)
        self.folder = Path(self.test_file).parent / RECORDINGS_DIR / name
        _check_owner(self.folder, self.test_file, name, claim=mode == "record")
        self.pill = StrictPill()
        self.pill.test_name = name
        self.temp_dir: Path | None = None
        self.saved_env: dict[str, str | None] = {}  # environment to put back at the end
        if mode == "record":
            self.folder.parent.mkdir(parents=True, exist_ok=True)
            self.temp_dir = Path(
                tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{name}.recording-", dir=self.folder.parent)
            )
            self.pill.attach(session, str(self.temp_dir))
            self.pill.record()
        else:
            if not self.folder.is_dir():
                _fail_missing_recording(self.folder, self.test_file, name)
            self.pill.attach(session, str(self.folder))
            self.pill.playback()
            _network_guard.enable()

    @property
    def errors(self) -> list[PlaybackError]:
        return self.pill.errors

    def finish(self, passed: bool) -> None:
        """Stop intercepting; in record mode keep the new recording only if the test passed."""
        self.pill.stop()
        for key, value in self.saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        if self.temp_dir is None:
            _network_guard.disable()
            return
        try:
            if passed:
                self._write_manifest()
                _swap_in(self.temp_dir, self.folder)
        finally:
            shutil.rmtree(self.temp_dir, ignore_errors=True)

    def _write_manifest(self) -> None:
        """Names the calls, and keeps a recording of a test without AWS calls in git."""
        assert self.temp_dir is not None
        manifest = {
            "test": self.name,
            "file": os.path.basename(self.test_file),
            "calls": dict(sorted(self.pill.saved.items())),
        }
        (self.temp_dir / MANIFEST).write_text(
            json.dumps(manifest, indent=2) + "\n", encoding="utf-8"
        )


def validate_name(name: object) -> None:
    """A recording name is one plain folder name inside `placebos/`, never a path."""
    if not isinstance(name, str) or not _NAME.match(name) or ".." in name:
        raise ValueError(
            f"recording name {name!r} must be a plain folder name such as the test's __name__: "
            "letters, digits, _ - . [ ], not starting with a dot and without `..` or path "
            "separators (it names a folder in placebos/ that a record run replaces)"
        )


def _check_owner(folder: Path, test_file: str, name: str, *, claim: bool) -> None:
    """Two tests never share one recording: not two files of one folder (the manifest
    names the file that recorded it), nor two tests recording it in one run."""
    import pytest

    other = _recorded_by(folder)
    here = os.path.basename(test_file)
    if other and other != here and (folder.parent.parent / other).is_file():
        pytest.fail(
            f"{folder} was recorded by {other}, and {here} uses the same recording name "
            f"{name!r}: two tests would share (and a record run clobber) one recording. "
            f"fix: give one of them its own name, e.g. playback(__file__, session, "
            f"'{Path(here).stem}_{name}')",
            pytrace=False,
        )
    if not claim:
        return
    owner = _claims.setdefault(folder, current_test or test_file)
    if owner != (current_test or test_file):
        pytest.fail(
            f"{owner} already recorded {folder} in this run, and {current_test or test_file} "
            f"records the same name {name!r}: the second would replace the first. fix: give "
            "each test its own recording name",
            pytrace=False,
        )


def _recorded_by(folder: Path) -> str | None:
    """The test file named in the folder's manifest (None for older or missing ones)."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    file = data.get("file") if isinstance(data, dict) else None
    return file if isinstance(file, str) and file else None


def _swap_in(new: Path, final: Path) -> None:
    """Replace `final` by `new` with renames, so no mix of old and new files is ever seen."""
    old = None
    if final.exists():
        old = final.with_name(f".{final.name}.old-{uuid.uuid4().hex[:8]}")
        os.rename(final, old)
    try:
        os.rename(new, final)
    except OSError:
        if old is not None:
            os.rename(old, final)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _fail_missing_recording(folder: Path, test_file: str, name: str) -> NoReturn:
    import pytest

    pytest.fail(
        f"no recording for {name!r}: {folder} does not exist. Playback never falls through "
        f"to real AWS calls; {how_to_record(test_file, name)}.",
        pytrace=False,
    )


class _NetworkGuard:
    """While a playback runs, a request that would leave the process fails loudly.

    A client created before `playback()` attached (e.g. cached at import time on an older
    session) bypasses placebo; without this guard it would quietly call AWS.
    """

    def __init__(self) -> None:
        self.depth = 0
        self.original: Any = None

    def enable(self) -> None:
        from botocore.endpoint import Endpoint

        self.depth += 1
        if self.depth > 1:
            return
        self.original = Endpoint._send

        def refuse(endpoint: Any, request: Any) -> Any:
            error = PlaybackError(
                f"a real AWS request ({request.method} {request.url}) was attempted during "
                "playback. It came from a client that placebo does not see: create clients "
                "from the `dynamo_db_session` fixture's session after calling playback(), "
                "not at import time of an earlier test."
            )
            for recording in _active:
                recording.errors.append(error)
            raise error

        Endpoint._send = refuse

    def disable(self) -> None:
        if self.depth == 0:
            return
        self.depth -= 1
        if self.depth == 0:
            from botocore.endpoint import Endpoint

            Endpoint._send = self.original


_network_guard = _NetworkGuard()


class _LocalOnlyGuard:
    """While recording against DynamoDB Local, a request to any other address (AWS, with
    the developer's credentials) is refused: recording never writes to AWS by accident."""

    def __init__(self) -> None:
        self.original: Any = None
        self.endpoint = ""

    def enable(self, endpoint: str) -> None:
        from urllib.parse import urlsplit

        from botocore.endpoint import Endpoint

        if self.original is not None:
            return
        self.endpoint = endpoint
        allowed = urlsplit(endpoint).netloc
        original = self.original = Endpoint._send

        def local_only(sender: Any, request: Any) -> Any:
            if urlsplit(request.url).netloc == allowed:
                return original(sender, request)
            error = PlaybackError(
                f"recording against DynamoDB Local ({endpoint}) refused a request to "
                f"{request.url}, so nothing reaches AWS. Calls to other AWS services can only "
                "be recorded against real AWS: `pytest --tight-record=aws`"
            )
            for recording in _active:
                recording.errors.append(error)
            raise error

        Endpoint._send = local_only

    def disable(self) -> None:
        if self.original is None:
            return
        from botocore.endpoint import Endpoint

        Endpoint._send = self.original
        self.original = None


_local_guard = _LocalOnlyGuard()


def start_run(target: Any) -> None:
    """The plugin checked `target` before any test: remember it, guard a local one."""
    from tight.testing import record_target

    set_target(target)
    if target is not None and target.kind == record_target.LOCAL:
        _local_guard.enable(target.endpoint)


def end_run() -> None:
    _local_guard.disable()
    set_target(None)
    _claims.clear()


def _start(test_file: str, session: Any, name: str, mode: str) -> Recording:
    recording = Recording(test_file, session, name, mode)
    _active.append(recording)
    return recording


def playback(test_file: str, session: Any, name: str) -> Recording:
    """Replay `placebos/<name>/` for this test; in record mode, record it instead."""
    return _start(test_file, session, name, "record" if is_record_mode() else "playback")


def record(test_file: str, session: Any, name: str) -> Recording:
    """Always record (the original Tight's explicit form), to the checked target: in a playback run
    that is DynamoDB Local, whose endpoint this test then uses."""
    target = ensure_target()
    saved: dict[str, str | None] = {}
    if not is_record_mode() and target.endpoint:
        from tight.testing import sessions

        saved = sessions.point_at(target)
    recording = _start(test_file, session, name, "record")
    recording.saved_env = saved
    return recording


def active_recordings() -> list[Recording]:
    return list(_active)


def playback_errors() -> list[PlaybackError]:
    return [error for recording in _active for error in recording.errors]


def finish_all(passed: bool) -> None:
    """End every recording started by the current test (called by the plugin on teardown);
    a passing test also writes its staged expectation files, a failing one none of them."""
    from tight.tasks.files import write_atomic

    staged = dict(_staged)
    _staged.clear()
    try:
        if passed:
            for path, text in staged.items():
                write_atomic(path, text)
    finally:
        while _active:
            _active.pop().finish(passed)
