"""Each side's deployable code, unpacked as Lambda unpacks it into /var/task.

Tight: the demo's accounts controller and model in an app rendered from templates/app, with
`invoke pip-install --requirements` and `invoke artifact` run for real, and the zip unzipped:
exactly what a user deploys (with whatever `.pyc` the artifact holds, and no other).
Bare handlers: one file. Chalice: its packager ships `chalice/app.py` and `chalice/__init__.py`
beside the app. Powertools: the package and its one dependency outside Lambda's runtime
(typing_extensions), as pip puts them in a zip: sources, no bytecode.
boto3 and its dependencies come from the folder that stands for Lambda's runtime.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from bench.errors import BenchError
from bench.real.sides import SIDES, Side
from bench.shipped import REPO_ROOT

DEMO_FILES = REPO_ROOT / "demo" / "accounts"
APP_NAME = "bench_accounts"
# What the Lambda Python runtime provides beside the code (with its bytecode, as installed).
LAMBDA_PROVIDED = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "six", "urllib3")


def _module_root(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        raise BenchError(f"{name} is not installed: `{sys.executable} -m pip install -e .[dev]`")
    origin = Path(spec.origin)
    return origin.parent if origin.name == "__init__.py" else origin


def lambda_runtime_dir(target: Path) -> Path:
    """Links to boto3 and its dependencies, compiled once (Lambda's runtime has its .pyc)."""
    target.mkdir(parents=True, exist_ok=True)
    for name in LAMBDA_PROVIDED:
        source = _module_root(name)
        (target / source.name).symlink_to(source)
    subprocess.run(  # make sure every .pyc exists before timing under -B
        [
            sys.executable,
            "-m",
            "compileall",
            "-q",
            *(str(target / p.name) for p in target.iterdir()),
        ],
        check=False,
        capture_output=True,
    )
    return target


def _copy_package(name: str, dest: Path) -> None:
    source = _module_root(name)
    if source.is_dir():
        shutil.copytree(source, dest / source.name, ignore=shutil.ignore_patterns("__pycache__"))
    else:
        shutil.copyfile(source, dest / source.name)


def build_plain_side(side: Side, dest: Path) -> Path:
    dest.mkdir(parents=True)
    assert side.source is not None
    (dest / f"{side.module}.py").write_text(side.source)
    if side.key == "chalice":
        package = dest / "chalice"
        package.mkdir()
        root = _module_root("chalice")
        for name in ("__init__.py", "app.py"):
            shutil.copyfile(root / name, package / name)
    elif side.key == "powertools":
        _copy_package("aws_lambda_powertools", dest)
        _copy_package("typing_extensions", dest)
    return dest


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        raise BenchError(
            f"`{' '.join(args)}` failed in {cwd} (exit {done.returncode}):\n"
            f"{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
        )
    return done.stdout + done.stderr


def build_tight_artifact(workdir: Path) -> tuple[Path, str]:
    """Render the app, add the demo's accounts code, vendor, build the zip; (zip, output)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    workdir.mkdir(parents=True, exist_ok=True)
    _run(
        [
            *(sys.executable, "-m", "cookiecutter", str(REPO_ROOT), "--directory"),
            *("templates/app", "--no-input", "--output-dir", str(workdir)),
            *(f"app_name={APP_NAME}", f"tight_source={REPO_ROOT}"),
        ],
        cwd=workdir,
        env=env,
    )
    app = workdir / APP_NAME
    function = app / "app" / "functions" / "accounts"
    function.mkdir(parents=True, exist_ok=True)
    (function / "__init__.py").write_text("")
    shutil.copyfile(DEMO_FILES / "handler.py", function / "handler.py")
    shutil.copyfile(DEMO_FILES / "Account.py", app / "app" / "models" / "Account.py")
    requirements = app / "requirements-vendor.txt"
    requirements.write_text(
        requirements.read_text() + "\nflywheel==0.5.4\ndynamo3==0.4.10\n", encoding="utf-8"
    )
    _run([sys.executable, "-m", "invoke", "pip-install", "--requirements"], cwd=app, env=env)
    output = _run([sys.executable, "-m", "invoke", "artifact"], cwd=app, env=env)
    zips = sorted((app / "builds").glob("*.zip"))
    if len(zips) != 1:
        raise BenchError(f"expected one zip in {app / 'builds'}, found {zips}:\n{output}")
    return zips[0], output


def unzip(archive: Path, dest: Path) -> Path:
    with zipfile.ZipFile(archive) as zipped:
        zipped.extractall(dest)
    return dest


def build_sides(workdir: Path, keys: tuple[str, ...]) -> dict[str, Path]:
    """Task root per side key."""
    roots: dict[str, Path] = {}
    for side in SIDES:
        if side.key not in keys:
            continue
        if side.source is None:
            archive, _ = build_tight_artifact(workdir / "tight-build")
            roots[side.key] = unzip(archive, workdir / "tight")
        else:
            roots[side.key] = build_plain_side(side, workdir / side.key)
    return roots


def pyc_count(root: Path) -> int:
    return sum(1 for _ in root.rglob("*.pyc"))
