"""`invoke pip-install`: Lambda's platform tags, local builds, trimming, atomicity, the stamp."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.shipping.conftest import REPO, make_sdist, make_wheel
from tight.tasks import vendor as vendor_module
from tight.tasks.config import load_config
from tight.tasks.errors import TaskError
from tight.tasks.vendor import pip as vendor_pip
from tight.tasks.vendor import vendor
from tight.tasks.vendor.stamp import STAMP_FILE


def set_platform(app: Path, runtime: str, architecture: str) -> None:
    text = (app / "tight.yml").read_text()
    text = text.replace("runtime: python3.11", f"runtime: {runtime}")
    text = text.replace("architecture: x86_64", f"architecture: {architecture}")
    (app / "tight.yml").write_text(text)


def installed_tag(app: Path, dist: str) -> tuple[str, list[str]]:
    """(version, WHEEL tags) of a vendored distribution."""
    (info,) = (app / "app" / "vendored").glob(f"{dist}-*.dist-info")
    tags = [
        line.split(":", 1)[1].strip()
        for line in (info / "WHEEL").read_text().splitlines()
        if line.startswith("Tag:")
    ]
    return info.name.removesuffix(".dist-info").split("-")[1], tags


def native_wheels(house: Path) -> None:
    """One project with wheels for several platforms. 1.1 is newest but needs glibc 2.34
    (fine on AL2023 runtimes, not on python3.11's AL2); 1.3 is a Mac wheel."""
    make_wheel(house, "nativepkg", "1.0", "cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64")
    make_wheel(
        house, "nativepkg", "1.0", "cp311-cp311-manylinux_2_17_aarch64.manylinux2014_aarch64"
    )
    make_wheel(house, "nativepkg", "1.0", "cp312-cp312-manylinux_2_28_aarch64")
    make_wheel(house, "nativepkg", "1.1", "cp311-cp311-manylinux_2_34_x86_64")
    make_wheel(house, "nativepkg", "1.1", "cp312-cp312-manylinux_2_34_x86_64")
    make_wheel(house, "nativepkg", "1.3", "cp311-cp311-macosx_11_0_arm64")
    make_wheel(house, "nativepkg", "1.3", "cp312-cp312-linux_x86_64")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("runtime", "architecture", "version", "tag"),
    [
        ("python3.11", "x86_64", "1.0", "cp311-cp311-manylinux_2_17_x86_64"),
        ("python3.11", "arm64", "1.0", "cp311-cp311-manylinux_2_17_aarch64"),
        ("python3.12", "arm64", "1.0", "cp312-cp312-manylinux_2_28_aarch64"),
        ("python3.12", "x86_64", "1.1", "cp312-cp312-manylinux_2_34_x86_64"),
    ],
)
def test_installs_the_wheel_for_lambdas_python_and_architecture(
    app: Path, offline_pip: Path, runtime: str, architecture: str, version: str, tag: str
) -> None:
    native_wheels(offline_pip)
    set_platform(app, runtime, architecture)
    (app / "requirements-vendor.txt").write_text("nativepkg\n")

    result = vendor(load_config())

    assert result.installed == ["nativepkg"]
    got_version, tags = installed_tag(app, "nativepkg")
    assert (got_version, tags[0]) == (version, tag)
    stamp = json.loads((app / "app" / "vendored" / STAMP_FILE).read_text())
    assert (stamp["runtime"], stamp["architecture"]) == (runtime, architecture)


@pytest.mark.slow
def test_vendors_tight_from_this_checkout_and_drops_what_lambda_provides(
    app: Path, offline_pip: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_wheel(offline_pip, "awsuser", "1.0", "py3-none-any", requires=("boto3",))
    (app / "requirements-vendor.txt").write_text(f"{REPO}\nawsuser\n")

    vendor_module.pip_install.body(_context(), requirements=True)

    vendored = app / "app" / "vendored"
    assert (vendored / "tight" / "providers" / "aws" / "lambda_app" / "app.py").is_file()
    assert (vendored / "awsuser.py").is_file()
    for gone in ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "six.py", "urllib3"):
        assert not (vendored / gone).exists(), gone
    assert not list(vendored.glob("boto*.dist-info"))
    assert (vendored / ".gitkeep").is_file(), "the template's marker file survives the swap"
    out = capsys.readouterr().out
    assert (
        "removed (provided by the Lambda runtime): boto3, botocore, s3transfer, jmespath, "
        "python-dateutil, six, urllib3"
    ) in out
    assert "py3-none-any" in out


