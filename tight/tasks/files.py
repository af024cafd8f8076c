"""Atomic file writes for every task: a reader (or a crash) never sees half a file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from tight.tasks.errors import TaskError, os_error_fix

# Every temp file or folder Tight makes inside an app starts with this, so a killed run's
# leftovers are recognisable (and ignored by the generated app's .gitignore).
TEMP_PREFIX = ".tight-tmp-"


def default_mode(mode: int = 0o666) -> int:
    """`mode` as the umask leaves it for a new file (0644 under the usual 022): mkstemp
    creates 0600, which another user (a CI step, a Docker build) cannot read."""
    umask = os.umask(0)
    os.umask(umask)
    return mode & ~umask


def write_atomic(path: Path, data: str | bytes, *, mode: int | None = None) -> None:
    """Write `data` to a temp file beside `path`, then rename it over `path` in one step.

    The file gets `mode` (default: 0666 less the umask, like any new file); a write that
    fails (read-only folder, full disk) is a TaskError naming the file, never a traceback.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{path.name}-", dir=path.parent)
    except OSError as exc:
        raise write_error(path, exc) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.chmod(temp, default_mode() if mode is None else mode)
        os.replace(temp, path)
    except BaseException as exc:
        Path(temp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise write_error(path, exc) from exc
        raise


def write_error(path: Path, exc: OSError) -> TaskError:
    """`error: could not write <file>: Read-only file system`, with the fix."""
    return TaskError(f"could not write {path}: {exc.strerror or exc}", os_error_fix(exc))


def read_utf8(path: Path, missing_ok: bool = False) -> str:
    """A text file the user edits (requirements, YAML): a non-UTF-8 byte is named, with the
    fix, before any task writes anything based on it."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if missing_ok:
            return ""
        raise
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        raise TaskError(
            f"{path} is not UTF-8 text (byte {exc.object[exc.start]:#04x} on line {line})",
            f"save {path.name} as UTF-8",
        ) from exc
