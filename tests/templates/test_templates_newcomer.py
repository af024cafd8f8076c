"""The newcomer's path, for real: from a git URL to a zip that answers.

Nothing here comes from the project's own venv. The checkout under test is served by
`git daemon` on 127.0.0.1; cookiecutter runs from a venv that holds only cookiecutter; the
app gets a new venv where only `pip install -r requirements.txt` runs (Tight and its tools
from that git URL, pinned to the served commit; everything else from the package index);
then the generated README's steps, and the artifact answers in `python -I -S` with only the
zip's content on its path (unpacked, as Lambda does into /var/task).

What is served is a snapshot of the *work tree* (tracked files plus new files git does not
ignore, as they are on disk) committed into a temp repository, not the checkout's HEAD: a
developer running the suite tests their uncommitted changes too, and in CI (a clean clone) the
snapshot is exactly HEAD.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.templates import helpers
from tests.templates.helpers import REPO
from tight.tasks.dynamodb_local.ports import free_port
from tight.testing.events import make_event

pytestmark = pytest.mark.slow

BASE_PYTHON = getattr(sys, "_base_executable", sys.executable)
COOKIECUTTER = "cookiecutter==2.7.1"  # the version tight-lambda[dev] pins
STEP_TIMEOUT = 900
_DROPPED_PREFIXES = ("AWS_", "PYTEST_", "TIGHT_", "DYNAMODB_", "COV_", "PYTHON", "VIRTUAL_ENV")
_DROPPED = ("USE_LOCAL_DB", "NAME", "STAGE", "COOKIECUTTER_CONFIG")


def run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    started = time.monotonic()
    result = helpers.run(args, cwd, env, timeout=STEP_TIMEOUT)
    shown = " ".join(Path(a).name if os.sep in a and i == 0 else a for i, a in enumerate(args))
    print(f"[{time.monotonic() - started:6.1f} s] rc={result.returncode} {shown}")
    return result


def newcomer_env(home: Path, cache: Path) -> dict[str, str]:
    """A shell with no venv active, no AWS configuration and a private HOME; pip keeps its
    usual cache (a cold cache would download every wheel on each run)."""
    project_bin = str(Path(sys.executable).parent)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(_DROPPED_PREFIXES) and key not in _DROPPED
    }
    path = [p for p in env.get("PATH", "").split(os.pathsep) if p and p != project_bin]
    home.mkdir(parents=True)
    config = home / "cookiecutter.yaml"
    config.write_text(
        f"cookiecutters_dir: {json.dumps(str(home / 'cookiecutters'))}\n"
        f"replay_dir: {json.dumps(str(home / 'cookiecutter-replay'))}\n"
    )
    env.update(
        PATH=os.pathsep.join(path),
        HOME=str(home),
        COOKIECUTTER_CONFIG=str(config),
        PIP_CACHE_DIR=str(cache),
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        AWS_EC2_METADATA_DISABLED="true",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
    )
    return env


def pip_cache_dir() -> Path:
    configured = os.environ.get("PIP_CACHE_DIR")
    if configured:
        return Path(configured)
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg) / "pip"


def snapshot(work_tree: Path, into: Path) -> str:
    """Commit the work tree's files (tracked and untracked-not-ignored, as on disk) into a new
    repository at `into`; return the commit."""
    listed = subprocess.run(
        [
            "git",
            "-C",
            str(work_tree),
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ],
        capture_output=True,
        check=True,
    ).stdout.decode()
    into.mkdir(parents=True)
    for name in sorted(set(filter(None, listed.split("\0")))):
        source = work_tree / name
        if not source.exists() and not source.is_symlink():
            continue  # deleted in the work tree
        target = into / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():
            target.symlink_to(os.readlink(source))
        else:
            shutil.copy2(source, target)
    git = ["git", "-C", str(into), "-c", "user.name=newcomer", "-c", "user.email=n@example.com"]
    for step in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "snapshot"]):
        subprocess.run([*git, *step], check=True, capture_output=True)
    return subprocess.run(
        [*git, "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """(git URL, commit) of a snapshot of this checkout, served by `git daemon` on loopback."""
    if shutil.which("git") is None:
        pytest.fail("git is not installed: the newcomer test serves the checkout with git daemon")
    commit = snapshot(REPO, tmp_path / "snapshot")
    base = tmp_path / "served"
    base.mkdir()
    subprocess.run(
        ["git", "clone", "-q", "--bare", str(tmp_path / "snapshot"), str(base / "tight.git")],
        check=True,
    )
    for _attempt in range(3):
        port = free_port()
        daemon = subprocess.Popen(
            [
                "git",
                "daemon",
                "--export-all",
                "--reuseaddr",
                "--informative-errors",
                f"--base-path={base}",
                "--listen=127.0.0.1",
                f"--port={port}",
                str(base),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        url = f"git://127.0.0.1:{port}/tight.git"
        deadline = time.monotonic() + 20
        while daemon.poll() is None and time.monotonic() < deadline:
            probe = subprocess.run(["git", "ls-remote", url], capture_output=True, check=False)
            if probe.returncode == 0:
                break
            time.sleep(0.2)
        else:
            error = daemon.stderr.read().decode() if daemon.poll() is not None else "no answer"
            daemon.kill()
            daemon.wait()
            print(f"git daemon on port {port} did not start: {error}")
            continue
        try:
            yield url, commit
        finally:
            daemon.terminate()
            try:
                daemon.wait(timeout=10)
            except subprocess.TimeoutExpired:
                daemon.kill()
                daemon.wait()
        return
    pytest.fail("git daemon did not start on 127.0.0.1 after 3 ports")


ANSWER = """\
import json, sys
sys.path.insert(0, sys.argv[1])  # besides the standard library, only the zip's content
import app_index

