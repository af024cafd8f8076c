"""`invoke artifact`: the zip Lambda runs, byte-identical every time it is built from one tree.

Determinism is what lets a deploy tool skip unchanged code and lets two machines agree on
what shipped: entries are sorted, every timestamp is 1980-01-01, permissions are 0644 (0755
for executables), and the compression level is fixed. Only what runs is packed: `app/`,
`app_index.py`, `env.dist.yml`, `tight.yml`; never tests, caches, dotfiles (`.env`, `.git`),
`env.yml`, the local database, builds, nor Tight's dev-only modules inside the vendored Tight.
"""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from invoke import Context, task

from tight.tasks import bytecode, runtime_modules
from tight.tasks.config import AppConfig, load_config
from tight.tasks.errors import TaskError
from tight.tasks.files import TEMP_PREFIX, default_mode
from tight.tasks.vendor.stamp import read_stamp

BUILDS_DIR = "builds"
TOP_FILES = ("app_index.py", "env.dist.yml", "tight.yml")
REQUIRED = ("app_index.py", "tight.yml")
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
COMPRESS_LEVEL = 9
# Lambda's documented quotas, in the bytes its API enforces (52428800 / 262144000).
ZIPPED_LIMIT = 50 * 1024 * 1024
UNZIPPED_LIMIT = 250 * 1024 * 1024