@pytest.mark.slow
def test_a_runtime_package_named_explicitly_is_kept(app: Path, offline_pip: Path) -> None:
    make_wheel(offline_pip, "awsuser", "1.0", "py3-none-any", requires=("six", "jmespath"))
    (app / "requirements-vendor.txt").write_text("awsuser\nsix\n")

    result = vendor(load_config())

    assert result.kept == ["six"]
    assert result.removed == ["jmespath"]
    assert (app / "app" / "vendored" / "six.py").is_file()


@pytest.mark.slow
def test_pure_sdist_is_built_locally_and_native_sdist_is_refused(
    app: Path, offline_pip: Path
) -> None:
    make_sdist(offline_pip, "puresrc", "1.0")
    make_sdist(offline_pip, "nativesrc", "1.0", native=True)
    (app / "requirements-vendor.txt").write_text("puresrc\n")

    vendor(load_config())

    assert installed_tag(app, "puresrc")[1] == ["py3-none-any"]
    before = sorted(p.name for p in (app / "app" / "vendored").iterdir())

    with pytest.raises(TaskError) as error:
        vendor(load_config(), ["nativesrc"])

    assert "'nativesrc'" in error.value.problem
    assert "native code for this machine" in error.value.problem
    assert sorted(p.name for p in (app / "app" / "vendored").iterdir()) == before
    assert (app / "requirements-vendor.txt").read_text() == "puresrc\n"


@pytest.mark.slow
def test_package_without_a_fitting_wheel_fails_by_name_and_keeps_vendored(
    app: Path, offline_pip: Path
) -> None:
    make_wheel(offline_pip, "purepkg", "1.0", "py3-none-any")
    make_wheel(offline_pip, "maconly", "1.0", "cp311-cp311-macosx_11_0_arm64")
    (app / "requirements-vendor.txt").write_text("purepkg\n")
    vendor(load_config())
    vendored = app / "app" / "vendored"
    before = {p.name: p.stat().st_ino for p in vendored.iterdir()}

    with pytest.raises(TaskError) as error:
        vendor(load_config(), ["maconly"])

    assert "'maconly'" in error.value.problem
    assert "python3.11 on x86_64" in error.value.problem
    assert {p.name: p.stat().st_ino for p in vendored.iterdir()} == before
    assert (app / "requirements-vendor.txt").read_text() == "purepkg\n"
    leftovers = [p.name for p in vendored.parent.iterdir() if p.name.startswith(".vendored")]
    assert leftovers == [], "the temporary folder is cleaned up"


@pytest.mark.slow
def test_cli_unknown_package_exits_non_zero_naming_it(
    app: Path, offline_pip: Path, run_invoke
) -> None:
    make_wheel(offline_pip, "purepkg", "1.0", "py3-none-any")
    (app / "requirements-vendor.txt").write_text("purepkg\n")
    assert run_invoke(app, "pip-install", "--requirements").returncode == 0
    marker = app / "app" / "vendored" / "purepkg.py"
    assert marker.is_file()

    result = run_invoke(app, "pip-install", "--", "tight-no-such-package")

    assert result.returncode != 0
    assert "tight-no-such-package" in result.stdout
    assert "Traceback" not in result.stdout
    assert marker.is_file()
    assert (app / "requirements-vendor.txt").read_text() == "purepkg\n"


