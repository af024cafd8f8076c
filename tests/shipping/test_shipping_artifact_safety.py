"""`invoke artifact` never ships a secret through a link, never drops code silently, and
names what it cannot pack."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from tight.tasks import artifact as artifact_module
from tight.tasks.artifact import build_artifact
from tight.tasks.config import load_config
from tight.tasks.errors import TaskError

pytestmark = pytest.mark.slow


def built_names(app: Path) -> dict[str, bytes]:
    built = build_artifact(load_config())
    with zipfile.ZipFile(built.path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def no_zip_written(app: Path) -> bool:
    builds = app / "builds"
    return not builds.exists() or not list(builds.iterdir())


def test_artifact_refuses_symlink_outside_app(vendored_app: Path, tmp_path: Path) -> None:
    secret = tmp_path / "home" / ".aws" / "credentials"
    secret.parent.mkdir(parents=True)
    secret.write_text("[default]\naws_secret_access_key = SECRETSECRET\n")
    (vendored_app / "app" / "lib" / "config.ini").symlink_to(secret)
    (vendored_app / "app" / "functions" / "hello" / "users.txt").symlink_to("/etc/passwd")
    outside_dir = tmp_path / "shared"
    outside_dir.mkdir()
    (outside_dir / "util.py").write_text("X = 1\n")
    (vendored_app / "app" / "lib" / "shared").symlink_to(outside_dir)

    with pytest.raises(TaskError) as error:
        build_artifact(load_config())

    problem = error.value.problem
    assert f"app/lib/config.ini -> {secret} (outside the app)" in problem
    assert "app/functions/hello/users.txt -> /etc/passwd (outside the app)" in problem
    assert f"app/lib/shared -> {outside_dir} (outside the app)" in problem
    assert "instead of linking" in error.value.fix
    assert no_zip_written(vendored_app)


def test_artifact_follows_directory_symlink_inside_app(vendored_app: Path) -> None:
    shared = vendored_app / "shared_src"
    shared.mkdir()
    (shared / "util.py").write_text("UTIL = 1\n")
    (shared / "nested").mkdir()
    (shared / "nested" / "deep.py").write_text("DEEP = 1\n")
    (vendored_app / "app" / "lib" / "shared").symlink_to("../../shared_src")
    (vendored_app / "data.json").write_text('{"a": 1}\n')
    (vendored_app / "app" / "lib" / "data.json").symlink_to(vendored_app / "data.json")

    names = built_names(vendored_app)

    assert names["app/lib/shared/util.py"] == b"UTIL = 1\n"
    assert names["app/lib/shared/nested/deep.py"] == b"DEEP = 1\n"
    assert names["app/lib/data.json"] == b'{"a": 1}\n'


def test_artifact_refuses_links_to_what_never_ships(vendored_app: Path) -> None:
    (vendored_app / "env.yml").write_text("SECRET: hunter2\n")
    (vendored_app / "app" / "lib" / "settings.yml").symlink_to("../../env.yml")
    (vendored_app / "app" / "lib" / "gone.py").symlink_to("../../nowhere.py")
    (vendored_app / "app" / "lib" / "loop").symlink_to("..")

    with pytest.raises(TaskError) as error:
        build_artifact(load_config())

    problem = error.value.problem
    assert "app/lib/settings.yml -> env.yml (which never ships)" in problem
    assert "app/lib/gone.py -> ../../nowhere.py (missing, or a link loop)" in problem
    assert "app/lib/loop -> app (a folder containing the link: a loop)" in problem
    assert no_zip_written(vendored_app)


def test_artifact_refuses_non_utf8_file_name(vendored_app: Path) -> None:
    lib = os.fsencode(vendored_app / "app" / "lib")
    with open(os.path.join(lib, b"caf\xe9.txt"), "wb") as handle:
        handle.write(b"x")

    with pytest.raises(TaskError) as error:
        build_artifact(load_config())

    assert "app/lib/caf\\xe9.txt" in error.value.problem
    assert "UTF-8" in error.value.fix
    assert no_zip_written(vendored_app)


def test_artifact_refuses_huge_file_before_reading_it(
    vendored_app: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def must_not_read(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("the files were read before the size check")

    monkeypatch.setattr(artifact_module, "write_zip", must_not_read)
    big = vendored_app / "app" / "lib" / "big.bin"
    with open(big, "wb") as handle:  # sparse: no disk used
        handle.truncate(artifact_module.UNZIPPED_LIMIT + 1)

    with pytest.raises(TaskError) as error:
        build_artifact(load_config())

    assert "over Lambda's 250.0 MiB limit" in error.value.problem
    assert "largest: app/lib/big.bin 250.0 MiB" in error.value.problem
    assert no_zip_written(vendored_app)


def test_artifact_packs_a_vendored_distribution_whose_record_is_unreadable(
    vendored_app: Path,
) -> None:
    """A RECORD that is not UTF-8 or not CSV (another tool's, or a damaged one) is not
    Tight's: the artifact is still built, and Tight's own dist-info is still slimmed."""
    broken = vendored_app / "app" / "vendored" / "aaa_broken-1.0.dist-info"
    broken.mkdir()
    (broken / "METADATA").write_text("Metadata-Version: 2.1\nName: aaa-broken\nVersion: 1.0\n")
    (broken / "RECORD").write_bytes(b"aaa_broken.py,,\n\xff\xfe,,\na,b,c,d\n")

    names = built_names(vendored_app)

    assert "app/vendored/aaa_broken-1.0.dist-info/RECORD" in names
    tight_info = {name.split("/")[2] for name in names if "/tight_lambda-" in name}
    assert len(tight_info) == 1, tight_info
    (folder,) = tight_info
    assert f"app/vendored/{folder}/METADATA" in names
    assert f"app/vendored/{folder}/RECORD" not in names
