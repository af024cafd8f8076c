"""Every Python runtime Lambda offers (python3.10-3.14) is accepted: vendoring needs only
pip's platform options, so it works for a runtime whose interpreter this machine lacks;
what needs that interpreter (running the zip) says what it could not check."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
import yaml

from demo import lambda_sandbox
from tests.shipping.conftest import REPO, make_wheel
from tests.shipping.test_shipping_templates import cfn_lint
from tests.shipping.test_shipping_vendor import installed_tag, set_platform
from tight.tasks.artifact import build_artifact
from tight.tasks.config import SUPPORTED_RUNTIMES, load_config
from tight.tasks.deploy_templates import generate
from tight.tasks.vendor import vendor


def test_every_lambda_python_runtime_is_accepted() -> None:
    assert SUPPORTED_RUNTIMES == (
        "python3.10",
        "python3.11",
        "python3.12",
        "python3.13",
        "python3.14",
    )


@pytest.mark.slow
@pytest.mark.parametrize("architecture,platform", [("x86_64", "x86_64"), ("arm64", "aarch64")])
def test_python314_vendors_builds_and_templates_without_its_interpreter(
    app: Path, offline_pip: Path, architecture: str, platform: str
) -> None:
    make_wheel(offline_pip, "nativepkg", "1.0", f"cp313-cp313-manylinux_2_34_{platform}")
    make_wheel(offline_pip, "nativepkg", "1.1", f"cp314-cp314-manylinux_2_34_{platform}")
    make_wheel(offline_pip, "nativepkg", "1.2", f"cp314-cp314-manylinux_2_39_{platform}")
    set_platform(app, "python3.14", architecture)
    (app / "requirements-vendor.txt").write_text(f"{REPO}\nnativepkg\n")

    vendor(load_config())

    # AL2023 (glibc 2.34) runs python3.14: the newest wheel it can load, for 3.14 only.
    assert installed_tag(app, "nativepkg") == ("1.1", [f"cp314-cp314-manylinux_2_34_{platform}"])
    artifact = build_artifact(load_config()).path
    assert "app/vendored/tight/__init__.py" in zipfile.ZipFile(artifact).namelist()
    path, _ = generate(load_config(), "sam", str(artifact))
    functions = yaml.safe_load(path.read_text())["Resources"]
    runtimes = {
        r["Properties"]["Runtime"]
        for r in functions.values()
        if r["Type"] == "AWS::Serverless::Function"
    }
    assert runtimes == {"python3.14"}
    lint = cfn_lint(path)
    assert lint.returncode == 0, lint.stdout + lint.stderr


@pytest.mark.skipif(shutil.which("python3.14") is not None, reason="python3.14 is installed")
def test_running_the_zip_without_its_interpreter_says_what_was_not_checked(tmp_path: Path) -> None:
    with (
        pytest.raises(lambda_sandbox.SandboxError) as error,
        lambda_sandbox.running(tmp_path / "never-opened.zip", "app_index.x", {}, "python3.14"),
    ):
        pass
    message = str(error.value)
    assert "no python3.14 interpreter" in message
    assert "cannot run under the Lambda runtime loop" in message
