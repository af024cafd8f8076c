"""One recording folder, recorded or replayed with placebo, strictly.

Recordings live in `placebos/<name>/` beside the test file. In record mode (`pytest
--tight-record` or `TIGHT_RECORD=1`) the calls go to the real endpoint and are written to a
temporary folder that replaces the old recording only when the test passes, so a re-record never
appends to stale files and a failing run loses nothing. In playback, placebo's silent fallbacks
become failures: a missing folder, or a call made more often than it was recorded, says what
happened and how to record. When a folder is opened and closed is the test's `AwsRecording`'s
business (tight.testing.lifecycle); this module holds no state.
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


class PlaybackError(AssertionError):
    """The code under test made an AWS call that the recording cannot answer."""


def record_kind(value: str | bool | None = None) -> str | None:
    """The run's switch read: `local` (DynamoDB Local), `aws` (real AWS, opted in), or None
    for playback. `value` is the option's value; None reads TIGHT_RECORD."""
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

    def __init__(self, test_name: str, errors: list[PlaybackError]) -> None:
        super().__init__(record_format="json")
        self._serializer = serializer.dump
        self.played: Counter[str] = Counter()
        self.saved: Counter[str] = Counter()
        self.errors = errors  # the test's list: the plugin fails the test when it is not empty
        self.test_name = test_name

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
    """One recording folder in use by one test: where it reads from or writes to, and how it
    ends. Started and finished by the test's `AwsRecording` (tight.testing.lifecycle)."""

    def __init__(
        self,
        test_file: str,
        session: Any,
        name: str,
        mode: str,
        *,
        errors: list[PlaybackError],
        claims: dict[Path, str],
        test_id: str,
    ) -> None:
        validate_name(name)
        self.name = name
        self.mode = mode
        self.test_file = os.path.realpath(test_file)
        self.folder = Path(self.test_file).parent / RECORDINGS_DIR / name
        _check_owner(
            self.folder, self.test_file, name, claims if mode == "record" else None, test_id
        )
        self.pill = StrictPill(name, errors)
        self.temp_dir: Path | None = None
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

    def finish(self, passed: bool) -> None:
        """Stop intercepting; in record mode keep the new recording only if the test passed."""
        self.pill.stop()
        if self.temp_dir is None:
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


def _check_owner(
    folder: Path, test_file: str, name: str, claims: dict[Path, str] | None, test_id: str
) -> None:
    """Two tests never share one recording: not two files of one folder (the manifest
    names the file that recorded it), nor two tests recording it in one run (`claims`: the
    run's folder -> test map, given when recording)."""
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
    if claims is None:
        return
    me = test_id or test_file
    owner = claims.setdefault(folder, me)
    if owner != me:
        pytest.fail(
            f"{owner} already recorded {folder} in this run, and {me} "
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
