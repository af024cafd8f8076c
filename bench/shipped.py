"""What each side ships inside a Lambda artifact, and how big it is zipped.

Tight ships only its runtime modules, named by one allowlist (tight.tasks.runtime_modules)
that `invoke artifact` and the tests use too, with their `.pyc`. The same files are vendored
into the benchmark's Tight app, so a module missing from the list breaks the benchmark.
"""

from __future__ import annotations

import importlib.util
import io
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

from tight.tasks import bytecode, runtime_modules

REPO_ROOT = Path(__file__).resolve().parent.parent
TIGHT_DIR = REPO_ROOT / "tight"


def tight_runtime_files() -> list[Path]:
    """Tight's runtime modules (the one allowlist `invoke artifact` uses), sorted."""
    return [path for path, _ in runtime_modules.source_files(TIGHT_DIR)]


def vendor_tight(dest: Path) -> Path:
    """Tight as `invoke artifact` ships it into `dest`/tight: the allowlisted sources and their
    unchecked-hash `.pyc` from this interpreter (the benchmark's target runtime)."""
    entries = [(name, path) for path, name in runtime_modules.source_files(TIGHT_DIR)]
    for name, source in entries:
        copy = dest / name
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, copy)
    _compile_into(dest, entries, "tight/")
    return dest / "tight"


def compile_app(root: Path) -> int:
    """The app's own code as `invoke artifact` ships it: checked-hash `.pyc` beside
    app_index.py and every source under app/ but app/vendored. Returns how many."""
    own = (p.relative_to(root) for p in (root / "app").rglob("*.py"))
    names = ["app_index.py", *sorted(str(p) for p in own if "vendored" not in p.parts)]
    entries = [(name, root / name) for name in names]
    return _compile_into(root, entries, "app/vendored/")


def _compile_into(root: Path, entries: list[tuple[str, Path]], unchecked_prefix: str) -> int:
    """Compile `entries` as `invoke artifact` does, by this interpreter, and place the `.pyc`
    under `root`; returns how many."""
    version = f"{sys.version_info[0]}.{sys.version_info[1]}"
    compiled = bytecode.compile_shipped(entries, unchecked_prefix, version, root)
    for name, staged in compiled.entries:
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        staged.replace(target)
    return len(compiled.entries)


def _shipped_tight_entries(staging: Path) -> list[tuple[Path, str]]:
    vendor_tight(staging)
    return sorted(
        (path, str(path.relative_to(staging))) for path in staging.rglob("*") if path.is_file()
    )


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
    }
    with tempfile.TemporaryDirectory(prefix="tight-shipped-") as staging:
        sizes["tight"] = zipped_size(_shipped_tight_entries(Path(staging)))
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
