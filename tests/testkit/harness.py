"""Helpers for the test kit's own tests: a scratch project run by pytest's `pytester`.

The runs are in this process (pytester's `runpytest`), each with its own config, plugin state
and fresh test modules: the plugin keeps its state on the run and the test, never in module
globals, so a run inside a test is as clean as a user's `pytest` / `pytest --tight-record`.
"""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from tight.tasks.dynamodb_local.ports import free_port

# Variables of the developer's shell (or of this session's DynamoDB Local fixture) that would
# change what the inner runs do.
_SCRUBBED_PREFIXES = ("AWS_", "TIGHT_RECORD", "DYNAMODB_ENDPOINT", "USE_LOCAL_DB", "PYTEST_")

# Plugins of this environment that a Tight app's run has no use for: hypothesis's would be
# imported afresh (and assertion-rewritten) by every run, tripling its time.
_QUIET_PLUGINS = ("-p", "no:cacheprovider", "-p", "no:hypothesispytest")


def unreachable_endpoint() -> str:
    """An address where nothing listens: any real request fails at once."""
    return f"http://127.0.0.1:{free_port()}"


class Project:
    """pytester's scratch folder holding test files, and a way to run pytest on it."""

    def __init__(self, pytester: pytest.Pytester) -> None:
        self.pytester = pytester
        self.root = pytester.path
        self.write("pytest.ini", "[pytest]\naddopts = -ra\n")

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
        return path

    def pytest(self, *args: str, env: dict[str, str] | None = None) -> pytest.RunResult:
        """`pytest *args` in the project folder, with exactly `env` on top of a clean shell."""
        with pytest.MonkeyPatch.context() as patch:
            for key in list(os.environ):
                if key.startswith(_SCRUBBED_PREFIXES):
                    patch.delenv(key)
            for key, value in (env or {}).items():
                patch.setenv(key, value)
            return self.pytester.runpytest(*_QUIET_PLUGINS, *args)
