"""The original Tight's `from app.vendored.tight... import app`, tight vendored: one `tight`."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import tight
from tests.runtime.conftest import SEED_APP_INIT
from tests.runtime.test_seed_overview import SEED_OVERVIEW_HANDLER

PROBE = """
import importlib, json, sys
sys.path.insert(0, '.')
import app_index
import tight.providers.aws.controllers.lambda_proxy_event as canonical
answer = app_index.my_controller({'httpMethod': 'GET'}, None)
vendored_name = 'app.vendored.tight.providers.aws.controllers.lambda_proxy_event'
vendored = importlib.import_module(vendored_name)
files = sorted({m.__file__ for n, m in sys.modules.items() if n.endswith('lambda_proxy_event')})
print(json.dumps({
    'body': answer['body'],
    'same_module': vendored is canonical,
    'same_registry': vendored._routes is canonical._routes,
    'files': files,
    'tight_file': sys.modules['tight'].__file__,
}))
"""


def test_vendored_tight_is_the_same_module_as_tight(make_app):
    app = make_app({"my_controller": SEED_OVERVIEW_HANDLER}, init=SEED_APP_INIT)
    package = Path(tight.__file__).parent
    shutil.copytree(package, app.root / "app" / "vendored" / "tight")
    # -I -S: no PYTHONPATH, no site-packages: only the vendored copy provides `tight`.
    done = subprocess.run(
        [sys.executable, "-I", "-S", "-c", PROBE], cwd=app.root, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    facts = json.loads(done.stdout)
    assert facts["body"] == '{"hello":"world"}'
    assert facts["same_module"] and facts["same_registry"]
    assert len(facts["files"]) == 1
    assert facts["tight_file"].startswith(str(app.root / "app" / "vendored"))
