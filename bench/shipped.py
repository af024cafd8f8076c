"""What each side ships inside a Lambda artifact, and how big it is zipped.

Tight ships only its runtime: the dev-time code (tasks/, testing/, core/test_helpers.py)
never goes into an artifact. The same file list is vendored into the benchmark's Tight app,
so a runtime module missing from the list breaks the benchmark instead of going unnoticed.
"""

from __future__ import annotations

import importlib.util
import io
import shutil
import zipfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
TIGHT_DIR = REPO_ROOT / "tight"

# Dev-time code that never ships; everything else under tight/ is runtime. Listing what is
# left out (not what goes in) means a new runtime module is shipped and measured by default.
_DEV_ONLY = ("tasks", "testing", "core/test_helpers.py")


def _is_dev_only(relative: Path) -> bool:
    text = relative.as_posix()
    return any(text == item or text.startswith(item + "/") for item in _DEV_ONLY)


def tight_runtime_files() -> list[Path]:
    """The Python files of Tight that an app's artifact contains, sorted."""
    return sorted(
        path
        for path in TIGHT_DIR.rglob("*.py")
        if "__pycache__" not in path.parts and not _is_dev_only(path.relative_to(TIGHT_DIR))
    )


def vendor_tight(dest: Path) -> Path:
    """Copy Tight's runtime files into `dest`/tight, as `invoke pip-install` would vendor it."""
    target = dest / "tight"
    for source in tight_runtime_files():
        copy = target / source.relative_to(TIGHT_DIR)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, copy)
    return target


def zipped_size(files: list[tuple[Path, str]]) -> int:
    """Bytes of a zip holding `files` (path on disk, name in the archive), deflate level 9."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path, name in files:
            archive.write(path, name)
    return len(buffer.getvalue())


def _package_files(package: str) -> list[tuple[Path, str]] | None:
    """Every file of an installed package except bytecode caches; None when not installed."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    root = Path(next(iter(spec.submodule_search_locations)))
    return [
        (path, str(path.relative_to(root.parent)))
        for path in sorted(root.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    ]


def shipped_sizes(bare_handler: Path) -> dict[str, int | None]:
    """Zipped bytes of the framework code each side puts into a Lambda artifact.

    Chalice's packager ships `chalice/app.py` and `chalice/__init__.py`; Powertools ships its
    whole package (usually as a layer). None means the peer is not installed.
    """
    sizes: dict[str, int | None] = {
        "bare": zipped_size([(bare_handler, bare_handler.name)]),
        "tight": zipped_size(
            [(path, str(path.relative_to(REPO_ROOT))) for path in tight_runtime_files()]
        ),
    }
    chalice = _package_files("chalice")
    sizes["chalice"] = (
        None
        if chalice is None
        else zipped_size(
            [item for item in chalice if item[1] in ("chalice/app.py", "chalice/__init__.py")]
        )
    )
    powertools = _package_files("aws_lambda_powertools")
    sizes["powertools"] = None if powertools is None else zipped_size(powertools)
    return sizes
