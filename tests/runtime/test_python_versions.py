"""The original Tight's Overview, with tight vendored, on every Python Lambda runs: 3.10 to 3.13."""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

import tight
from tests.runtime.conftest import SEED_APP_INIT
from tests.runtime.test_seed_overview import EXPECTED, SEED_OVERVIEW_HANDLER
from tight.core.flags import is_true

pytestmark = pytest.mark.slow  # other interpreters, in subprocesses
VERSIONS = ("3.10", "3.11", "3.12", "3.13")
PROBE = """
import json, sys
sys.path.insert(0, '.')
import app_index
answers = {m: app_index.my_controller({'httpMethod': m, 'body': '{"a": 1}'}, None)
           for m in json.loads(sys.argv[1])}
print(json.dumps({m: [a['statusCode'], a['body']] for m, a in answers.items()}))
"""


def interpreter(version: str) -> str | None:
    """`python3.X` from PATH or pyenv (where these machines keep 3.10, 3.12 and 3.13)."""
    pyenv = sorted(glob.glob(os.path.expanduser(f"~/.pyenv/versions/{version}.*/bin/python")))
    if pyenv:
        return pyenv[-1]
    found = shutil.which(f"python{version}")
    return found if found and "/shims/" not in found else None


@pytest.mark.parametrize("version", VERSIONS)
def test_seed_overview_on_python(version, make_app):
    python = interpreter(version)
    if python is None:
        if is_true(os.environ.get("CI")):
            pytest.fail(f"Python {version} is not installed; CI must test every Lambda runtime")
        pytest.skip(f"Python {version} is not installed here")
    app = make_app({"my_controller": SEED_OVERVIEW_HANDLER}, init=SEED_APP_INIT)
    shutil.copytree(Path(tight.__file__).parent, app.root / "app" / "vendored" / "tight")
    done = subprocess.run(
        [python, "-I", "-S", "-c", PROBE, json.dumps(sorted(EXPECTED))],
        cwd=app.root,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    answers = {method: tuple(answer) for method, answer in json.loads(done.stdout).items()}
    assert answers == EXPECTED
