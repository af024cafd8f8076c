"""The stamp inside a vendor folder: what it was built from, so an unchanged run does nothing.

`invoke pip-install` writes `.tight-vendor-stamp.json` into the folder it builds: a hash of
everything the folder is a function of (the requirement lines, the runtime and architecture,
the recipe's version, and the files of local sources such as a Tight checkout), plus the
top-level entries it put there. A second run with the same inputs, and every entry still in
place, skips pip entirely; `invoke artifact` uses the same hash to warn about a stale folder.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path

from tight.tasks.config import AppConfig
from tight.tasks.vendor.requirements import Spec

STAMP_FILE = ".tight-vendor-stamp.json"
# Bump when the vendoring recipe changes, so old stamps stop matching.
RECIPE_VERSION = 2

# Never part of a local source's fingerprint (nor of the clean copy a wheel is built from).
SKIP_DIRS = frozenset({"build", "builds", "dist", "node_modules", "__pycache__"})


def is_build_noise(name: str) -> bool:
    """Dot-folders, build outputs and caches: what editing a source tree does not touch."""
    return name.startswith(".") or name in SKIP_DIRS or name.endswith(".egg-info")


def source_fingerprint(path: Path) -> str:
    """Names, sizes and mtimes of a local source tree: cheap, and changes when it is edited."""
    digest = hashlib.sha256()
    if path.is_file():
        stat = path.stat()
        digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}".encode())
        return digest.hexdigest()
    for folder, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if not is_build_noise(d))
        for name in sorted(files):
            if name.endswith(".pyc"):
                continue
            stat = (Path(folder) / name).stat()
            digest.update(f"{folder}/{name}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def fingerprint(config: AppConfig, specs: Sequence[Spec]) -> str:
    """Everything the vendored folder is a function of."""
    payload = {
        "recipe": RECIPE_VERSION,
        "runtime": config.runtime,
        "architecture": config.architecture,
        "specs": [spec.text for spec in specs],
        "local": {str(s.local): source_fingerprint(s.local) for s in specs if s.local},
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def read_stamp(vendor_dir: Path) -> dict[str, object]:
    """The stamp's fields, or {} when there is none (or it is not a JSON object)."""
    try:
        stamp = json.loads((vendor_dir / STAMP_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return stamp if isinstance(stamp, dict) else {}


def write_stamp(target: Path, fields: dict[str, object]) -> None:
    """The stamp of a freshly built folder; `entries` lists everything at its top level."""
    stamp = {**fields, "entries": sorted(os.listdir(target))}
    text = json.dumps(stamp, indent=2) + "\n"
    (target / STAMP_FILE).write_text(text, encoding="utf-8")


def is_up_to_date(vendor_dir: Path, fingerprint_: str) -> bool:
    """The stamp matches AND everything it lists is still there (`rm -rf app/vendored/*`
    keeps the dot-file stamp: that folder is not up to date)."""
    stamp = read_stamp(vendor_dir)
    if not vendor_dir.is_dir() or stamp.get("fingerprint") != fingerprint_:
        return False
    entries = stamp.get("entries")
    if not isinstance(entries, list) or not entries:
        return False
    return all((vendor_dir / str(entry)).exists() for entry in entries)
