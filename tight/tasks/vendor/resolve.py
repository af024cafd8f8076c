"""Which projects of a requirement tree have no wheel for Lambda, asked of pip's JSON report.

When pip cannot install the tree with Lambda's tags, Tight does not read pip's English error
to learn why. It resolves the tree again for this machine, where sdists are allowed, with
`pip install --dry-run --ignore-installed --report` (pip writes that JSON only for a
resolution that succeeds). Every project the report pins to a wheel that fits Lambda
(`packaging.tags`) is fine; each other one is asked of pip once more, alone and with Lambda's
tags: `name==version` for an sdist, `name` for a wheel of this machine. What still has no
Lambda wheel must be built from source. If even this machine's resolution fails (a project
with no wheel for here either, or no such project), each top-level requirement is asked alone.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from packaging.utils import canonicalize_name

from tight.tasks.config import AppConfig
from tight.tasks.vendor.pip import PipRunner
from tight.tasks.vendor.requirements import Spec
from tight.tasks.vendor.target import fits, platform_args


@dataclass(frozen=True)
class Pin:
    """A project pip chose: its canonical name, and the requirement to build it from."""

    name: str
    requirement: str


def host_resolution(
    requirements: Path, find_links: Path, work: Path, pip: PipRunner
) -> list[dict[str, object]] | None:
    """The report's `install` entries of this machine's resolution, or None if it failed
    (or pip wrote a report version other than 1, the stable format pip documents)."""
    report = work / "host-report.json"
    report.unlink(missing_ok=True)
    args = ["install", "--dry-run", "--ignore-installed", "--quiet", "--report", str(report)]
    result = pip([*args, "--find-links", str(find_links), "--requirement", str(requirements)])
    if result.returncode != 0 or not report.is_file():
        return None
    parsed = json.loads(report.read_text(encoding="utf-8"))
    if not isinstance(parsed, dict) or parsed.get("version") != "1":
        return None  # a report format this code does not know: ask the top-level lines instead
    return [entry for entry in parsed.get("install", []) if isinstance(entry, dict)]


def artifact_name(entry: dict[str, object]) -> str:
    """The file name of what pip would download (`six-1.16.0-py2.py3-none-any.whl`)."""
    info = entry.get("download_info")
    url = info.get("url", "") if isinstance(info, dict) else ""
    return unquote(PurePosixPath(urlsplit(str(url)).path).name)


def has_lambda_wheel(
    requirement: str,
    options: Sequence[str],
    config: AppConfig,
    find_links: Path,
    work: Path,
    pip: PipRunner,
) -> bool:
    """Whether pip finds a wheel for Lambda's tags for one requirement, dependencies aside."""
    single = work / "single-requirement.txt"
    single.write_text("\n".join([*options, requirement]) + "\n", encoding="utf-8")
    args = ["install", "--dry-run", "--ignore-installed", "--no-deps", "--quiet"]
    args += [*platform_args(config), "--find-links", str(find_links)]
    return pip([*args, "--requirement", str(single)]).returncode == 0


def without_lambda_wheels(
    config: AppConfig,
    specs: Sequence[Spec],
    requirements: Path,
    find_links: Path,
    work: Path,
    pip: PipRunner,
) -> list[Pin]:
    """The projects of the tree pip cannot install for Lambda: to be built from source."""
    options = [spec.pip_text for spec in specs if spec.pip_text.startswith("-")]
    entries = host_resolution(requirements, find_links, work, pip)
    if entries is None:
        asked = [Pin(spec.name, spec.requirement) for spec in specs if spec.name]
        return [
            pin
            for pin in asked
            if not has_lambda_wheel(pin.requirement, options, config, find_links, work, pip)
        ]
    missing = []
    for entry in entries:
        metadata = entry.get("metadata")
        if not isinstance(metadata, dict) or "name" not in metadata:
            continue
        name = canonicalize_name(str(metadata["name"]))
        pinned = f"{name}=={metadata.get('version', '')}"
        filename = artifact_name(entry)
        if filename.endswith(".whl") and fits(Path(filename), config):
            continue
        asked = name if filename.endswith(".whl") else pinned
        if not has_lambda_wheel(asked, options, config, find_links, work, pip):
            missing.append(Pin(name, pinned))
    return missing
