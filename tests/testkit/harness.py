"""Helpers for the test kit's own tests: run pytest on a scratch project in a subprocess.

A subprocess gives every run the plugin's real startup (entry point, options, env) and a
fresh module state, exactly as a user's `pytest` / `pytest --tight-record` would.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

# Variables of the developer's shell that would change what the inner runs do.
_SCRUBBED_PREFIXES = ("AWS_", "TIGHT_RECORD", "DYNAMODB_ENDPOINT", "USE_LOCAL_DB", "PYTEST_")


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str

    def outcomes(self) -> dict[str, int]:
        """`{'passed': 2, 'failed': 1}` from pytest's summary line."""
        summary = self.stdout.strip().splitlines()[-1] if self.stdout.strip() else ""
        found = re.findall(r"(\d+) (passed|failed|errors?)\b", summary)
        return {k if k != "error" else "errors": int(n) for n, k in found}

    def assert_outcomes(self, **expected: int) -> None:
        got = self.outcomes()
        wanted = {k: v for k, v in expected.items() if v}
        assert got == wanted, f"expected {wanted}, got {got}\n{self.stdout}\n{self.stderr}"


def unreachable_endpoint() -> str:
    """An address where nothing listens: any real request fails at once."""
    return f"http://127.0.0.1:{free_port()}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Project:
    """A scratch folder holding test files, and a way to run pytest on it."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
        return path

    def pytest(self, *args: str, env: dict[str, str] | None = None) -> Run:
        clean = {k: v for k, v in os.environ.items() if not k.startswith(_SCRUBBED_PREFIXES)}
        clean.update(env or {})
        completed = subprocess.run(
            [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
            cwd=self.root,
            env=clean,
            capture_output=True,
            text=True,
            timeout=300,
        )
        return Run(completed.returncode, completed.stdout, completed.stderr)
