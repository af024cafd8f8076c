"""The Lambda runtime being vendored for: its wheel tags, pip's platform flags, its markers.

Lambda runs Linux (Amazon Linux 2 for python3.10/3.11, Amazon Linux 2023 for 3.12 and later)
on x86_64 or arm64, so a wheel that suits this machine may not import there. Everything that
asks "does this fit Lambda?" asks it here, with the `packaging` library: the tags a wheel must
carry (`packaging.tags`, for the runtime's CPython and the glibc of its OS), the flags that make
pip choose for that platform, and the environment that markers are evaluated against.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from packaging.tags import Tag, compatible_tags, cpython_tags
from packaging.utils import InvalidWheelFilename, parse_wheel_filename

from tight.tasks.config import AppConfig
from tight.tasks.errors import TaskError

MACHINE = {"x86_64": "x86_64", "arm64": "aarch64"}

# glibc of the Lambda OS per runtime: AL2 has 2.26, AL2023 has 2.34.
GLIBC_MINOR = {
    "python3.10": 26,
    "python3.11": 26,
    "python3.12": 34,
    "python3.13": 34,
    "python3.14": 34,
}


def lambda_platforms(config: AppConfig) -> list[str]:
    """The manylinux tags Lambda's OS accepts, newest first (pip does not expand manylinux_2_x)."""
    machine = MACHINE[config.architecture]
    newest = GLIBC_MINOR[config.runtime]
    oldest = 17 if machine == "aarch64" else 5
    platforms = [f"manylinux_2_{minor}_{machine}" for minor in range(newest, oldest - 1, -1)]
    platforms.append(f"manylinux2014_{machine}")  # pip expands it to manylinux2010/1 on x86_64
    return platforms


def platform_args(config: AppConfig) -> list[str]:
    """pip's flags choosing wheels for the runtime's CPython and OS, never this machine's."""
    args = ["--implementation", "cp", "--python-version", config.python_version]
    for platform in lambda_platforms(config):
        args += ["--platform", platform]
    return [*args, "--only-binary=:all:"]


def describe_platform(config: AppConfig) -> str:
    """`python3.11 on x86_64 (cp311, manylinux x86_64)`, for messages."""
    py = "cp" + config.python_version.replace(".", "")
    machine = MACHINE[config.architecture]
    return f"{config.runtime} on {config.architecture} ({py}, manylinux {machine})"


def supported_tags(config: AppConfig) -> frozenset[Tag]:
    """Every wheel tag the runtime's CPython on Lambda's OS and architecture can import."""
    return _supported_tags(config.python_version, tuple(lambda_platforms(config)))


@cache
def _supported_tags(python_version: str, platforms: tuple[str, ...]) -> frozenset[Tag]:
    # manylinux2014 is manylinux_2_17; on x86_64 the two older names below it still fit.
    if platforms[-1].endswith("_x86_64"):
        platforms = (*platforms, "manylinux2010_x86_64", "manylinux1_x86_64")
    version = tuple(int(part) for part in python_version.split("."))
    interpreter = "cp" + "".join(str(part) for part in version)
    return frozenset(
        [
            *cpython_tags(version, platforms=platforms),
            *compatible_tags(version, interpreter, platforms),
        ]
    )


def wheel_tags(wheel: Path) -> frozenset[Tag]:
    """`pkg-1.0-cp311-cp311-manylinux_2_17_x86_64.whl` -> its expanded tags."""
    try:
        return parse_wheel_filename(wheel.name)[3]
    except InvalidWheelFilename as exc:
        raise TaskError(f"{wheel.name} is not a valid wheel file name: {exc}") from exc


def is_pure(wheel: Path) -> bool:
    """Pure Python (`py3-none-any`): it runs wherever its Python version does."""
    return all(tag.abi == "none" and tag.platform == "any" for tag in wheel_tags(wheel))


def fits(wheel: Path, config: AppConfig) -> bool:
    """Whether Lambda's runtime would install this wheel."""
    return not wheel_tags(wheel).isdisjoint(supported_tags(config))


def target_environment(runtime: str, architecture: str) -> dict[str, str]:
    """The marker environment of a Lambda runtime (`python3.12` on `arm64`)."""
    version = runtime.removeprefix("python")
    return {
        "implementation_name": "cpython",
        "implementation_version": f"{version}.0",
        "os_name": "posix",
        "platform_machine": MACHINE[architecture],
        "platform_python_implementation": "CPython",
        "platform_release": "",
        "platform_system": "Linux",
        "platform_version": "",
        "python_full_version": f"{version}.0",
        "python_version": version,
        "sys_platform": "linux",
    }
