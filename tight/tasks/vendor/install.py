"""`pip install --target` with Lambda's tags, after building what has no Lambda wheel.

The requirement lines pip is given are the file's, with local paths and VCS URLs replaced by
wheels built here (see `build`). The first install asks pip for Lambda's tags only; that is
the whole story for most apps. When it fails, `resolve` finds, from pip's JSON report and
never from pip's wording, the projects with no Lambda wheel; each is built from its sdist if
that gives pure Python (refused by name otherwise), put where the next install finds it, and
the install runs again. A round that finds nothing new to build ends with pip's own message.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

from tight.tasks.config import AppConfig
from tight.tasks.errors import TaskError
from tight.tasks.vendor.build import build_pure_wheel, local_line, needs_local_build, prepare_source
from tight.tasks.vendor.pip import PipRunner, tail
from tight.tasks.vendor.requirements import REQUIREMENTS_FILE, Spec
from tight.tasks.vendor.resolve import without_lambda_wheels
from tight.tasks.vendor.target import describe_platform, platform_args


def requirement_lines(
    config: AppConfig, specs: Sequence[Spec], wheel_dir: Path, pip: PipRunner
) -> list[str]:
    """What pip is given: each spec's line, local sources and VCS URLs as wheels built here."""
    hashed = any(spec.hashes for spec in specs)
    return [
        local_line(prepare_source(spec, config, wheel_dir, pip), hashed)
        if needs_local_build(spec)
        else spec.pip_text
        for spec in specs
    ]


def install_for_lambda(
    config: AppConfig, specs: Sequence[Spec], target: Path, wheel_dir: Path, pip: PipRunner
) -> None:
    """pip install --target with Lambda's tags; sdist-only pure packages are built and retried."""
    built_dir = wheel_dir / "built"
    built_dir.mkdir(parents=True, exist_ok=True)
    requirements = wheel_dir / "requirements.txt"
    lines = requirement_lines(config, specs, wheel_dir, pip)
    requirements.write_text("\n".join(lines) + "\n", encoding="utf-8")
    install = ["install", "--target", str(target), "--no-compile", *platform_args(config)]
    # Wheels built here from sdists: found by name, next to the configured find-links.
    install += ["--find-links", str(built_dir), "--requirement", str(requirements)]
    built: set[str] = set()
    while True:
        result = pip(install)
        if result.returncode == 0:
            return
        missing = without_lambda_wheels(config, specs, requirements, built_dir, wheel_dir, pip)
        fresh = [pin for pin in missing if pin.name not in built]
        if not fresh:
            raise TaskError(
                f"pip could not install the vendored requirements for {describe_platform(config)}:"
                f"\n    {tail(result)}",
                f"fix the requirement pip names above in {REQUIREMENTS_FILE}",
            )
        for pin in fresh:
            built.add(pin.name)
            wheel = build_pure_wheel(pin.requirement, pin.name, config, wheel_dir, pip)
            shutil.copy2(wheel, built_dir / wheel.name)
        shutil.rmtree(target, ignore_errors=True)  # a failed install may have left files
