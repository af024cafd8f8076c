"""Where `invoke pip-install` may write, and how the new vendor folder replaces the old one.

pip-install rebuilds the whole vendor folder and swaps it in, so a `vendor_dir` in tight.yml
(perhaps from a cloned repository) that named `.`, `app`, `../x` or a folder holding the
user's own modules would delete them. These checks run before pip does: the folder must lie
inside the app, hold none of the app's code, and contain only what an earlier pip-install put
there (its stamp's manifest, or the RECORDs of its distributions). The swap itself is two
renames on one filesystem, so a failure at any point leaves the old folder intact.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from tight.tasks.config import AppConfig
from tight.tasks.errors import TaskError
from tight.tasks.files import TEMP_PREFIX
from tight.tasks.vendor.installed import top_level_entries
from tight.tasks.vendor.stamp import STAMP_FILE, read_stamp

# Kept from an old vendor folder: files a template may put there, owned by no package.
MARKER_FILES = ("__init__.py", ".gitkeep", ".gitignore")

# Never inside vendor_dir: replacing it would delete the app's own code and settings.
APP_CODE = (
    "app/functions",
    "app/models",
    "app/lib",
    "app/serializers",
    "app_index.py",
    "tight.yml",
    "tests",
    "schemas",
    "requirements-vendor.txt",
    "env.dist.yml",
)
# May sit at the top of a vendor folder without being listed in its manifest.
HARMLESS = (*MARKER_FILES, STAMP_FILE, "__pycache__")


def check_vendor_location(config: AppConfig) -> Path:
    """vendor_dir, resolved, if it is a dedicated folder inside the app; refuse it otherwise."""
    root = config.root.resolve()
    vendor_dir = config.vendor_dir.resolve()
    shown = config.raw.get("vendor_dir", "app/vendored")
    fix = "set `vendor_dir: app/vendored` in tight.yml (a folder only pip-install writes)"
    if not vendor_dir.is_relative_to(root):
        raise TaskError(f"vendor_dir {shown!r} is {vendor_dir}, outside the app {root}", fix)
    if vendor_dir == root:
        raise TaskError(f"vendor_dir {shown!r} is the app folder itself", fix)
    protected = {code: root / code for code in APP_CODE}
    protected["dynamo_db.dir"] = config.dynamo_db_dir  # may be anywhere, even absolute
    for code, path in protected.items():
        if path.resolve().is_relative_to(vendor_dir):
            raise TaskError(
                f"vendor_dir {shown!r} holds the app's {code}: pip-install would replace it", fix
            )
    return vendor_dir


def manifest(vendor_dir: Path) -> set[str]:
    """The top-level names a previous pip-install put into vendor_dir (from its stamp; for a
    stamp older than the manifest, from the RECORD files of the distributions it holds)."""
    stamp = read_stamp(vendor_dir)
    if not stamp:
        return set()
    entries = stamp.get("entries")
    if isinstance(entries, list):
        return {str(entry) for entry in entries}
    found: set[str] = set()
    for info in vendor_dir.glob("*.dist-info"):
        found |= top_level_entries(info)
    return found


def check_replaceable(vendor_dir: Path, config: AppConfig) -> None:
    """Refuse to replace a folder holding anything pip-install did not put there."""
    if not vendor_dir.exists():
        return
    shown = vendor_dir.relative_to(config.root.resolve()).as_posix()
    if not vendor_dir.is_dir():
        raise TaskError(
            f"vendor_dir {shown} is a file, not a folder",
            "move it away, or set another `vendor_dir` in tight.yml",
        )
    allowed = manifest(vendor_dir) | set(HARMLESS)
    foreign = sorted(entry.name for entry in vendor_dir.iterdir() if entry.name not in allowed)
    if foreign:
        listed = ", ".join(foreign[:5]) + (
            f" and {len(foreign) - 5} more" if len(foreign) > 5 else ""
        )
        raise TaskError(
            f"{shown} holds {listed}, which `invoke pip-install` did not put there; "
            "replacing the folder would delete them",
            "move your own modules to app/lib (or delete them), or point `vendor_dir` in "
            "tight.yml at a folder of its own",
        )


def swap_in(new: Path, vendor_dir: Path) -> None:
    """Replace vendor_dir by `new` with two renames on one filesystem; the old one goes last."""
    if vendor_dir.exists():
        for marker in MARKER_FILES:
            if (vendor_dir / marker).is_file() and not (new / marker).exists():
                shutil.copy2(vendor_dir / marker, new / marker)
        old = vendor_dir.with_name(f"{TEMP_PREFIX}{vendor_dir.name}-old-{os.getpid()}")
        os.replace(vendor_dir, old)
        os.replace(new, vendor_dir)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(new, vendor_dir)
