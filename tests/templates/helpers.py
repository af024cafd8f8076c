"""Run the templates the way a user does: real cookiecutter, invoke and pytest, in subprocesses.

Every subprocess uses this test run's Python (the repo's .venv, where tight is installed
editable), a scrubbed environment without AWS credentials or config files, and a private
HOME, so nothing here can reach AWS or write into the developer's home folder.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TEMPLATES = REPO / "templates"
PYTHON = sys.executable
TIMEOUT = 300

_DROPPED_PREFIXES = ("AWS_", "PYTEST_", "TIGHT_", "DYNAMODB_", "COV_")
_DROPPED = ("USE_LOCAL_DB", "NAME", "STAGE")


def offline_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment of a developer with no AWS account configured."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(_DROPPED_PREFIXES) and key not in _DROPPED
    }
    home.mkdir(parents=True, exist_ok=True)
    env.update(
        HOME=str(home),
        AWS_EC2_METADATA_DISABLED="true",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        PATH=os.pathsep.join([str(Path(PYTHON).parent), env.get("PATH", "")]),
        PYTHONDONTWRITEBYTECODE="1",
    )
    # The DynamoDB Local cache lives in the checkout whatever HOME is.
    if "TIGHT_DYNAMODB_LOCAL_DIR" in os.environ:
        env["TIGHT_DYNAMODB_LOCAL_DIR"] = os.environ["TIGHT_DYNAMODB_LOCAL_DIR"]
    env.update(extra)
    return env


def run(
    args: list[str], cwd: Path, env: dict[str, str], timeout: float = TIMEOUT
) -> subprocess.CompletedProcess[str]:
    """Run a command; stdout and stderr together in `.stdout`, for messages in assertions."""
    return subprocess.run(
        args,
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=timeout,
        check=False,
    )


def cookiecutter(template: str, cwd: Path, env: dict[str, str], *options: str, **context: str):
    """`cookiecutter --no-input templates/<template> [options] key=value ...`."""
    args = [PYTHON, "-m", "cookiecutter", "--no-input", str(TEMPLATES / template), *options]
    args += [f"{key}={value}" for key, value in context.items()]
    return run(args, cwd, env)


def invoke(app: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return run([PYTHON, "-m", "invoke", *args], app, env)


def pytest(app: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return run([PYTHON, "-m", "pytest", "-p", "no:cacheprovider", *args], app, env)


def new_app(parent: Path, env: dict[str, str], name: str = "my_service") -> Path:
    """A fresh app from templates/app whose requirements point at this checkout."""
    result = cookiecutter("app", parent, env, app_name=name, tight_source=str(REPO))
    assert result.returncode == 0, result.stdout
    return parent / name


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` with its content: compare before/after to prove nothing moved."""
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not {"__pycache__", ".pytest_cache"} & set(path.parts)
    }