class Context:
    aws_request_id = 'newcomer-1'

response = app_index.hello(json.loads(sys.stdin.read()), Context())
import tight
print(json.dumps({'response': response, 'tight': tight.__file__, 'path': sys.path}))
"""


def passed(output: str) -> int:
    """The count in pytest's closing line (`==== 4 passed in 1.2s ====`), 0 if none."""
    counts = re.findall(r"^=+ (?:.*\D)?(\d+) passed\b.* =+$", output, re.MULTILINE)
    return int(counts[-1]) if counts else 0


def test_a_newcomer_goes_from_a_git_url_to_a_zip_that_answers(
    served: tuple[str, str], tmp_path: Path
) -> None:
    url, commit = served
    env = newcomer_env(tmp_path / "home", pip_cache_dir())
    work = tmp_path / "work"
    work.mkdir()

    # A venv that holds only cookiecutter, and the template straight from the git URL.
    tools = tmp_path / "cookiecutter-venv"
    assert run([BASE_PYTHON, "-m", "venv", str(tools)], work, env).returncode == 0
    installed = run([str(tools / "bin/pip"), "install", "--quiet", COOKIECUTTER], work, env)
    assert installed.returncode == 0, installed.stdout
    made = run(
        [
            str(tools / "bin/cookiecutter"),
            f"git+{url}",
            "--directory",
            "templates/app",
            "--no-input",
        ],
        work,
        env,
    )
    assert made.returncode == 0, made.stdout
    app = work / "my_service"
    pinned = f"git+{url}@{commit}"
    requirements = (app / "requirements.txt").read_text().splitlines()
    assert requirements[-1] == f"tight-lambda[dev] @ {pinned}"
    assert (app / "requirements-vendor.txt").read_text().splitlines()[-1] == (
        f"tight-lambda @ {pinned}"
    )
    readme = (app / "README.md").read_text()
    assert f"the git repository {url} at commit {commit}" in readme
    assert not (tmp_path / "home/.cookiecutters").exists()
    assert (tmp_path / "home/cookiecutters").is_dir()

    # The app's own new venv, and only its requirements.txt.
    venv = app / ".venv"
    assert run([BASE_PYTHON, "-m", "venv", str(venv)], app, env).returncode == 0
    pip = run([str(venv / "bin/pip"), "install", "-r", "requirements.txt"], app, env)
    assert pip.returncode == 0, pip.stdout[-5000:]
    assert run([str(venv / "bin/pip"), "show", "tight"], app, env).returncode != 0
    shown = run([str(venv / "bin/pip"), "show", "tight-lambda"], app, env)
    assert shown.returncode == 0 and "Version: 0.2.0" in shown.stdout, shown.stdout

    app_env = {**env, "PATH": os.pathsep.join([str(venv / "bin"), env["PATH"]])}
    invoke = str(venv / "bin/invoke")
    for step in (["generate-env"], ["generate-function", "hello"], ["generate-function", "other"]):
        result = run([invoke, *step], app, app_env)
        assert result.returncode == 0, result.stdout
        if step[0] == "generate-function":
            assert passed(result.stdout) == 2, result.stdout
            assert "__pycache__" not in result.stdout, result.stdout
    tests = run([str(venv / "bin/pytest")], app, app_env)
    print(tests.stdout.strip().splitlines()[-1])
    assert tests.returncode == 0, tests.stdout
    assert passed(tests.stdout) >= 4, tests.stdout

    vendored = run([invoke, "pip-install", "--requirements"], app, app_env)
    assert vendored.returncode == 0, vendored.stdout
    assert (app / "app/vendored/tight/providers/aws/lambda_app/app.py").is_file()
    built = run([invoke, "artifact"], app, app_env)
    assert built.returncode == 0, built.stdout
    (artifact,) = (app / "builds").glob("*.zip")
    print(built.stdout.strip().splitlines()[-1])

    # The zip alone answers, in an isolated interpreter without site-packages. Lambda unpacks
    # the zip into /var/task (its handler is never imported from inside the zip): so here.
    task = tmp_path / "var-task"
    with zipfile.ZipFile(artifact) as archive:
        archive.extractall(task)
    event = json.dumps(make_event("GET", "/hello"))
    answer = subprocess.run(
        [BASE_PYTHON, "-I", "-S", "-c", ANSWER, str(task)],
        input=event,
        cwd=task,
        env={"PATH": os.defpath},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert answer.returncode == 0, answer.stderr
    result = json.loads(answer.stdout.strip().splitlines()[-1])
    print("GET /hello from the zip:", result["response"])
    assert result["response"]["statusCode"] == 200
    assert json.loads(result["response"]["body"]) == {"hello": "world"}
    assert result["tight"].startswith(str(task / "app/vendored/tight")), result
    assert not any("site-packages" in p for p in result["path"]), result["path"]
