"""The real deploy tools, installed once into `.cache/` through their own registries.

- Serverless Framework v3 and serverless-offline from npm (`npm install`, ~1 min once);
- aws-sam-cli (for `sam validate --lint`) in its own virtualenv (~340 MB, < 2 min once).

Each install goes to a staging folder that is renamed into place when complete, so a broken
install is never reused. Without npm (or pip) the tests skip with the reason, except in CI
(`CI=true`), where a missing tool fails the run loudly.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tight.core.flags import is_true

REPO = Path(__file__).resolve().parents[2]
CACHE = REPO / ".cache"
SERVERLESS = "serverless@3.40.0"
SERVERLESS_OFFLINE = "serverless-offline@13"
NPM_PACKAGES = (SERVERLESS, SERVERLESS_OFFLINE)
AWS_SAM_CLI = "aws-sam-cli==1.170.0"


def in_ci() -> bool:
    return is_true(os.environ.get("CI"))


def unavailable(reason: str) -> None:
    """Skip locally, fail in CI: CI must exercise the real tools."""
    if in_ci():
        pytest.fail(f"CI=true and {reason}", pytrace=False)
    pytest.skip(reason)


def _install_atomically(target: Path, command: list[str], what: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}-"))
    try:
        done = subprocess.run(
            [part.replace("{dir}", str(staging)) for part in command],
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
            cwd=staging,
        )
        if done.returncode != 0:
            unavailable(f"installing {what} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
        staging.replace(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def npm_tool(binary: str, *packages: str) -> Path:
    """`node_modules/.bin/<binary>` of `packages`, installed together from npm, once, into
    .cache/npm-tools/<packages> (plugins resolve from the same node_modules)."""
    package = " ".join(packages)
    target = CACHE / "npm-tools" / "+".join(p.replace("/", "_") for p in packages)
    found = target / "node_modules" / ".bin" / binary
    if found.exists():
        return found
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        unavailable(f"npm/node are not installed, so {package} cannot be installed from npm")
    _install_atomically(
        target,
        [npm, "install", "--prefix", "{dir}", "--no-audit", "--no-fund", "--ignore-scripts",
         "--loglevel", "error", *packages],
        f"{package} from npm",
    )  # fmt: skip
    return found


def sam_cli() -> Path:
    """`sam` from aws-sam-cli, in its own virtualenv under .cache/ (it pins its own deps)."""
    target = CACHE / "aws-sam-cli" / AWS_SAM_CLI.split("==")[1]
    found = target / "bin" / "sam"
    # A venv's scripts hold its absolute path: build it in place, marked done at the end.
    marker = target / ".complete"
    if marker.exists():
        return found
    if target.exists():
        shutil.rmtree(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    for command in (
        [sys.executable, "-m", "venv", str(target)],
        [str(target / "bin" / "python"), "-m", "pip", "install", "--quiet", AWS_SAM_CLI],
    ):
        done = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False)
        if done.returncode != 0:
            shutil.rmtree(target, ignore_errors=True)
            unavailable(f"installing {AWS_SAM_CLI} failed:\n{done.stderr[-2000:]}")
    marker.write_text(AWS_SAM_CLI + "\n")
    return found


def tool_env(home: Path) -> dict[str, str]:
    """No AWS credentials, no telemetry, a throwaway HOME (the CLIs write dotfiles there)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        HOME=str(home),
        AWS_DEFAULT_REGION="us-east-1",
        AWS_EC2_METADATA_DISABLED="true",
        SLS_TELEMETRY_DISABLED="1",
        SLS_NOTIFICATIONS_MODE="off",
        SAM_CLI_TELEMETRY="0",
    )
    return env
