"""One error type for every task, so users see a message and a fix, never a traceback."""

from __future__ import annotations

from invoke.exceptions import Exit


class TaskError(Exit):
    """A task failed for a reason the user can fix: printed as `error: ...`, exit code 1.

    Subclassing invoke's `Exit` makes invoke print only the message and exit non-zero.
    """

    def __init__(self, problem: str, fix: str | None = None, code: int = 1) -> None:
        message = f"error: {problem}"
        if fix:
            message += f"\n  fix: {fix}"
        super().__init__(message, code=code)
        self.problem = problem
        self.fix = fix
