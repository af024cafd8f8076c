"""The lock that keeps two `invoke rundb` off one data folder.

DynamoDB Local's SQLite file is not safe to share between two JVMs, and `--reset` deletes it:
the second `rundb` on a folder (or its `--reset`) is refused with the first one's pid instead.
"""

from __future__ import annotations

import os
from pathlib import Path

from tight.tasks.dynamodb_local.installation import LOCK_FILE
from tight.tasks.errors import TaskError


class DataFolderLock:
    """An exclusive `flock` on `<data folder>/.rundb.lock`, held while one `invoke rundb`
    uses the folder: a second instance (or its `--reset`) is refused instead of sharing or
    deleting the SQLite file under the first. The kernel drops it when the holder dies."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / LOCK_FILE
        self._fd: int | None = None

    def acquire(self, purpose: str = "") -> None:
        import fcntl

        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise TaskError(
                f"the data folder {self.folder} is not writable ({exc.strerror}): DynamoDB "
                "Local could not store its database there",
                "make it writable (or set tight.yml dynamo_db.dir to a writable folder), or "
                "run a throwaway database: `invoke rundb --in-memory`",
            ) from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = os.read(fd, 64).decode("ascii", "replace").strip() or "?"
            os.close(fd)
            raise TaskError(
                f"another `invoke rundb` (pid {holder}) is using the data in {self.folder}"
                + (f"; {purpose}" if purpose else ""),
                "stop it first (Ctrl-C in its terminal), or start this one with `--in-memory`",
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing drops the flock
            self._fd = None
