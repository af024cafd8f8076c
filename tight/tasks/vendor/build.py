"""Wheels built on this machine: local paths, VCS URLs, and sdists with no Lambda wheel.

pip's `--platform`/`--only-binary=:all:` flags, which make it choose Lambda's wheels, also
forbid it to build anything. So what only exists as source (a local checkout such as Tight
itself, a `git+https://` URL, a project that publishes only an sdist) is built into a wheel
here first with `pip wheel --no-deps`, then installed like any other wheel. Building on this
machine is only right for pure Python; a build that yields native code for this machine is
refused by name, with the way to build it for Lambda instead.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

from packaging.utils import canonicalize_name

from tight.tasks.config import AppConfig
from tight.tasks.errors import TaskError
from tight.tasks.vendor.pip import PipRunner, tail
from tight.tasks.vendor.requirements import REQUIREMENTS_FILE, Spec
from tight.tasks.vendor.stamp import is_build_noise
from tight.tasks.vendor.target import describe_platform, fits, is_pure

_VCS = re.compile(r"^(\S+\s*@\s*)?(git|hg|svn|bzr)\+")


class BuildFailed(Exception):
    """`pip wheel` made no wheel; the message is the tail of what pip printed."""


def build_wheel(
    spec_text: str, wheel_dir: Path, pip: PipRunner, *, only_source: str | None = None
) -> Path:
    """`pip wheel --no-deps` one requirement; returns the wheel it made."""
    out = wheel_dir / hashlib.sha256(spec_text.encode()).hexdigest()[:12]
    out.mkdir(parents=True, exist_ok=True)
    args = ["wheel", "--no-deps", "--wheel-dir", str(out)]
    if only_source:
        args += ["--no-binary", only_source]
    result = pip([*args, spec_text])
    wheels = sorted(out.glob("*.whl"))
    if result.returncode != 0 or not wheels:
        raise BuildFailed(tail(result))
    return wheels[0]


def is_vcs(spec: Spec) -> bool:
    """`tight-lambda @ git+https://...@<commit>`: what apps rendered from a git URL ship."""
    return spec.local is None and bool(_VCS.match(spec.text))


def needs_local_build(spec: Spec) -> bool:
    """A local path or a VCS URL: pip's binary-only install would refuse it as it is."""
    return spec.local is not None or is_vcs(spec)


def prepare_source(spec: Spec, config: AppConfig, wheel_dir: Path, pip: PipRunner) -> Path:
    """The wheel of a local path (a .whl as it is, a folder from a clean copy) or VCS URL."""
    if spec.local is not None and spec.local.suffix == ".whl":
        wheel = spec.local
    else:
        source = str(spec.local) if spec.local is not None else spec.text
        if spec.local is not None and spec.local.is_dir():
            # Build from a clean copy: setuptools reuses a stale build/ in the source tree
            # (shipping modules deleted since) and would litter the user's checkout.
            copy = wheel_dir / "src" / spec.local.name
            shutil.copytree(spec.local, copy, ignore=_build_noise)
            source = str(copy)
        try:
            wheel = build_wheel(source, wheel_dir, pip)
        except BuildFailed as exc:
            check = (
                "check that the path holds a Python project (pyproject.toml or setup.py)"
                if spec.local is not None
                else f"check the URL and the commit in {REQUIREMENTS_FILE}"
            )
            raise TaskError(
                f"could not build a wheel from {spec.text!r}:\n    {exc}", check
            ) from exc
    if not fits(wheel, config):
        raise TaskError(
            f"{spec.text!r} gives {wheel.name}, which is native code for this machine, "
            f"not for {describe_platform(config)}",
            "build it inside a Lambda build image (public.ecr.aws/sam/build-"
            f"{config.runtime}) and list the resulting .whl in {REQUIREMENTS_FILE}",
        )
    return wheel


def build_pure_wheel(
    requirement: str, name: str, config: AppConfig, wheel_dir: Path, pip: PipRunner
) -> Path:
    """No Lambda wheel exists: a pure-Python sdist is fine to build here; native code is not."""
    try:
        wheel = build_wheel(requirement, wheel_dir, pip, only_source=name)
    except BuildFailed as exc:
        raise TaskError(
            f"no wheel of {_shown(name, requirement)} fits {describe_platform(config)}, and "
            f"there is no source distribution to build one from:\n    {exc}",
            f"check the name and version of {name!r}, or pick a version that publishes "
            f"manylinux wheels for {config.architecture} and {config.runtime}",
        ) from exc
    if not is_pure(wheel):
        raise TaskError(
            f"{_shown(name, requirement)} has no wheel for {describe_platform(config)}, and "
            "building its "
            f"source here gave {wheel.name}: native code for this machine, not for Lambda",
            f"pick a version of {name!r} that publishes manylinux wheels for "
            f"{config.architecture} and {config.runtime}, or build it in a Lambda build image "
            f"(public.ecr.aws/sam/build-{config.runtime})",
        )
    return wheel


def local_line(wheel: Path, hashed: bool) -> str:
    """A wheel built here, with its own sha256 when the file uses `--hash`: pip's
    hash-checking mode then covers every line, including the ones Tight builds."""
    if not hashed:
        return str(wheel)
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    return f"{wheel} --hash=sha256:{digest}"


def _build_noise(folder: str, names: list[str]) -> set[str]:
    return {name for name in names if is_build_noise(name)}


def _shown(name: str, requirement: str) -> str:
    """`'nativesrc'`, or `'nativesrc' (nativesrc==1.0)` when pinned, for messages."""
    return repr(name) if canonicalize_name(requirement) == name else f"{name!r} ({requirement})"
