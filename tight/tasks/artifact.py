"""`invoke artifact`: the zip Lambda runs, byte-identical every time it is built from one tree.

Determinism is what lets a deploy tool skip unchanged code and lets two machines agree on
what shipped: entries are sorted, every timestamp is 1980-01-01, permissions are 0644 (0755
for executables), and the compression level is fixed. What it packs (and what it
refuses) is decided by `tight.tasks.artifact_contents`.
"""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from invoke import Context, task

from tight.tasks import bytecode, runtime_modules
from tight.tasks.artifact_contents import BUILDS_DIR, collect, relative_to_app
from tight.tasks.config import AppConfig, load_config
from tight.tasks.errors import TaskError
from tight.tasks.files import TEMP_PREFIX, default_mode
from tight.tasks.vendor.stamp import read_stamp

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
COMPRESS_LEVEL = 9
# Lambda's documented quotas, in the bytes its API enforces (52428800 / 262144000).
ZIPPED_LIMIT = 50 * 1024 * 1024
UNZIPPED_LIMIT = 250 * 1024 * 1024


@dataclass(frozen=True)
class Artifact:
    path: Path
    sha256: str
    zipped_bytes: int
    unzipped_bytes: int
    files: int
    pyc_note: str | None = None


def check_total_size(entries: dict[str, Path]) -> None:
    """Refuse what cannot fit Lambda's 250 MiB unzipped before reading a byte of it: a huge
    file must not be read into memory just to learn it is too big."""
    sizes = {name: path.stat().st_size for name, path in entries.items()}
    total = sum(sizes.values())
    if total > UNZIPPED_LIMIT:
        biggest = sorted(sizes, key=sizes.__getitem__, reverse=True)[:3]
        raise TaskError(
            f"the app unzips to {_mib(total)}, over Lambda's {_mib(UNZIPPED_LIMIT)} limit "
            f"(largest: {', '.join(f'{n} {_mib(sizes[n])}' for n in biggest)})",
            "trim requirements-vendor.txt, move large files out of app/, or move large "
            "dependencies to a Lambda layer",
        )


def check_vendored(config: AppConfig) -> None:
    """Refuse to pack code vendored for another platform, or no Tight at all."""
    vendor = config.vendor_dir
    if not (vendor / "tight").is_dir():
        raise TaskError(
            f"{vendor} holds no tight package, so app_index.py cannot import in Lambda",
            "run `invoke pip-install --requirements` (requirements-vendor.txt lists tight)",
        )
    stamp = read_stamp(vendor)
    if not stamp:
        return
    built_for = (stamp.get("runtime"), stamp.get("architecture"))
    if built_for != (config.runtime, config.architecture):
        raise TaskError(
            f"{vendor} was vendored for {built_for[0]} on {built_for[1]}, but tight.yml "
            f"says {config.runtime} on {config.architecture}",
            "run `invoke pip-install --requirements` again",
        )


def _zip_info(name: str, path: Path) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
    mode = 0o755 if path.stat().st_mode & (stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH) else 0o644
    info.external_attr = (stat.S_IFREG | mode) << 16
    info.create_system = 3  # Unix, whatever machine builds it
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def write_zip(entries: list[tuple[str, Path]], handle) -> int:
    """Write the entries into an open binary file; returns the unzipped size."""
    unzipped = 0
    with zipfile.ZipFile(handle, "w") as archive:
        for name, path in entries:
            data = path.read_bytes()
            unzipped += len(data)
            archive.writestr(_zip_info(name, path), data, compresslevel=COMPRESS_LEVEL)
    return unzipped


def build_artifact(config: AppConfig, builds_dir: Path | None = None) -> Artifact:
    """Pack the app into builds/<name>-<version or content hash>.zip (temp file + rename)."""
    check_vendored(config)
    builds = builds_dir or config.root / BUILDS_DIR
    builds.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(
        prefix=f"{TEMP_PREFIX}artifact-staging-", dir=builds
    ) as staging:
        collected = collect(config)
        check_total_size(dict(collected))
        entries, note = prepare_entries(config, collected, Path(staging))
        built = _write_artifact(config, entries, builds)
    return Artifact(
        built.path, built.sha256, built.zipped_bytes, built.unzipped_bytes, built.files, note
    )


