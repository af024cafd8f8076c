"""`invoke pip-install`: vendor an app's dependencies for Lambda's platform, not this machine's.

`app/vendored` always mirrors `requirements-vendor.txt` (plus the PACKAGEs given): it is
rebuilt in a fresh folder next to it and swapped in, so a failure leaves the old one intact,
and a stamp inside it records what it was built from, so an unchanged second run does nothing.
This module is the task and the order of the steps; each step lives in a sibling module:
`requirements` (the file, read as pip reads it, markers evaluated for Lambda), `target`
(Lambda's wheel tags and pip's platform flags), `folder` (where vendoring may write, and the
swap), `stamp`, `pip` (running pip), `build` (wheels built here), `resolve` (what has no Lambda
wheel, from pip's JSON report), `install` (pip install --target for Lambda) and `installed`
(what pip installed, read with importlib.metadata, and trimmed of what Lambda provides).
"""

from __future__ import annotations

import shlex
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from invoke import Context, task

from tight.tasks.config import AppConfig, load_config
from tight.tasks.errors import TaskError
from tight.tasks.files import TEMP_PREFIX, write_atomic
from tight.tasks.vendor import pip as pip_module
from tight.tasks.vendor.folder import check_replaceable, check_vendor_location, swap_in
from tight.tasks.vendor.install import install_for_lambda
from tight.tasks.vendor.installed import (
    drop_build_paths,
    installed_names,
    trim_runtime_provided,
    wheel_summary,
)
from tight.tasks.vendor.pip import PipRunner
from tight.tasks.vendor.requirements import REQUIREMENTS_FILE, Spec, parse_spec, read_requirements
from tight.tasks.vendor.stamp import fingerprint, is_up_to_date, write_stamp
from tight.tasks.vendor.target import describe_platform


def append_requirements(path: Path, specs: Sequence[Spec]) -> None:
    if not specs:
        return
    current = path.read_text(encoding="utf-8") if path.is_file() else ""
    if current and not current.endswith("\n"):
        current += "\n"
    current += "".join(f"{spec.text}\n" for spec in specs)
    write_atomic(path, current)


@dataclass
class VendorResult:
    """What a run did, for the task's report and for tests."""

    up_to_date: bool
    installed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    appended: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def wanted(
    req_path: Path, packages: Sequence[str], use_requirements: bool
) -> tuple[list[Spec], list[Spec]]:
    """(every requirement: the file's, then the new PACKAGEs'; the new ones to append)."""
    if use_requirements and not packages and not req_path.is_file():
        raise TaskError(
            f"{req_path} does not exist",
            "create it (one requirement per line) or run `invoke pip-install PACKAGE`",
        )
    if not use_requirements and not packages:
        raise TaskError(
            "nothing to install",
            "run `invoke pip-install --requirements` or `invoke pip-install PACKAGE ...`",
        )
    listed = read_requirements(req_path)
    known = {spec.key for spec in listed}
    new = []
    for text in packages:
        spec = parse_spec(text, Path.cwd())
        if spec.key not in known:
            known.add(spec.key)
            new.append(spec)
    every = [*listed, *new]
    if not every:
        raise TaskError(f"{req_path} lists no requirement", "add one, e.g. `tight`")
    return every, new


def vendor(
    config: AppConfig,
    packages: Sequence[str] = (),
    *,
    use_requirements: bool = True,
    requirements_file: Path | None = None,
    pip: PipRunner | None = None,
) -> VendorResult:
    """Make `vendor_dir` hold exactly the requirements (plus `packages`) for Lambda."""
    pip = pip or pip_module.run_pip
    req_path = requirements_file or config.root / REQUIREMENTS_FILE
    every, new = wanted(req_path, packages, use_requirements)
    stamp = fingerprint(config, every)
    specs = [s for s in every if s.applies_to(config.runtime, config.architecture)]
    skipped = [s.text for s in every if s not in specs]
    if all(s.pip_text.startswith("-") for s in specs):
        raise TaskError(
            f"no requirement in {req_path.name} applies to {config.runtime} on "
            f"{config.architecture} (skipped by their markers: {', '.join(skipped)})",
            "check the markers, or tight.yml's runtime and architecture",
        )
    vendor_dir = check_vendor_location(config)
    if is_up_to_date(vendor_dir, stamp):
        return VendorResult(up_to_date=True)
    check_replaceable(vendor_dir, config)

    vendor_dir.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}vendor-", dir=vendor_dir.parent))
    try:
        target = work / "target"
        install_for_lambda(config, specs, target, work / "wheels", pip)
        explicit = {spec.name for spec in specs if spec.name}
        removed, kept = trim_runtime_provided(target, explicit)
        drop_build_paths(target)
        installed = installed_names(target)
        write_stamp(
            target,
            {
                "fingerprint": stamp,
                "runtime": config.runtime,
                "architecture": config.architecture,
                "requirements": [spec.text for spec in every],
                "skipped": skipped,
                "installed": installed,
                "removed": removed,
            },
        )
        swap_in(target, vendor_dir)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    append_requirements(req_path, new)
    return VendorResult(
        up_to_date=False,
        installed=installed,
        removed=removed,
        kept=kept,
        appended=[spec.text for spec in new],
        skipped=skipped,
    )


@task(
    help={
        "package": "a requirement to vendor and append to requirements-vendor.txt; repeat "
        "-p for several, or list them after `--`: `invoke pip-install -- flywheel requests`",
        "requirements": f"install everything listed in {REQUIREMENTS_FILE}",
        "requirements_file": f"another requirements file (default: <app>/{REQUIREMENTS_FILE})",
    },
    iterable=["package"],
)
def pip_install(
    c: Context,
    package: list[str] | None = None,
    requirements: bool = False,
    requirements_file: str = "",
) -> None:
    """Vendor dependencies into tight.yml's vendor_dir for Lambda's Python and architecture.

    vendor_dir always mirrors requirements-vendor.txt plus the packages given, which are
    appended to it once installed. (invoke has no optional positional arguments: packages
    come with -p or after `--`.)
    """
    config = load_config()
    packages = list(package or []) + shlex.split(getattr(c, "remainder", "") or "")
    req_path = Path(requirements_file).resolve() if requirements_file else None
    print(f"vendoring for {describe_platform(config)} into {config.vendor_dir}")
    result = vendor(config, packages, use_requirements=requirements, requirements_file=req_path)
    if result.up_to_date:
        print(f"{config.vendor_dir.relative_to(config.root)} is up to date (stamp matches)")
        return
    for line in wheel_summary(config.vendor_dir):
        print(f"  {line}")
    if result.removed:
        print(f"removed (provided by the Lambda runtime): {', '.join(result.removed)}")
    if result.skipped:
        print(
            f"skipped (their markers are false for {config.runtime} on {config.architecture}): "
            + ", ".join(result.skipped)
        )
    if result.kept:
        print(f"kept although Lambda provides them (you listed them): {', '.join(result.kept)}")
    for text in result.appended:
        print(f"added {text!r} to {REQUIREMENTS_FILE}")
