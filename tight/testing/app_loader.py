"""Find the Tight app a test belongs to and import its `app_index` module, fresh per test.

Handlers often build clients at import time (the original Tight's `db = dynamo_db.connect()`). A
module imported during an earlier test would keep a client on that test's Session, which
the next test's recording cannot see. Re-importing the app's own modules for every test
gives each recording a fresh set of clients; vendored and installed packages are kept.
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tight.providers.aws.lambda_app.app import AppError, collect_controllers
from tight.tasks.config import CONFIG_FILE, app_environment, app_root_above
from tight.tasks.errors import TaskError

MARKERS = ("app_index.py", CONFIG_FILE)


def find_app_root(*starts: Path) -> Path:
    """The nearest folder at or above one of `starts` holding `app_index.py` or `tight.yml`."""
    for start in starts:
        root = app_root_above(start, MARKERS)
        if root is not None:
            return root
    looked = ", ".join(str(s) for s in starts)
    pytest.fail(
        f"the `app` fixture found no app_index.py or tight.yml in or above {looked}; run "
        "pytest inside a Tight app (create one with "
        "`cookiecutter <tight repo> --directory templates/app`)",
        pytrace=False,
    )


def load_env(root: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Export env.yml (or env.dist.yml) for this test, as `invoke generate-env` would have it:
    NAME defaults to tight.yml's `name`. The shell's own values are never overridden."""
    try:
        values = app_environment(root)
    except TaskError as exc:
        pytest.fail(exc.message, pytrace=False)
    for key, value in values.items():
        if key not in os.environ:
            monkeypatch.setenv(key, value)
    return values


def import_app_index(root: Path, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """Import `<root>/app_index.py` after dropping the app's previously imported modules."""
    if not (root / "app_index.py").is_file():
        pytest.fail(
            f"{root} has no app_index.py: the `app` fixture imports it to call the "
            "controllers (`app.my_function(event, context)`)",
            pytrace=False,
        )
    forget_app_modules(root)
    monkeypatch.syspath_prepend(str(root))
    module = importlib.import_module("app_index")
    try:  # Lambda never scans app/functions; the tests check the whole layout instead
        collect_controllers(str(root), module)
    except AppError as exc:
        pytest.fail(f"{exc}", pytrace=False)
    return module


def forget_app_modules(root: Path) -> list[str]:
    """Remove from sys.modules every module loaded from the app's own code.

    That is `app_index`, the `app` package with its dotted submodules, and the top-level
    modules `app/__init__.py` makes importable from app/lib, app/models, app/serializers.
    Third-party code in app/vendored (imported by its own top-level names) is kept.
    """
    roots = {str(root), os.path.realpath(root)}
    own = tuple(os.path.join(r, "app") + os.sep for r in roots)
    vendored = tuple(os.path.join(r, "app", "vendored") + os.sep for r in roots)
    forgotten = []
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None) or ""
        ours = name in ("app", "app_index") or name.startswith("app.")
        if not ours and file.startswith(own) and not file.startswith(vendored):
            ours = True
        if ours:
            del sys.modules[name]
            forgotten.append(name)
    importlib.invalidate_caches()
    return forgotten
