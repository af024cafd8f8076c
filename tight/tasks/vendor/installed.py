"""What pip installed into a vendor folder, read through `importlib.metadata`, and trimmed.

Each distribution's `.dist-info` is opened with `importlib.metadata.Distribution.at`, which
reads its METADATA (the real project name), RECORD (the files it owns) and WHEEL (its tags)
as the standard library reads any installed package. On that basis the folder is trimmed:
what every Lambda Python runtime already provides (boto3 and its closure) is removed file by
file, console scripts go, and pip's `direct_url.json` (an absolute path of this machine) is
dropped so that two clones vendor the same bytes.
"""

from __future__ import annotations

import email
import shutil
from collections.abc import Iterable
from importlib.metadata import Distribution
from pathlib import Path

from packaging.utils import canonicalize_name

# What every python3.10-3.13 Lambda runtime already has in /var/runtime: the SDK and its
# dependency closure. AWS documents the SDK (boto3); the rest is what boto3 needs to import.
# Shipping them again only adds ~25 MB and shadows the versions botocore was tested with.
# A package the user names explicitly (requirements file or PACKAGE) is kept: they asked.
RUNTIME_PROVIDED = (
    "boto3",
    "botocore",
    "s3transfer",
    "jmespath",
    "python-dateutil",
    "six",
    "urllib3",
)


def dist_infos(target: Path) -> dict[str, Path]:
    """Canonical project name (from METADATA) -> its .dist-info folder inside `target`."""
    found = {}
    for info in sorted(target.glob("*.dist-info")):
        name = Distribution.at(info).metadata["Name"]
        found[canonicalize_name(name or info.name.rsplit("-", 1)[0])] = info
    return found


def installed_names(target: Path) -> list[str]:
    """The canonical names of the distributions in `target`, sorted."""
    return sorted(dist_infos(target))


def owned_files(dist: Distribution, root: Path) -> set[Path]:
    """The resolved paths RECORD lists, kept only when they lie inside `root`."""
    resolved = {Path(dist.locate_file(file)).resolve() for file in dist.files or ()}
    return {path for path in resolved if path.is_relative_to(root)}


def top_level_entries(info: Path) -> set[str]:
    """The top-level names a distribution's RECORD installs, plus its dist-info folder.
    A RECORD that is not UTF-8 CSV vouches for nothing (its files then count as foreign)."""
    try:
        files = Distribution.at(info).files or ()
    except (UnicodeDecodeError, ValueError, TypeError):
        files = ()
    found = {info.name}
    for file in files:
        top = file.parts[0] if file.parts else ""
        if top and top != "..":
            found.add(top)
    return found


def remove_distribution(target: Path, info: Path) -> None:
    """Delete every file its RECORD lists (and the dist-info), then the folders left empty."""
    root = target.resolve()
    paths = owned_files(Distribution.at(info), root)
    for path in sorted(paths, reverse=True):
        if path.is_file():
            path.unlink()
    shutil.rmtree(info, ignore_errors=True)
    for folder in sorted({p.parent for p in paths}, key=lambda p: len(p.parts), reverse=True):
        while folder != root and folder.is_dir():
            shutil.rmtree(folder / "__pycache__", ignore_errors=True)
            if any(folder.iterdir()):
                break
            folder.rmdir()
            folder = folder.parent


def trim_runtime_provided(target: Path, explicit: Iterable[str]) -> tuple[list[str], list[str]]:
    """Remove what Lambda already provides; returns (removed, kept because named explicitly)."""
    installed = dist_infos(target)
    explicit = set(explicit)
    removed, kept = [], []
    for name in RUNTIME_PROVIDED:
        if name not in installed:
            continue
        if name in explicit:
            kept.append(name)
            continue
        remove_distribution(target, installed[name])
        removed.append(name)
    shutil.rmtree(target / "bin", ignore_errors=True)  # console scripts: useless in Lambda
    return removed, kept


def drop_build_paths(target: Path) -> None:
    """Remove each distribution's direct_url.json (and its RECORD line): pip records there
    the absolute path of the wheel it installed, a random temp folder under this clone, so two
    clones would ship different bytes (and the build machine's paths)."""
    for info in target.glob("*.dist-info"):
        direct_url = info / "direct_url.json"
        if not direct_url.is_file():
            continue
        direct_url.unlink()
        record = info / "RECORD"
        if record.is_file():
            entry = f"{info.name}/direct_url.json,"
            lines = record.read_text(encoding="utf-8").splitlines(keepends=True)
            record.write_text(
                "".join(line for line in lines if not line.startswith(entry)), encoding="utf-8"
            )


def wheel_summary(target: Path) -> list[str]:
    """`name-version  tag` of each distribution, from the first `Tag:` of its WHEEL file."""
    lines = []
    for info in sorted(target.glob("*.dist-info")):
        wheel = Distribution.at(info).read_text("WHEEL") or ""
        tags = email.message_from_string(wheel).get_all("Tag") or []
        lines.append(f"{info.name.removesuffix('.dist-info')}  {tags[0] if tags else '?'}")
    return lines
