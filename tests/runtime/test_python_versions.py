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
import tight.providers.aws.controllers.lambda_proxy_event as canonical
one_tight = (
    sys.modules['app.vendored.tight'] is sys.modules['tight']
    and app_index.app is sys.modules['tight.providers.aws.lambda_app.app']
    and len({m.__file__ for n, m in sys.modules.items() if n.endswith('lambda_proxy_event')}) == 1
    and not hasattr(canonical, '__path__')
)
print(json.dumps({
    'answers': {m: [a['statusCode'], a['body']] for m, a in answers.items()},
    'one_tight': one_tight,
}))
"""


def interpreter(version: str) -> str | None:
    """`python3.X` from PATH or pyenv (where these machines keep 3.10, 3.12 and 3.13)."""
    pyenv = sorted(glob.glob(os.path.expanduser(f"~/.pyenv/versions/{version}.*/bin/python")))
    if pyenv:
        return pyenv[-1]
    found = shutil.which(f"python{version}")
    return found if found and "/shims/" not in found else None


@pytest.mark.parametrize("init", ["original", "generated"])
@pytest.mark.parametrize("version", VERSIONS)
def test_seed_overview_on_python(version, init, make_app):
    """With the original Tight's app/__init__.py (vendored tight aliases itself) and with the
    generated one (its finder answers first): both import paths of tight/vendored_alias.py."""
    python = interpreter(version)
    if python is None:
        if is_true(os.environ.get("CI")):
            pytest.fail(f"Python {version} is not installed; CI must test every Lambda runtime")
        pytest.skip(f"Python {version} is not installed here")
    app = make_app(
        {"my_controller": SEED_OVERVIEW_HANDLER},
        init=SEED_APP_INIT if init == "original" else None,
    )
    shutil.copytree(Path(tight.__file__).parent, app.root / "app" / "vendored" / "tight")
    done = subprocess.run(
        [python, "-I", "-S", "-c", PROBE, json.dumps(sorted(EXPECTED))],
        cwd=app.root,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    facts = json.loads(done.stdout)
    answers = {method: tuple(answer) for method, answer in facts["answers"].items()}
    assert answers == EXPECTED
    assert facts["one_tight"]
