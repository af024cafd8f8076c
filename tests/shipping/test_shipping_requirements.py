"""requirements-vendor.txt read for Lambda's Python, not this one: markers, `-r`, `--hash`."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tests.shipping.conftest import REPO, make_wheel
from tight.tasks.config import load_config
from tight.tasks.errors import TaskError
from tight.tasks.vendor import vendor

pytestmark = pytest.mark.slow


def set_runtime(app: Path, runtime: str) -> None:
    text = (app / "tight.yml").read_text().replace("runtime: python3.11", f"runtime: {runtime}")
    (app / "tight.yml").write_text(text)


def test_requirements_markers_evaluated_for_target_runtime(
    app: Path, offline_pip: Path, run_invoke
) -> None:
    for name in ("newpy", "oldpy", "armonly", "linuxonly", "winonly"):
        make_wheel(offline_pip, name, "1.0", "py3-none-any")
    set_runtime(app, "python3.12")  # this machine runs 3.11: its markers must not decide
    (app / "requirements-vendor.txt").write_text(
        'newpy; python_version >= "3.12"\n'
        'oldpy; python_version < "3.12"\n'
        'armonly; platform_machine == "aarch64"\n'
        'linuxonly; sys_platform == "linux" and platform_machine == "x86_64"\n'
        'winonly; sys_platform == "win32"\n'
    )

    result = run_invoke(app, "pip-install", "--requirements")

    assert result.returncode == 0, result.stdout
    vendored = {p.name for p in (app / "app" / "vendored").glob("*.py")}
    assert vendored == {"newpy.py", "linuxonly.py"}
    assert "skipped (their markers are false for python3.12 on x86_64)" in result.stdout
    assert "oldpy" in result.stdout and "armonly" in result.stdout


def test_requirements_r_includes_are_read_relative_to_their_file(
    app: Path, offline_pip: Path
) -> None:
    make_wheel(offline_pip, "purepkg", "1.0", "py3-none-any")
    make_wheel(offline_pip, "otherpkg", "1.0", "py3-none-any")
    (app / "reqs").mkdir()
    (app / "reqs" / "base.txt").write_text("purepkg\n-r more/extra.txt\n")
    (app / "reqs" / "more").mkdir()
    (app / "reqs" / "more" / "extra.txt").write_text("otherpkg  # a comment\n")
    (app / "requirements-vendor.txt").write_text("--requirement reqs/base.txt\n")

    assert vendor(load_config()).installed == ["otherpkg", "purepkg"]

    (app / "reqs" / "more" / "extra.txt").write_text("-r ../gone.txt\n")
    with pytest.raises(TaskError, match=r"extra\.txt includes .*gone\.txt, which does not exist"):
        vendor(load_config())
    (app / "reqs" / "more" / "extra.txt").write_text("-r ../base.txt\n")
    with pytest.raises(TaskError, match="includes itself"):
        vendor(load_config())


def test_requirements_hash_lines_work_with_a_local_tight(app: Path, offline_pip: Path) -> None:
    wheel = make_wheel(offline_pip, "purepkg", "1.0", "py3-none-any")
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    (app / "requirements-vendor.txt").write_text(
        f"{REPO}\npurepkg==1.0 \\\n    --hash=sha256:{digest}\n"
    )

    assert vendor(load_config()).installed == ["purepkg", "tight-lambda"]

    (app / "requirements-vendor.txt").write_text(f"{REPO}\npurepkg==1.0 --hash=sha256:{'0' * 64}\n")
    with pytest.raises(TaskError, match="pip could not install"):
        vendor(load_config())
    assert (app / "app" / "vendored" / "purepkg.py").is_file()  # the old folder is intact


def test_requirements_parsing_uses_packaging(tmp_path: Path) -> None:
    from tight.tasks.vendor.requirements import logical_lines, parse_spec, read_requirements

    spec = parse_spec('Foo_Bar[x]>=1.0 ; python_version >= "3.12"', tmp_path)
    assert (spec.name, spec.pip_text, spec.marker) == (
        "foo-bar",
        "Foo_Bar[x]>=1.0",
        'python_version >= "3.12"',
    )
    assert spec.applies_to("python3.12", "x86_64") and not spec.applies_to("python3.11", "x86_64")
    lines = logical_lines("a \\\n  --hash=sha256:1\n# c\n\nb # d\n")
    assert [" ".join(line.split()) for line in lines] == ["a --hash=sha256:1", "b"]
    (tmp_path / "r.txt").write_text("not a requirement!!\n")
    with pytest.raises(TaskError, match="is not a requirement pip understands"):
        read_requirements(tmp_path / "r.txt")


def test_a_file_url_is_decoded_as_path_as_uri_wrote_it(tmp_path: Path) -> None:
    """A checkout in a folder with a space is written `file:///my%20dir/tight` by the
    template; the vendored path is the real folder, not one named `my%20dir`."""
    from tight.tasks.vendor.requirements import parse_spec

    checkout = tmp_path / "my dir" / "tight"
    checkout.mkdir(parents=True)

    named = parse_spec(f"tight-lambda @ {checkout.as_uri()}", tmp_path)
    bare = parse_spec(checkout.as_uri(), tmp_path)
    relative = parse_spec("file:my%20dir/tight", tmp_path)

    assert named.local == bare.local == relative.local == checkout
