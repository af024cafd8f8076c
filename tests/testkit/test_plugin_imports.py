"""The pytest plugin loads in every app's test run: it must not drag in invoke or the tasks."""

from __future__ import annotations

import subprocess
import sys

TASK_MODULES = ("db", "schema", "generate", "vendor", "env", "artifact", "deploy_templates")


def test_the_plugin_imports_neither_invoke_nor_the_task_modules() -> None:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import tight.core.test_helpers"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    imported = {
        line.rsplit("|", 1)[-1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    assert "tight.core.test_helpers" in imported  # the importtime listing is really there
    assert not {m for m in imported if m == "invoke" or m.startswith("invoke.")}
    assert not imported & {f"tight.tasks.{name}" for name in TASK_MODULES}


def test_the_task_namespace_still_builds_and_reports_errors_as_invoke_exits() -> None:
    from invoke.exceptions import Exit

    from tight.tasks import ns
    from tight.tasks.errors import TaskError

    assert "artifact" in ns.task_names
    task = ns["artifact"]

    def failing(c):  # what a task body does on bad input
        raise TaskError("tight.yml is missing", "run it inside an app")

    task_copy = type(task)(failing, name="failing")
    from tight.tasks import reporting_errors

    wrapped = reporting_errors(task_copy)
    try:
        wrapped.body(None)
    except Exit as exit_:
        assert exit_.code == 1
        assert exit_.message == "error: tight.yml is missing\n  fix: run it inside an app"
    else:
        raise AssertionError("no Exit raised")
