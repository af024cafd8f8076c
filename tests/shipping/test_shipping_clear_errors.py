"""Bad input and a hostile machine get `error:`/`fix:` and a non-zero exit, never a traceback:
a read-only app, broken tight.yml values, huge env values, non-UTF-8
files, over-long names, bad function settings."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tight.core.flags import is_true
from tight.tasks.config import load_config
from tight.tasks.errors import TaskError

Run = Callable[..., subprocess.CompletedProcess[str]]


def assert_clear_failure(result: subprocess.CompletedProcess[str], *expected: str) -> None:
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stdout, result.stdout
    assert "error: " in result.stdout, result.stdout
    for text in expected:
        assert text in result.stdout, result.stdout


def run_read_only(app: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`invoke <args>` with the whole app folder read-only: a private read-only bind mount
    when running as root (permissions do not stop root), plain permissions otherwise."""
    command = [sys.executable, "-m", "invoke", *args]
    if os.geteuid() != 0:
        folders = [app, *(p for p in app.rglob("*") if p.is_dir() and not p.is_symlink())]
        for folder in folders:
            folder.chmod(0o555)
        try:
            return subprocess.run(
                command, cwd=app, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
            )
        finally:
            for folder in folders:
                folder.chmod(0o755)
    unshare = shutil.which("unshare")
    if unshare is None:
        if is_true(os.environ.get("CI")):
            pytest.fail("a read-only app needs `unshare` (util-linux) when tests run as root")
        pytest.skip("running as root without `unshare`: cannot make the app read-only")
    quoted = " ".join(f"'{part}'" for part in command)
    script = (
        f"mount --bind '{app}' '{app}' && mount -o remount,bind,ro '{app}' && "
        f"cd '{app}' && exec {quoted}"
    )
    result = subprocess.run(
        [unshare, "-m", "sh", "-c", script],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    if "mount:" in result.stdout and "Read-only" not in result.stdout:
        if is_true(os.environ.get("CI")):
            pytest.fail(f"could not make the app read-only: {result.stdout}")
        pytest.skip(f"could not make the app read-only here: {result.stdout}")
    return result


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [
        ("generate-function", "foo", "--skip-tests"),
        ("generate-model", "widget"),
        ("generate-env",),
        ("pip-install", "-p", "six"),
    ],
    ids=lambda args: args[0],
)
def test_writing_task_in_read_only_app_is_a_clear_error(app: Path, args: tuple[str, ...]) -> None:
    before = sorted(p.relative_to(app).as_posix() for p in app.rglob("*"))
    result = run_read_only(app, *args)
    assert_clear_failure(result, "Read-only file system", "fix: ")
    assert sorted(p.relative_to(app).as_posix() for p in app.rglob("*")) == before


@pytest.mark.slow
@pytest.mark.parametrize("args", [("artifact",), ("template",)], ids=lambda a: a[0])
def test_artifact_and_template_in_read_only_app_are_clear_errors(
    vendored_app: Path, args: tuple[str, ...]
) -> None:
    result = run_read_only(vendored_app, *args)
    assert_clear_failure(result, "Read-only file system", "fix: ")
    assert not (vendored_app / "builds").exists()


@pytest.mark.parametrize(
    ("dynamo_db", "message"),
    [
        ("{port: abc}", "dynamo_db.port 'abc' is not a port number"),
        ("{port: 99999999}", "dynamo_db.port 99999999 is not a port number"),
        ("{port: null}", "`dynamo_db.port` has no value"),
        ("{dir: null}", "`dynamo_db.dir` has no value"),
    ],
)
def test_bad_dynamo_db_port_is_a_clear_error(
    app: Path, run_invoke: Run, dynamo_db: str, message: str
) -> None:
    text = (app / "tight.yml").read_text()
    text = text.replace("dynamo_db:\n  dir: dynamo_db\n  port: 8000\n", f"dynamo_db: {dynamo_db}\n")
    (app / "tight.yml").write_text(text)
    with pytest.raises(TaskError, match=message):
        load_config()
    assert_clear_failure(run_invoke(app, "generate-env"), message)


def test_non_utf8_tight_yml_is_a_clear_error(app: Path, run_invoke: Run) -> None:
    with (app / "tight.yml").open("ab") as handle:
        handle.write(b"# caf\xe9\n")
    assert_clear_failure(
        run_invoke(app, "generate-env"), "tight.yml is not UTF-8 text", "fix: save tight.yml"
    )


def test_null_vendor_dir_is_a_clear_error(app: Path) -> None:
    text = (app / "tight.yml").read_text().replace("vendor_dir: app/vendored", "vendor_dir:")
    (app / "tight.yml").write_text(text)
    with pytest.raises(TaskError, match="`vendor_dir` has no value"):
        load_config()


@pytest.mark.parametrize("length", [65, 240, 300])
def test_function_name_too_long_is_a_clear_error(app: Path, run_invoke: Run, length: int) -> None:
    result = run_invoke(app, "generate-function", "a" * length, "--skip-tests")
    assert_clear_failure(result, "at most 64 characters")
    assert not [p for p in (app / "app" / "functions").iterdir() if p.name.startswith("aaa")]
    assert not [p for p in app.iterdir() if p.name.startswith(".tight-")]


def test_model_name_too_long_is_a_clear_error(app: Path, run_invoke: Run) -> None:
    assert_clear_failure(run_invoke(app, "generate-model", "m" * 230), "at most 64 characters")


def test_invalid_app_name_never_reaches_dynamodb(app: Path, run_invoke: Run) -> None:
    text = (app / "tight.yml").read_text().replace("name: shipping-app", 'name: "my service!"')
    (app / "tight.yml").write_text(text)
    result = run_invoke(app, "rundb", "--in-memory")
    assert_clear_failure(result, "name 'my service!' is not a valid app name", "my-service")


def test_invalid_name_in_env_yml_never_reaches_dynamodb(app: Path, run_invoke: Run) -> None:
    (app / "env.yml").write_text("NAME: my service!\nSTAGE: dev\n")
    result = run_invoke(app, "rundb", "--in-memory")
    assert_clear_failure(result, "NAME 'my service!'", "cannot be part of a DynamoDB table name")


def test_env_value_over_128_kib_is_a_clear_error(app: Path, run_invoke: Run) -> None:
    with (app / "env.dist.yml").open("a") as handle:
        handle.write("BIG: " + "x" * 200_000 + "\n")
    result = run_invoke(app, "generate-env")
    assert_clear_failure(result, "BIG is 195 KiB", "under 128 KiB")
    assert not (app / "env.yml").exists()
    (app / "env.yml").write_text("STAGE: dev\nBIG: " + "x" * 200_000 + "\n")
    assert_clear_failure(run_invoke(app, "rundb", "--in-memory"), "BIG is 195 KiB")


def test_non_utf8_requirements_vendor_is_refused_before_writing(app: Path, run_invoke: Run) -> None:
    requirements = app / "requirements-vendor.txt"
    requirements.write_bytes(requirements.read_bytes() + b"# caf\xe9\n")
    result = run_invoke(app, "generate-model", "widget")
    assert_clear_failure(result, "requirements-vendor.txt is not UTF-8 text")
    assert not (app / "app" / "models" / "Widget.py").exists()
    assert not [p for p in app.iterdir() if p.name.startswith(".tight-")]
