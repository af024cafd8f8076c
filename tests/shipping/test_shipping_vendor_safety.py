"""`invoke pip-install` never deletes what it did not write.

These run before pip: a refused vendor_dir must never reach pip, so `pip` here fails the
test if it is called.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.shipping.conftest import REPO, make_wheel
from tight.tasks.config import load_config
from tight.tasks.errors import TaskError
from tight.tasks.vendor import vendor
from tight.tasks.vendor.stamp import STAMP_FILE


def never_pip(args):  # type: ignore[no-untyped-def]
    raise AssertionError(f"pip must not run for a refused vendor_dir: {args}")


def set_vendor_dir(app: Path, value: str) -> None:
    text = (
        (app / "tight.yml").read_text().replace("vendor_dir: app/vendored", f"vendor_dir: {value}")
    )
    (app / "tight.yml").write_text(text)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (".", "is the app folder itself"),
        ("app", "holds the app's app/functions"),
        ("app/functions", "holds the app's app/functions"),
        ("tests", "holds the app's tests"),
        ("../victim", "outside the app"),
    ],
)
def test_pip_install_refuses_vendor_dir_app(app: Path, value: str, message: str) -> None:
    victim = app.parent / "victim"
    victim.mkdir()
    (victim / "notes.txt").write_text("keep me")
    set_vendor_dir(app, value)
    before = snapshot(app)
    with pytest.raises(TaskError) as error:
        vendor(load_config(), pip=never_pip)
    assert message in error.value.problem
    assert "vendor_dir: app/vendored" in error.value.fix
    assert snapshot(app) == before
    assert (victim / "notes.txt").read_text() == "keep me"


def test_pip_install_refuses_vendor_dir_absolute_outside_the_app(app: Path, tmp_path: Path) -> None:
    victim = tmp_path / "home"
    victim.mkdir()
    (victim / "notes.txt").write_text("keep me")
    set_vendor_dir(app, str(victim))
    with pytest.raises(TaskError) as error:
        vendor(load_config(), pip=never_pip)
    assert "outside the app" in error.value.problem
    assert (victim / "notes.txt").read_text() == "keep me"


def test_pip_install_refuses_vendor_dir_symlink_leaving_the_app(app: Path, tmp_path: Path) -> None:
    victim = tmp_path / "elsewhere"
    victim.mkdir()
    (victim / "notes.txt").write_text("keep me")
    (app / "app" / "vendored").rename(app / "app" / "vendored-was")
    (app / "app" / "vendored").symlink_to(victim)
    with pytest.raises(TaskError) as error:
        vendor(load_config(), pip=never_pip)
    assert "outside the app" in error.value.problem
    assert (victim / "notes.txt").read_text() == "keep me"


@pytest.mark.parametrize(
    ("db_dir", "vendor_dir", "message"),
    [
        ("OUTSIDE", "app/shared", None),  # a database outside the app is no obstacle
        ("app/data/db", "app/data", "holds the app's dynamo_db.dir"),
    ],
)
def test_pip_install_refuses_vendor_dir_holding_the_database(
    app: Path, tmp_path: Path, db_dir: str, vendor_dir: str, message: str | None
) -> None:
    db_dir = str(tmp_path / "db") if db_dir == "OUTSIDE" else db_dir
    text = (app / "tight.yml").read_text().replace("dir: dynamo_db", f"dir: {db_dir}")
    (app / "tight.yml").write_text(text)
    set_vendor_dir(app, vendor_dir)
    if message is None:
        (app / "requirements-vendor.txt").write_text("purepkg\n")
        with pytest.raises(AssertionError, match="pip must not run"):
            vendor(load_config(), pip=never_pip)  # every check passed: pip was next
    else:
        with pytest.raises(TaskError) as error:
            vendor(load_config(), pip=never_pip)
        assert message in error.value.problem


def test_pip_install_refuses_vendor_dir_holding_foreign_files(app: Path) -> None:
    set_vendor_dir(app, "app/shared")
    (app / "app" / "shared").mkdir()
    (app / "app" / "shared" / "helpers.py").write_text("MINE = 1\n")
    with pytest.raises(TaskError) as error:
        vendor(load_config(), pip=never_pip)
    assert "holds helpers.py, which `invoke pip-install` did not put there" in error.value.problem
    assert (app / "app" / "shared" / "helpers.py").read_text() == "MINE = 1\n"


def test_pip_install_with_an_old_stamp_and_a_damaged_record_refuses_clearly(app: Path) -> None:
    """A stamp older than its manifest: the RECORDs say what pip-install put there. One that
    is not UTF-8 CSV vouches for nothing, so its files count as foreign: refused, no traceback."""
    vendored = app / "app" / "vendored"
    info = vendored / "purepkg-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "RECORD").write_bytes(b"purepkg.py,,\n\xff\xfe,,\n")
    (vendored / "purepkg.py").write_text("VALUE = 1\n")
    (vendored / STAMP_FILE).write_text(json.dumps({"fingerprint": "older"}))
    with pytest.raises(TaskError) as error:
        vendor(load_config(), pip=never_pip)
    assert "holds purepkg.py, which `invoke pip-install` did not put there" in error.value.problem
    assert (vendored / "purepkg.py").read_text() == "VALUE = 1\n"


@pytest.mark.slow
def test_pip_install_refuses_a_file_added_to_vendored_after_a_run(
    app: Path, offline_pip: Path
) -> None:
    make_wheel(offline_pip, "purepkg", "1.0", "py3-none-any")
    make_wheel(offline_pip, "otherpkg", "1.0", "py3-none-any")
    (app / "requirements-vendor.txt").write_text("purepkg\n")
    vendor(load_config())
    vendored = app / "app" / "vendored"
    stamp = json.loads((vendored / STAMP_FILE).read_text())
    assert "purepkg.py" in stamp["entries"]

    (vendored / "mine.py").write_text("MINE = 1\n")
    (app / "requirements-vendor.txt").write_text("purepkg\notherpkg\n")
    with pytest.raises(TaskError) as error:
        vendor(load_config())
    assert "holds mine.py" in error.value.problem
    assert (vendored / "mine.py").read_text() == "MINE = 1\n"
    assert (vendored / "purepkg.py").is_file()

    (vendored / "mine.py").unlink()
    assert vendor(load_config()).installed == ["otherpkg", "purepkg"]


@pytest.mark.slow
def test_pip_install_rebuilds_when_vendored_packages_were_deleted(
    app: Path, offline_pip: Path
) -> None:
    make_wheel(offline_pip, "purepkg", "1.0", "py3-none-any")
    (app / "requirements-vendor.txt").write_text("purepkg\n")
    vendor(load_config())
    vendored = app / "app" / "vendored"
    for entry in vendored.iterdir():
        if not entry.name.startswith("."):
            if entry.is_dir():
                shutil.rmtree(entry)
            else:
                entry.unlink()
    assert (vendored / STAMP_FILE).is_file()

    result = vendor(load_config())

    assert not result.up_to_date
    assert (vendored / "purepkg.py").is_file()


@pytest.mark.parametrize("name", ["../../outside", "a/b", "my service!", "x" * 65])
def test_artifact_refuses_name_leaving_builds(app: Path, name: str) -> None:
    text = (app / "tight.yml").read_text().replace("name: shipping-app", f"name: {name!r}")
    (app / "tight.yml").write_text(text)
    with pytest.raises(TaskError) as error:
        load_config()
    assert "is not a valid app name" in error.value.problem
    assert "name: " in error.value.fix


@pytest.mark.parametrize("version", ["../../../escaped", "a/b", ".hidden"])
def test_artifact_refuses_version_leaving_builds(app: Path, version: str) -> None:
    (app / "tight.yml").write_text((app / "tight.yml").read_text() + f"version: {version!r}\n")
    with pytest.raises(TaskError) as error:
        load_config()
    assert "cannot be part of a file name" in error.value.problem


def test_vendored_template_is_still_accepted(app: Path) -> None:
    """The generated app (app/vendored with only .gitkeep) passes every check."""
    calls = []

    def fake_pip(args):  # type: ignore[no-untyped-def]
        calls.append(args)
        raise RuntimeError("stop here")

    (app / "requirements-vendor.txt").write_text(f"{REPO}\n")
    with pytest.raises(RuntimeError, match="stop here"):
        vendor(load_config(), pip=fake_pip)
    assert calls
    assert not [p for p in (app / "app").iterdir() if p.name.startswith(".tight-tmp-")]
