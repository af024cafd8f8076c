"""The invoke tasks every Tight app exposes (its `tasks.py` is `from tight.tasks import ns`).

Each module here owns one job; add a new module's name to TASK_MODULES to expose it.
Dev-time only: nothing under `tight.tasks` is ever shipped inside an artifact.
"""

from __future__ import annotations

import importlib

from invoke import Collection, Task

from tight.tasks.errors import clear_os_errors

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
    """A flat collection (`invoke rundb`, not `invoke db.rundb`), as the seed's CLI had."""
    namespace = Collection()
    for name in TASK_MODULES:
        module = importlib.import_module(f"tight.tasks.{name}")
        for value in vars(module).values():
            if isinstance(value, Task) and value.__module__ == module.__name__:
                if not getattr(value.body, "__wrapped__", None):
                    value.body = clear_os_errors(value.body)  # never a traceback
                namespace.add_task(value)
    return namespace


ns = build_namespace()
