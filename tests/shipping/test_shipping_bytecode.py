"""`invoke artifact` ships `.pyc` by the target CPython: unchecked-hash for the vendored code
(Tight's runtime only), checked-hash for the app's own code."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tight.tasks import bytecode, runtime_modules
from tight.tasks.artifact import build_artifact
from tight.tasks.config import load_config

TIGHT_PYC = "app/vendored/tight/providers/aws/lambda_app/__pycache__/app.cpython-311.pyc"


def set_runtime(app: Path, runtime: str) -> None:
    """As if vendored for `runtime` (the vendored code here is pure Python)."""
    config = app / "tight.yml"
    config.write_text(config.read_text().replace("runtime: python3.11", f"runtime: {runtime}"))
    stamp = app / "app" / "vendored" / ".tight-vendor-stamp.json"
    stamp.write_text(stamp.read_text().replace('"python3.11"', f'"{runtime}"'))


@pytest.mark.slow
def test_pyc_are_unchecked_hash_of_the_shipped_source(vendored_app: Path) -> None:
    built = build_artifact(load_config())
    with zipfile.ZipFile(built.path) as archive:
        data = archive.read(TIGHT_PYC)
        source = archive.read("app/vendored/tight/providers/aws/lambda_app/app.py")
        names = archive.namelist()
    assert data[:4] == importlib.util.MAGIC_NUMBER  # this venv is the target's 3.11
    assert int.from_bytes(data[4:8], "little") == 0b01  # hash-based, source never checked
    assert data[8:16] == importlib.util.source_hash(source)
    # The app's own code: checked-hash, so an edit of its source in Lambda's console wins.
    for source_name in ("app_index.py", "app/__init__.py", "app/functions/hello/handler.py"):
        pyc = bytecode.pyc_name(source_name, sys.implementation.cache_tag)
        data = archive_read(built.path, pyc)
        assert int.from_bytes(data[4:8], "little") == 0b11, pyc  # hash-based, source checked
        assert data[8:16] == importlib.util.source_hash(archive_read(built.path, source_name))
    unchecked = [
        n for n in names if n.endswith(".pyc") and archive_read(built.path, n)[4:8] != b"\x03\0\0\0"
    ]
    assert unchecked and all(n.startswith("app/vendored/") for n in unchecked)
    assert built.pyc_note is None


def unzipped_artifact(task: Path) -> Path:
    """The app's artifact, built and unzipped into `task` as Lambda unzips it into /var/task."""
    with zipfile.ZipFile(build_artifact(load_config()).path) as archive:
        archive.extractall(task)
    return task


def archive_read(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read(name)


@pytest.mark.slow
def test_an_edited_app_source_runs_instead_of_its_shipped_pyc(vendored_app: Path, tmp_path) -> None:
    task = unzipped_artifact(tmp_path / "var-task")
    assert (task / "app/functions/hello/__pycache__/handler.cpython-311.pyc").is_file()
    probe = (
        "import sys; sys.path[:0] = [sys.argv[1]]; import app.functions.hello.handler as h;"
        "print(getattr(h, 'EDITED', 'shipped'))"
    )
    run = [sys.executable, "-I", "-S", "-B", "-c", probe, str(task)]
    shipped = subprocess.run(run, capture_output=True, text=True, cwd=task)
    assert shipped.returncode == 0, shipped.stderr
    assert shipped.stdout.strip() == "shipped"
    handler = task / "app/functions/hello/handler.py"
    handler.write_text(handler.read_text() + "\nEDITED = 'the edit in the console'\n")
    edited = subprocess.run(run, capture_output=True, text=True, cwd=task)
    assert edited.returncode == 0, edited.stderr
    assert edited.stdout.strip() == "the edit in the console"


@pytest.mark.slow
def test_python_uses_the_shipped_pyc_without_the_source(vendored_app: Path, tmp_path) -> None:
    task = unzipped_artifact(tmp_path / "var-task")
    module = task / "app/vendored/tight/providers/aws/lambda_app/app.py"
    module.write_text("raise SystemExit('the source ran, not the shipped .pyc')\n")
    done = subprocess.run(
        [sys.executable, "-I", "-S", "-B", "-c",
         "import sys; sys.path[:0] = [sys.argv[1]];"
         "import tight.providers.aws.lambda_app.app as a; print(a.__cached__)",
         str(task / "app/vendored")],
        capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("app.cpython-311.pyc")


@pytest.mark.slow
def test_other_runtime_uses_its_own_python_or_ships_none(vendored_app: Path, monkeypatch) -> None:
    set_runtime(vendored_app, "python3.12")
    python = bytecode.find_python("3.12")
    built = build_artifact(load_config())
    names = zipfile.ZipFile(built.path).namelist()
    if python is not None:
        assert TIGHT_PYC.replace("311", "312") in names
        assert not [n for n in names if n.endswith(".cpython-311.pyc")]
    monkeypatch.setattr(bytecode, "find_python", lambda version: None)
    without = build_artifact(load_config())
    names = zipfile.ZipFile(without.path).namelist()
    assert not [n for n in names if n.endswith(".pyc")]
    assert "pyenv install 3.12" in without.pyc_note


@pytest.mark.slow
def test_vendored_tight_is_the_allowlist_and_carries_no_readme(vendored_app: Path) -> None:
    built = build_artifact(load_config())
    with zipfile.ZipFile(built.path) as archive:
        names = archive.namelist()
        info = [n for n in names if n.startswith("app/vendored/tight") and ".dist-info/" in n]
        assert len(info) == 1 and info[0].endswith("/METADATA"), info
        metadata = archive.read(info[0]).decode()
    assert "Name:" in metadata and "Version:" in metadata
    assert len(metadata) < 2000, len(metadata)
    assert "## " not in metadata  # no README body
    sources = {n.removeprefix("app/vendored/") for n in names if n.endswith(".py")}
    assert {n for n in sources if n.startswith("tight/")} == runtime_modules.RUNTIME_FILES


def test_the_allowlist_imports_alone_with_the_stdlib(tmp_path: Path) -> None:
    """By construction: the listed files, copied alone, import with no third-party package."""
    for source, name in runtime_modules.source_files():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source.read_bytes())
    script = (
        "import sys, importlib; sys.path[:0] = [sys.argv[1]]\n"
        "for m in sys.argv[2:]: importlib.import_module(m)\n"
        "print(sorted(m.split('.')[0] for m in sys.modules if m.split('.')[0] in "
        "('yaml', 'invoke', 'pytest', 'boto3', 'flywheel')))"
    )
    done = subprocess.run(
        [sys.executable, "-I", "-S", "-B", "-c", script, str(tmp_path),
         *runtime_modules.RUNTIME_MODULES],
        capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
    assert all(source.is_file() for source, _ in runtime_modules.source_files())


@pytest.mark.slow  # vendored_app: pip installs Tight into a rendered app
def test_defer_gc_must_be_a_boolean(vendored_app: Path) -> None:
    from tight.tasks.errors import TaskError

    config = vendored_app / "tight.yml"
    config.write_text(config.read_text() + "defer_gc: sometimes\n")
    with pytest.raises(TaskError, match="defer_gc is 'sometimes'"):
        build_artifact(load_config())
    assert not list((vendored_app / "builds").glob("*.zip"))
