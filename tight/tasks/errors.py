"""One error type for every task, so users see a message and a fix, never a traceback."""

from __future__ import annotations


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