CACHE_DIRS = {"__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".hypothesis"}
TEST_DIRS = {"tests", "test"}


@dataclass(frozen=True)
class Artifact:
    path: Path
    sha256: str
    zipped_bytes: int
    unzipped_bytes: int
    files: int
    pyc_note: str | None = None


def _is_test_file(name: str) -> bool:
    return name == "conftest.py" or (
        name.endswith(".py") and (name.startswith("test_") or name.endswith("_test.py"))
    )


def excluded(relative: PurePosixPath, vendor: PurePosixPath | None, local_db: str | None) -> bool:
    """Whether a path (relative to the app root) stays out of the artifact, and so why not."""
    parts = relative.parts
    if any(part.startswith(".") or part in CACHE_DIRS for part in parts):
        return True  # dotfiles (.env, .git, .gitkeep, the vendor stamp) and caches
    if relative.suffix in (".pyc", ".pyo"):
        return True
    if local_db and (relative.as_posix() + "/").startswith(local_db + "/"):
        return True
    if vendor is not None and relative.is_relative_to(vendor):
        inside = relative.relative_to(vendor).as_posix()
        # Inside the vendored Tight only its runtime modules ship (one allowlist).
        return inside.startswith("tight/") and not runtime_modules.ships(inside)
    # The app's own code: its tests never ship (a vendored package's tests may be imported).
    return any(part in TEST_DIRS for part in parts[:-1]) or _is_test_file(parts[-1])


def collect(config: AppConfig) -> list[tuple[str, Path]]:
    """(archive name, file) for everything that ships, sorted by archive name."""
    root = config.root
    for name in REQUIRED:
        if not (root / name).is_file():
            raise TaskError(f"{root / name} is missing", "an artifact needs the app's entry files")
    if not (root / "app").is_dir():
        raise TaskError(f"{root / 'app'} is missing", "the app's code lives in app/")
    vendor = _relative(config.vendor_dir, root)
    if vendor is None:
        raise TaskError(
            f"vendor_dir {config.vendor_dir} is outside the app {root}",
            "set `vendor_dir: app/vendored` in tight.yml",
        )
    local_db = _relative(config.dynamo_db_dir, root)
    local_db_name = local_db.as_posix() if local_db else None
    entries = {name: root / name for name in TOP_FILES if (root / name).is_file()}
    trees = [root / "app"]
    if not vendor.is_relative_to("app"):
        trees.append(config.vendor_dir)
    links = LinkCheck(root, lambda rel: _never_ships(rel, vendor, local_db_name))
    for tree in trees:
        for path in _walk(tree, links):
            relative = PurePosixPath(path.relative_to(root).as_posix())
            if not excluded(relative, vendor, local_db_name):
                entries[relative.as_posix()] = path
    links.raise_if_refused()
    check_file_names(entries)
    check_total_size(entries)
    return sorted(entries.items())


def _relative(path: Path, root: Path) -> PurePosixPath | None:
    try:
        return PurePosixPath(path.resolve().relative_to(root.resolve()).as_posix())
    except ValueError:
        return None


def _walk(tree: Path, links: LinkCheck) -> Iterator[Path]:
    """Every file under `tree`, named as the app names it. Symbolic links are followed
    (files and folders) when they stay inside the app; `links` collects the others."""
    for folder, dirs, files in os.walk(tree, followlinks=True):
        dirs[:] = [
            d
            for d in dirs
            if not d.startswith(".") and d not in CACHE_DIRS and links.follow(Path(folder) / d)
        ]
        for name in files:
            path = Path(folder) / name
            if path.is_symlink() and not links.follow(path):
                continue
            if path.is_file():
                yield path


def _never_ships(relative: PurePosixPath, vendor: PurePosixPath, local_db: str | None) -> bool:
    """A link must not smuggle in what the rules keep out (env.yml, dotfiles, the database)."""
    top = relative.parts[0] if relative.parts else ""
    return top in ("env.yml", BUILDS_DIR) or excluded(relative, vendor, local_db)


class LinkCheck:
    """Symbolic links met while collecting: followed inside the app, refused by name outside
    it (a link to ~/.aws/credentials must never ship), dangling, looping or pointing at what
    never ships. All refusals are reported together, so one run lists every bad link."""

    def __init__(self, root: Path, never_ships: Callable[[PurePosixPath], bool]) -> None:
        self.root = root.resolve()
        self.never_ships = never_ships
        self.refused: list[str] = []

    def follow(self, path: Path) -> bool:
        if not path.is_symlink():
            return True
        shown = path.relative_to(self.root) if path.is_relative_to(self.root) else path
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError):
            self.refused.append(f"{shown} -> {os.readlink(path)} (missing, or a link loop)")
            return False
        if not target.is_relative_to(self.root):
            self.refused.append(f"{shown} -> {target} (outside the app)")
            return False
        relative = PurePosixPath(target.relative_to(self.root).as_posix())
        if target.is_dir() and self._loops(path, target):
            self.refused.append(f"{shown} -> {relative} (a folder containing the link: a loop)")
            return False
        if self.never_ships(relative):
            self.refused.append(f"{shown} -> {relative} (which never ships)")
            return False
        return True

    def _loops(self, path: Path, target: Path) -> bool:
        """The link leads back into a folder the walk is already inside (through any chain
        of links): following it would never end."""
        for ancestor in path.parents:
            if ancestor.resolve().is_relative_to(target):
                return True
            if ancestor == self.root or not ancestor.is_relative_to(self.root):
                return False
        return False

    def raise_if_refused(self) -> None:
        if self.refused:
            raise TaskError(
                "symbolic links the artifact will not follow:\n    " + "\n    ".join(self.refused),
                "copy what the code needs into app/ (or vendor the package) instead of linking "
                "it, or delete the link",
            )


def check_file_names(entries: dict[str, Path]) -> None:
    """A zip stores names as UTF-8: a name that is not (a Latin-1 `café`) is named, not a
    UnicodeEncodeError."""
    bad = []
    for name in entries:
        try:
            name.encode("utf-8")
        except UnicodeEncodeError:
            bad.append(os.fsencode(name).decode("utf-8", "backslashreplace"))
    if bad:
        raise TaskError(
            "file names that are not UTF-8 cannot go into the artifact: " + ", ".join(bad),
            "rename them with UTF-8 names (or ASCII ones)",
        )


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
        entries, note = prepare_entries(config, collect(config), Path(staging))
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
    vendor = _relative(config.vendor_dir, config.root)
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
