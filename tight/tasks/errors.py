"""One error type for every task, so users see a message and a fix, never a traceback."""

from __future__ import annotations

import errno


class TaskError(Exception):
    """A task failed for a reason the user can fix: printed as `error: ...`, exit code 1.

    A plain exception (the pytest plugin raises it too, without importing invoke); the task
    namespace turns it into invoke's `Exit`, which prints only the message and exits non-zero.
    """

    def __init__(self, problem: str, fix: str | None = None, code: int = 1) -> None:
        message = f"error: {problem}"
        if fix:
            message += f"\n  fix: {fix}"
        super().__init__(message)
        self.message = message
        self.code = code
        self.problem = problem
        self.fix = fix


# What the user can do about an OSError no task expected (a read-only app, a full disk).
_OS_ERROR_FIXES = {
    errno.EROFS: "make the app's folder writable (it is on a read-only file system)",
    errno.EACCES: "make the app's folder writable and readable by you",
    errno.EPERM: "make the app's folder writable and readable by you",
    errno.ENOSPC: "free some disk space and run the task again",
    errno.EDQUOT: "free some disk space and run the task again",
    errno.ENAMETOOLONG: "use a shorter name (or a shallower folder)",
}


def os_error(exc: OSError) -> TaskError:
    """`error: /app/x: Read-only file system` with the fix, for an OSError from any task."""
    where = f"{exc.filename}: " if exc.filename else ""
    return TaskError(f"{where}{exc.strerror or exc}", os_error_fix(exc))


def os_error_fix(exc: OSError) -> str:
    return _OS_ERROR_FIXES.get(exc.errno or 0, "check the file named above and run the task again")


def output_tail(text: str, lines: int = 8, indent: str = "") -> str:
    """The last `lines` non-blank lines of a command's output, for an error message about it;
    `indent` starts every line after the first (to sit under an `error:` line)."""
    kept = [line for line in text.strip().splitlines() if line.strip()][-lines:]
    return f"\n{indent}".join(kept) or "(no output)"
