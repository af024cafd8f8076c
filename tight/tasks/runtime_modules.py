"""The one list of Tight's runtime modules: what Tight puts in a Lambda artifact.

An allowlist, not a list of what to leave out: a new dev-time module can never ship by
accident, and a new runtime module must be named here (a test imports every listed module
from a folder holding only these files, with the standard library alone, so a missing entry
fails there). `invoke artifact`, the benchmark's size figure and the tests all read it.
"""

from __future__ import annotations

from importlib.metadata import Distribution
from pathlib import Path

RUNTIME_MODULES = (
    "tight",
    "tight.vendored_alias",
    "tight.core",
    "tight.core.file_exports",
    "tight.core.flags",
    "tight.core.logger",
    "tight.core.request_state",
    "tight.core.safeget",
    "tight.providers",
    "tight.providers.aws",
    "tight.providers.aws.clients",
    "tight.providers.aws.clients.boto3_client",
    "tight.providers.aws.clients.dynamo_db",
    "tight.providers.aws.clients.flywheel_compat",
    "tight.providers.aws.clients.flywheel_fast",
    "tight.providers.aws.controllers",
    "tight.providers.aws.controllers.lambda_proxy_event",
    "tight.providers.aws.controllers.request",
    "tight.providers.aws.controllers.response",
    "tight.providers.aws.lambda_app",
    "tight.providers.aws.lambda_app.app",
)
PACKAGES = frozenset(
    name for name in RUNTIME_MODULES if any(o.startswith(name + ".") for o in RUNTIME_MODULES)
)
TIGHT_DIR = Path(__file__).resolve().parents[1]


def module_path(module: str) -> str:
    """`tight.core.logger` -> `tight/core/logger.py`; a package -> its `__init__.py`."""
    parts = module.split(".")
    return "/".join([*parts, "__init__.py"] if module in PACKAGES else parts) + (
        "" if module in PACKAGES else ".py"
    )


RUNTIME_FILES = frozenset(module_path(module) for module in RUNTIME_MODULES)


def ships(relative: str) -> bool:
    """Whether a file of the vendored Tight (`tight/...`, posix) goes into the artifact."""
    return relative in RUNTIME_FILES


def source_files(tight_dir: Path = TIGHT_DIR) -> list[tuple[Path, str]]:
    """(file, `tight/...` name) of every runtime module in a Tight checkout, sorted."""
    root = tight_dir.parent
    return sorted(((root / name, name) for name in RUNTIME_FILES), key=lambda item: item[1])


def _is_tight_dist_info(name: str, vendor_prefix: str) -> str | None:
    """The `<vendor>/<dist>.dist-info` folder name of an entry, if it is a dist-info file."""
    if not name.startswith(vendor_prefix):
        return None
    first = name[len(vendor_prefix) :].split("/", 1)[0]
    return first if first.endswith(".dist-info") else None


def tight_dist_info(entries: list[tuple[str, Path]], vendor_prefix: str) -> str | None:
    """The dist-info folder (inside the vendor folder) whose RECORD installs tight/__init__.py,
    whatever the distribution is called."""
    for name, path in entries:
        folder = _is_tight_dist_info(name, vendor_prefix)
        is_record = folder and name.endswith("/RECORD")
        if is_record and "tight/__init__.py" in _record_paths(path.parent):
            return folder
    return None


def _record_paths(dist_info: Path) -> set[str]:
    """The paths a dist-info's RECORD lists; none when it is not UTF-8 CSV (another tool's,
    or damaged): such a distribution is not Tight's, and it still ships as it is."""
    try:
        return {file.as_posix() for file in Distribution.at(dist_info).files or ()}
    except (UnicodeDecodeError, ValueError, TypeError):
        return set()


def slim_tight_metadata(
    entries: list[tuple[str, Path]], vendor_prefix: str, staging: Path
) -> list[tuple[str, Path]]:
    """Tight's dist-info reduced to METADATA's headers (name, version...): its body is the whole
    README, and RECORD, direct_url.json (the build machine's path) and the rest are for pip."""
    folder = tight_dist_info(entries, vendor_prefix)
    if folder is None:
        return entries
    prefix = f"{vendor_prefix}{folder}/"
    kept: list[tuple[str, Path]] = []
    for name, path in entries:
        if not name.startswith(prefix):
            kept.append((name, path))
        elif name == prefix + "METADATA":
            text = path.read_text(encoding="utf-8")
            headers = text.split("\n\n", 1)[0].rstrip("\n") + "\n"
            headers = "\n".join(
                line
                for line in headers.splitlines()
                if not line.startswith("Description-Content-Type:")
            )
            slim = staging / name
            slim.parent.mkdir(parents=True, exist_ok=True)
            slim.write_text(headers + "\n", encoding="utf-8")
            kept.append((name, slim))
    return sorted(kept)