@pytest.mark.slow
def test_each_package_is_appended_once(app: Path, offline_pip: Path, run_invoke) -> None:
    make_wheel(offline_pip, "purepkg", "1.0", "py3-none-any")
    make_wheel(offline_pip, "other-pkg", "2.0", "py3-none-any")
    (app / "requirements-vendor.txt").write_text("# vendored\n")

    first = run_invoke(app, "pip-install", "-p", "purepkg")
    vendor(load_config(), ["PurePkg", "other_pkg>=1"])
    vendor(load_config(), ["purepkg", "other-pkg"])

    assert first.returncode == 0, first.stdout
    assert "added 'purepkg' to requirements-vendor.txt" in first.stdout
    lines = (app / "requirements-vendor.txt").read_text().splitlines()
    assert lines == ["# vendored", "purepkg", "other_pkg>=1"]
    assert (app / "app" / "vendored" / "purepkg.py").is_file()
    assert (app / "app" / "vendored" / "other_pkg.py").is_file()


@pytest.mark.slow
def test_second_run_with_nothing_changed_does_not_run_pip(
    app: Path, offline_pip: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_wheel(offline_pip, "purepkg", "1.0", "py3-none-any")
    make_wheel(offline_pip, "other-pkg", "2.0", "py3-none-any")
    (app / "requirements-vendor.txt").write_text("purepkg\n")
    vendor(load_config())
    stamp = json.loads((app / "app" / "vendored" / STAMP_FILE).read_text())
    calls: list[list[str]] = []

    def no_pip(args):
        calls.append(list(args))
        raise AssertionError("pip must not run when nothing changed")

    with monkeypatch.context() as patched:
        patched.setattr(vendor_pip, "run_pip", no_pip)
        assert vendor(load_config()).up_to_date
        assert vendor(load_config(), ["purepkg"]).up_to_date  # already listed
    assert calls == []
    assert stamp["requirements"] == ["purepkg"]

    # Any input of the stamp changing means a rebuild: requirements, then architecture.
    (app / "requirements-vendor.txt").write_text("purepkg\nother-pkg\n")
    assert not vendor(load_config()).up_to_date
    set_platform(app, "python3.11", "arm64")
    assert not vendor(load_config()).up_to_date
    assert vendor(load_config()).up_to_date


@pytest.mark.slow
def test_local_source_edit_invalidates_the_stamp(
    app: Path, offline_pip: Path, tmp_path: Path
) -> None:
    source = tmp_path / "localpkg"
    (source / "localpkg").mkdir(parents=True)
    (source / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools>=64"]\nbuild-backend = "setuptools.build_meta"\n'
        '[project]\nname = "localpkg"\nversion = "1.0"\n'
    )
    (source / "localpkg" / "__init__.py").write_text("VALUE = 1\n")
    (app / "requirements-vendor.txt").write_text(f"{source}\n")

    vendor(load_config())
    assert vendor(load_config()).up_to_date
    (source / "localpkg" / "__init__.py").write_text("VALUE = 2\n")
    assert not vendor(load_config()).up_to_date

    shipped = app / "app" / "vendored" / "localpkg" / "__init__.py"
    assert shipped.read_text() == "VALUE = 2\n"
    assert not (source / "build").exists(), "the user's source tree is left clean"


def test_nothing_to_install_is_a_clear_error(app: Path) -> None:
    with pytest.raises(TaskError) as error:
        vendor(load_config(), use_requirements=False)
    assert "nothing to install" in error.value.problem
    (app / "requirements-vendor.txt").unlink()
    with pytest.raises(TaskError) as error:
        vendor(load_config())
    assert "requirements-vendor.txt does not exist" in error.value.problem


def test_missing_local_path_is_named(app: Path) -> None:
    (app / "requirements-vendor.txt").write_text("../no-such-checkout\n")
    with pytest.raises(TaskError) as error:
        vendor(load_config())
    assert "no-such-checkout" in error.value.problem


def test_platform_flags_follow_the_lambda_os() -> None:
    from dataclasses import replace

    from tight.tasks.vendor.target import lambda_platforms

    config = _config("python3.11", "x86_64")
    platforms = lambda_platforms(config)
    assert platforms[0] == "manylinux_2_26_x86_64"  # Amazon Linux 2: glibc 2.26
    assert "manylinux_2_27_x86_64" not in platforms
    assert "manylinux2014_x86_64" in platforms
    arm = lambda_platforms(replace(config, runtime="python3.13", architecture="arm64"))
    assert arm[0] == "manylinux_2_34_aarch64"  # Amazon Linux 2023: glibc 2.34
    assert all("x86_64" not in p for p in arm)


@pytest.mark.parametrize(
    ("wheel", "runtime", "architecture", "fits"),
    [
        ("x-1-cp38-abi3-manylinux2014_x86_64.whl", "python3.11", "x86_64", True),  # stable ABI
        ("x-1-cp311-cp311-manylinux1_x86_64.whl", "python3.11", "x86_64", True),
        ("x-1-cp312-cp312-manylinux_2_28_x86_64.whl", "python3.12", "x86_64", True),
        ("x-1-py2.py3-none-any.whl", "python3.13", "arm64", True),
        ("x-1-cp311-cp311-manylinux_2_28_x86_64.whl", "python3.11", "x86_64", False),  # AL2
        ("x-1-cp312-cp312-manylinux_2_17_x86_64.whl", "python3.11", "x86_64", False),
        ("x-1-cp311-cp311-manylinux_2_17_x86_64.whl", "python3.11", "arm64", False),
        ("x-1-cp311-cp311-manylinux2010_aarch64.whl", "python3.11", "arm64", False),
        ("x-1-cp311-cp311-linux_x86_64.whl", "python3.11", "x86_64", False),
        ("x-1-cp311-cp311-musllinux_1_2_x86_64.whl", "python3.11", "x86_64", False),
    ],
)
def test_a_wheel_fits_lambda_by_packaging_tags(
    wheel: str, runtime: str, architecture: str, fits: bool
) -> None:
    from tight.tasks.vendor.target import fits as fits_lambda

    assert fits_lambda(Path(wheel), _config(runtime, architecture)) is fits


@pytest.mark.slow
def test_an_sdist_only_dependency_is_found_in_pips_report_and_built(
    app: Path, offline_pip: Path
) -> None:
    make_sdist(offline_pip, "puresrc", "1.0")
    make_wheel(offline_pip, "needssrc", "1.0", "py3-none-any", requires=("puresrc",))
    (app / "requirements-vendor.txt").write_text("needssrc\n")

    result = vendor(load_config())

    assert result.installed == ["needssrc", "puresrc"]
    assert installed_tag(app, "puresrc")[1] == ["py3-none-any"]


@pytest.mark.slow
def test_pips_wording_is_never_read(app: Path, offline_pip: Path) -> None:
    """Exit codes and pip's JSON report decide: with every message pip prints scrambled, the
    pure sdist is still built and the Mac-only wheel still refused by its name."""
    import subprocess

    from tight.tasks.vendor.pip import run_pip

    def scrambled(args):  # type: ignore[no-untyped-def]
        result = run_pip(args)
        return subprocess.CompletedProcess(
            result.args, result.returncode, result.stdout[::-1], result.stderr[::-1]
        )

    make_sdist(offline_pip, "puresrc", "1.0")
    make_wheel(offline_pip, "maconly", "1.0", "cp311-cp311-macosx_11_0_arm64")
    (app / "requirements-vendor.txt").write_text("puresrc\n")

    assert vendor(load_config(), pip=scrambled).installed == ["puresrc"]
    with pytest.raises(TaskError) as error:
        vendor(load_config(), ["maconly"], pip=scrambled)
    assert "'maconly'" in error.value.problem
    assert "python3.11 on x86_64" in error.value.problem


def _config(runtime: str, architecture: str):
    from tight.tasks.config import AppConfig

    return AppConfig(
        root=Path("/"), name="x", vendor_dir=Path("/v"), runtime=runtime, architecture=architecture
    )


def _context():
    from invoke import Context

    return Context()
