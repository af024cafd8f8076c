"""The official DynamoDB Local as a JVM process: its command line, start, readiness, and stop.

`start` returns only once the database answers ListTables, so callers never race the JVM (the
original Tight did). The JVM gets its own process group and, on Linux, dies with its parent;
where it can (root on Linux) it is confined to loopback by the sibling module `loopback`.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import signal
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable
from pathlib import Path

from tight.tasks.dynamodb_local import loopback
from tight.tasks.dynamodb_local.installation import Installation, require_installation
from tight.tasks.dynamodb_local.ports import HOST, ensure_port_free, port_in_use
from tight.tasks.dynamodb_local.running import RunningDatabase, answers_within
from tight.tasks.errors import TaskError, output_tail

# C1-only JIT and the serial GC: ready in ~1.3 s instead of ~2 s; plenty for a dev database.
FAST_JVM_OPTIONS = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")
JAVA_FIX = (
    "install a Java 17+ runtime (Debian/Ubuntu: `sudo apt-get install openjdk-17-jre-headless`,"
    " macOS: `brew install openjdk@17`) and make sure `java` is on PATH"
)


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
            raise port_in_use(port) from exc
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
    if not answers_within(handle.endpoint, timeout, lambda: _raise_if_exited(handle)):
        raise TaskError(
            f"DynamoDB Local did not answer on {handle.endpoint} within {timeout:.0f} s",
            "check the output above; a slow machine may need a longer timeout",
        )


def _raise_if_exited(handle: RunningDatabase) -> None:
    """The JVM's own words when it stopped before answering (a taken port said plainly)."""
    if handle.process is None or handle.process.poll() is None:
        return
    if handle._reader is not None:
        handle._reader.join(2)
    output = "\n".join(handle.output)
    if "Address already in use" in output or "BindException" in output:
        raise port_in_use(handle.port)
    raise TaskError(
        f"DynamoDB Local exited with code {handle.process.returncode} before it was "
        f"ready:\n{output_tail(output, 15)}",
        "check the output above; `invoke installdb --force` reinstalls it",
    )
