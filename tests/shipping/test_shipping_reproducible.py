"""Two clones vendoring one app ship the same bytes; files Tight writes are readable by others;
a killed run's leftovers are ignored by git."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import zipfile
from pathlib import Path

import pytest

from tests.shipping.conftest import REPO, make_wheel, render_app
from tight.tasks.artifact import build_artifact
from tight.tasks.config import load_config
from tight.tasks.env import write_env
from tight.tasks.files import write_atomic
from tight.tasks.vendor import vendor

TEMP_PREFIX = ".tight-tmp-"  # the naming contract the .gitignore relies on


@pytest.mark.slow
def test_two_clones_vendoring_the_same_app_give_identical_artifacts(
    tmp_path: Path, offline_pip: Path
) -> None:
    make_wheel(offline_pip, "purepkg", "1.0", "py3-none-any")
    first = render_app(tmp_path / "clone-a")
    second = tmp_path / "other dir" / "clone-b" / first.name
    shutil.copytree(first, second)
    artifacts = []
    for app in (first, second):
        (app / "requirements-vendor.txt").write_text(f"{REPO}\npurepkg\n")
        vendor(load_config(app))
        artifacts.append(build_artifact(load_config(app)))

    assert artifacts[0].sha256 == artifacts[1].sha256
    with zipfile.ZipFile(artifacts[0].path) as archive:
        names = archive.namelist()
        records = [archive.read(n).decode() for n in names if n.endswith("/RECORD")]
        leaks = [n for n in names if str(tmp_path) in archive.read(n).decode("latin-1")]
    assert not [n for n in names if n.endswith("direct_url.json")]
    assert records and not [r for r in records if "direct_url.json" in r]
    assert leaks == []  # the build machine's paths never ship


def test_files_tight_writes_get_normal_permissions(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "schema.yml", "x: 1\n")
        write_env(tmp_path, {"SECRET": "s"})
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "schema.yml").stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "env.yml").stat().st_mode) == 0o600  # may hold secrets


@pytest.mark.slow
def test_artifact_zip_gets_normal_permissions(vendored_app: Path) -> None:
    old = os.umask(0o022)
    try:
        built = build_artifact(load_config())
    finally:
        os.umask(old)
    assert stat.S_IMODE(built.path.stat().st_mode) == 0o644


def git_status(folder: Path) -> str:
    """Every file git sees as changed or new in `folder`, ignored ones left out."""
    return subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=folder,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_killed_run_leftovers_are_ignored_by_git(app: Path) -> None:
    leftovers = [
        f"app/{TEMP_PREFIX}vendor-abc123/target/pkg.py",
        f"app/{TEMP_PREFIX}vendored-old-4242/pkg.py",
        f"{TEMP_PREFIX}env.yml-x1y2z3",
        f"schemas/dynamo/{TEMP_PREFIX}accounts.yml-abc",
        ".tight-generate-q1w2e3/out/x.py",
        f"{TEMP_PREFIX}dynamo_db.install-abc/DynamoDBLocal.jar",
        f"{TEMP_PREFIX}dynamo_db.old-42-DynamoDBLocal_lib/x.so",
        f"tests/functions/integration/x/placebos/{TEMP_PREFIX}test_get.recording-1/a.json",
    ]
    subprocess.run(["git", "init", "-q"], cwd=app, check=True)
    clean = git_status(app)
    for name in leftovers:
        (app / name).parent.mkdir(parents=True, exist_ok=True)
        (app / name).write_text("left by a killed run\n")
    after = git_status(app)
    assert after == clean
