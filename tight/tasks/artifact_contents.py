"""What goes into an app's artifact: the files that ship, and the ones refused by name.

Only what runs ships: `app/`, `app_index.py`, `env.dist.yml`, `tight.yml`, and the vendor
folder; never tests, caches, dotfiles (`.env`, `.git`), `env.yml`, the local database, builds,
nor Tight's dev-only modules inside the vendored Tight. Symbolic links are followed inside the
app and refused by name when they leave it or point at what never ships (a link to
~/.aws/credentials must not smuggle it in), and a file name a zip cannot store is named too.
`tight.tasks.artifact` writes what `collect` returns.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath

from tight.tasks import runtime_modules
from tight.tasks.config import AppConfig
from tight.tasks.errors import TaskError

BUILDS_DIR = "builds"
TOP_FILES = ("app_index.py", "env.dist.yml", "tight.yml")
REQUIRED = ("app_index.py", "tight.yml")

CACHE_DIRS = {"__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".hypothesis"}
TEST_DIRS = {"tests", "test"}


def _is_test_file(name: str) -> bool:
    return name == "conftest.py" or (
        name.endswith(".py") and (name.startswith("test_") or name.endswith("_test.py"))
    )


def excluded(relative: PurePosixPath, vendor: PurePosixPath | None, local_db: str | None) -> bool:
    """Whether a path (relative to the app root) stays out of the artifact."""
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
    vendor = relative_to_app(config.vendor_dir, root)
    if vendor is None:
        raise TaskError(
            f"vendor_dir {config.vendor_dir} is outside the app {root}",
            "set `vendor_dir: app/vendored` in tight.yml",
        )
    local_db = relative_to_app(config.dynamo_db_dir, root)
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
    return sorted(entries.items())


def relative_to_app(path: Path, root: Path) -> PurePosixPath | None:
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
