"""The flywheel suite again under Python 3.13 (cached venv in .cache/), against our server."""

from __future__ import annotations

import glob
import os
import re
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
VENV = REPO / ".cache" / "py313-flywheel-venv"
REQUIREMENTS = ("flywheel==0.5.4", "dynamo3==0.4.10", "boto3", "pytest")
STAMP = VENV / ".tight-requirements"


def python313() -> str:
    found = sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.13.*/bin/python")))
    if not found:
        pytest.fail(
            "no Python 3.13 at ~/.pyenv/versions/3.13.*/bin/python: "
            "install one (`pyenv install 3.13`) to prove flywheel on 3.13",
            pytrace=False,
        )
    return found[-1]


def ensure_venv() -> Path:
    """Create (once) a venv with flywheel, dynamo3, boto3, pytest and this tight (-e)."""
    wanted = "\n".join(REQUIREMENTS) + "\n"
    python = VENV / "bin" / "python"
    if python.exists() and STAMP.is_file() and STAMP.read_text() == wanted:
        return python
    subprocess.run([python313(), "-m", "venv", "--clear", str(VENV)], check=True)
    pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, *REQUIREMENTS], check=True)
    subprocess.run([*pip, "--no-deps", "-e", str(REPO)], check=True)
    STAMP.write_text(wanted)
    return python


@pytest.mark.slow
@pytest.mark.dynamodb_local
def test_flywheel_suite_passes_on_python_313(dynamodb_local) -> None:
    python = ensure_venv()
    version = subprocess.run(
        [str(python), "-c", "import sys; print(sys.version_info[:2])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert version == "(3, 13)"
    env = {**os.environ, "TIGHT_TEST_DYNAMODB_ENDPOINT": dynamodb_local.endpoint}
    result = subprocess.run(
        [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:tight",
         "--noconftest", "-o", "addopts=", str(Path(__file__).with_name("test_flywheel_local.py"))],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    module = Path(__file__).with_name("test_flywheel_local.py").read_text()
    expected = len(re.findall(r"^def test_", module, re.M))
    assert re.search(rf"\b{expected} passed\b", output), output
    assert "failed" not in output and "skipped" not in output, output
