"""`-m "not slow and not dynamodb_local"` is the quick loop: no Java, no demo, no other Pythons."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
QUICK = "not slow and not dynamodb_local"
NEVER_QUICK = (
    "tests/e2e/",  # the demo: invoke rundb (Java), npm, pip
    "tests/dynamodb/test_flywheel_local.py",  # the session's DynamoDB Local
    "tests/dynamodb/test_fixture.py",
    "tests/dynamodb/test_rundb.py",
    "tests/serve/test_serve_dynamodb.py",
    "tests/runtime/test_python_versions.py",  # other interpreters
)


def collected(*args: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *args],
        cwd=REPO, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return [line for line in done.stdout.splitlines() if "::" in line]


@pytest.mark.slow
def test_the_quick_loop_leaves_out_java_and_subprocess_heavy_files() -> None:
    quick = collected("-m", QUICK)
    assert len(quick) > 500  # the runtime's pure-Python tests are all still there
    assert any(node.startswith("tests/runtime/test_dispatch.py::") for node in quick)
    assert not [node for node in quick if node.startswith(NEVER_QUICK)]
    # A test that asks for the session's DynamoDB Local is marked by tests/conftest.py.
    database = set(collected("-m", "dynamodb_local"))
    assert (
        "tests/serve/test_serve_dynamodb.py::test_functions_reach_dynamodb_local_at_the_rundb_port"
        in database
    )
