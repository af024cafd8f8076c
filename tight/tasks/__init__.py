"""The invoke tasks every Tight app exposes (its `tasks.py` is `from tight.tasks import ns`).

Each module here owns one job; add a new module's name to TASK_MODULES to expose it.
Dev-time only: nothing under `tight.tasks` is ever shipped inside an artifact.
`ns` is built on first access (PEP 562), so the pytest plugin, which uses a few helpers from
here (config, files, errors), imports neither invoke nor the task modules.
"""

from __future__ import annotations

import copy
import functools
import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from invoke import Collection, Task

TASK_MODULES: tuple[str, ...] = (
    "db",
    "schema",
    "generate",
    "vendor",
    "env",
    "artifact",
    "deploy_templates",
    "serve",
)


def build_namespace() -> Collection:
    """A flat collection (`invoke rundb`, not `invoke db.rundb`), as the original Tight's CLI."""
    from invoke import Collection, Task

    namespace = Collection()
    for name in TASK_MODULES:
        module = importlib.import_module(f"tight.tasks.{name}")
        for value in vars(module).values():
            if isinstance(value, Task) and value.__module__ == module.__name__:
                namespace.add_task(reporting_errors(value))
    return namespace


def reporting_errors(task: Task) -> Task:
    """A copy of `task` whose TaskError, or an OSError it did not expect (a read-only app, a
    full disk), becomes invoke's Exit: `error: ...`/`fix: ...` and the exit code, never a
    traceback. (TaskError itself is a plain exception, so importing it is cheap.)"""
    from invoke.exceptions import Exit

    from tight.tasks.errors import TaskError, os_error

    body = task.body

    @functools.wraps(body)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return body(*args, **kwargs)
        except TaskError as error:
            raise Exit(error.message, code=error.code) from error
        except OSError as exc:
            error = os_error(exc)
            raise Exit(error.message, code=error.code) from exc

    reporting = copy.copy(task)
    reporting.body = run
    return reporting


def __getattr__(name: str) -> Any:
    if name == "ns":
        namespace = build_namespace()
        globals()["ns"] = namespace
        return namespace
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
