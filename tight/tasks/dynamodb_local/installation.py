"""What an installed DynamoDB Local looks like on disk, and finding one in a folder.

Layout of an installation (the same from AWS's tarball and from the npm package):

    <dir>/DynamoDBLocal.jar           placed last: its presence means "installed"
    <dir>/DynamoDBLocal_lib/          jars and the sqlite4java natives
    <dir>/README.txt, LICENSE.txt...  (README's release notes give the version)
    <dir>/.tight-install.json         {"source": ..., "version": ...}
    <dir>/shared-local-instance.db    the data of `-sharedDb -dbPath <dir>` (never touched here)
    <dir>/.rundb.lock                 held (flock) by the `invoke rundb` using the data

The installer, the JVM starter and the tasks all read the layout from here, so "installed"
and "the user's data" mean the same thing everywhere.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from tight.tasks.errors import TaskError

JAR = "DynamoDBLocal.jar"
LIB = "DynamoDBLocal_lib"
MARKER = ".tight-install.json"
SHARED_DB_FILE = "shared-local-instance.db"
LOCK_FILE = ".rundb.lock"  # held (flock) by the `invoke rundb` that uses the data folder
# Never placed from an archive, so `installdb --force` can't replace the user's data.
_DATA_SUFFIXES = (".db", ".db-journal", ".db-wal", ".db-shm")
INSTALL_FIX = "run `invoke installdb` (or `invoke installdb --source npm` without internet)"


@dataclass(frozen=True)
class Installation:
    """A usable DynamoDB Local in `dir`."""

    dir: Path
    version: str
    source: str

    @property
    def jar(self) -> Path:
        return self.dir / JAR

    @property
    def lib_dir(self) -> Path:
        return self.dir / LIB


def find_installation(directory: str | os.PathLike[str]) -> Installation | None:
    """The installation in `directory`, or None when the jar or its libraries are missing."""
    folder = Path(directory)
    if not (folder / JAR).is_file() or not (folder / LIB).is_dir():
        return None
    info = _read_marker(folder)
    return Installation(
        dir=folder.resolve(),
        version=info.get("version") or read_version(folder),
        source=info.get("source", "unknown"),
    )


def installed_version(directory: str | os.PathLike[str]) -> str | None:
    """The DynamoDB Local version installed in `directory` (e.g. `3.3.0`), None if none."""
    installation = find_installation(directory)
    return installation.version if installation else None


def read_version(folder: Path) -> str:
    """The newest release in README.txt's notes (`2026-01-16 (3.3.0)` -> `3.3.0`)."""
    readme = folder / "README.txt"
    if readme.is_file():
        match = re.search(r"^\s*\d{4}-\d{2}-\d{2}\s*\(([\w.]+)\)", readme.read_text("utf-8"), re.M)
        if match:
            return match.group(1)
    return "unknown"


def require_installation(directory: str | os.PathLike[str]) -> Installation:
    installation = find_installation(directory)
    if installation is None:
        raise TaskError(f"DynamoDB Local is not installed in {directory}", INSTALL_FIX)
    return installation


def is_user_data(name: str) -> bool:
    """The database files and the lock: the user's, never an installer's."""
    return name == LOCK_FILE or name.endswith(_DATA_SUFFIXES)


def write_marker(folder: Path, source: str, version: str) -> None:
    """Record where an installation came from (read back by `find_installation`)."""
    (folder / MARKER).write_text(
        json.dumps({"source": source, "version": version}, indent=2) + "\n", "utf-8"
    )


def _read_marker(folder: Path) -> dict[str, str]:
    try:
        data = json.loads((folder / MARKER).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}