def prepare_entries(
    config: AppConfig, entries: list[tuple[str, Path]], staging: Path
) -> tuple[list[tuple[str, Path]], str | None]:
    """Tight's dist-info slimmed to its headers, plus every shipped source's `.pyc` compiled by
    the target runtime's CPython (see tight.tasks.bytecode); the note says when they are not."""
    defer_gc = config.raw.get("defer_gc", True)
    if not isinstance(defer_gc, bool):
        raise TaskError(
            f"{config.root / 'tight.yml'}: defer_gc is {defer_gc!r}, not true or false",
            "write `defer_gc: false` to collect garbage during init, or remove the line",
        )
    vendor = relative_to_app(config.vendor_dir, config.root)
    prefix = f"{vendor.as_posix()}/" if vendor is not None else ""
    entries = runtime_modules.slim_tight_metadata(entries, prefix, staging)
    compiled = bytecode.compile_shipped(entries, prefix, config.python_version, staging)
    return sorted(entries + compiled.entries), compiled.note


def _write_artifact(config: AppConfig, entries: list[tuple[str, Path]], builds: Path) -> Artifact:
    fd, tmp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}artifact-", suffix=".zip", dir=builds)
    try:
        with os.fdopen(fd, "w+b") as handle:
            unzipped = write_zip(entries, handle)
            handle.flush()
            handle.seek(0)
            digest = _sha256(handle)
        if unzipped > UNZIPPED_LIMIT:
            raise TaskError(
                f"the app unzips to {_mib(unzipped)}, over Lambda's {_mib(UNZIPPED_LIMIT)} limit",
                "trim requirements-vendor.txt, or move large dependencies to a Lambda layer",
            )
        label = config.version or digest[:12]
        final = builds / f"{config.name}-{label}.zip"
        os.chmod(tmp, default_mode())  # mkstemp makes 0600: CI or Docker users could not read it
        os.replace(tmp, final)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Artifact(final, digest, final.stat().st_size, unzipped, len(entries))


def _sha256(handle) -> str:
    digest = hashlib.sha256()
    for block in iter(lambda: handle.read(1 << 20), b""):
        digest.update(block)
    return digest.hexdigest()


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MiB"


def size_report(artifact: Artifact) -> list[str]:
    zipped = artifact.zipped_bytes / ZIPPED_LIMIT
    unzipped = artifact.unzipped_bytes / UNZIPPED_LIMIT
    lines = [
        f"zipped:   {_mib(artifact.zipped_bytes)} ({artifact.zipped_bytes} bytes) "
        f"= {zipped:.1%} of Lambda's 50 MiB direct-upload limit",
        f"unzipped: {_mib(artifact.unzipped_bytes)} ({artifact.unzipped_bytes} bytes) "
        f"= {unzipped:.1%} of Lambda's 250 MiB limit",
    ]
    if artifact.zipped_bytes > ZIPPED_LIMIT:
        lines.append(
            "warning: over 50 MiB zipped: upload it through S3 (`sam deploy` and "
            "`serverless deploy` do), not directly in the console"
        )
    return lines


@task(help={"builds_dir": "where to write the zip (default: <app>/builds)"})
def artifact(c: Context, builds_dir: str = "") -> None:
    """Build builds/<name>-<version or content hash>.zip for Lambda, byte-identical per tree."""
    config = load_config()
    stale = vendored_is_stale(config)
    built = build_artifact(config, Path(builds_dir).resolve() if builds_dir else None)
    print(f"wrote {built.path} ({built.files} files)")
    if built.pyc_note:
        print(f"note: {built.pyc_note}")
    print(f"sha256:   {built.sha256}")
    for line in size_report(built):
        print(line)
    if stale:
        print(
            f"warning: {config.vendor_dir.relative_to(config.root)} does not match "
            "requirements-vendor.txt any more: run `invoke pip-install --requirements` and "
            "build again"
        )


def vendored_is_stale(config: AppConfig) -> bool:
    """The vendor stamp no longer matches the requirements (or local sources) it was built from."""
    from tight.tasks.vendor.requirements import REQUIREMENTS_FILE, read_requirements
    from tight.tasks.vendor.stamp import fingerprint

    stamp = read_stamp(config.vendor_dir).get("fingerprint")
    requirements = config.root / REQUIREMENTS_FILE
    if not stamp or not requirements.is_file():
        return False
    try:
        return stamp != fingerprint(config, read_requirements(requirements))
    except TaskError:
        return True
