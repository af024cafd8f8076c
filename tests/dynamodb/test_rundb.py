"""`invoke rundb` as a user runs it: a subprocess in the app folder, stopped with Ctrl-C."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from conftest import INVOKE

from tight.tasks.dynamodb_local.ports import free_port
from tight.tasks.dynamodb_local.running import list_tables
from tight.tasks.dynamodb_local.tables import local_engine

pytestmark = [pytest.mark.slow, pytest.mark.dynamodb_local]
TABLE = "my-service-dev-accounts"


def run_task(
    app: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(INVOKE), *args], cwd=app, env=env or dict(os.environ), capture_output=True,
        text=True, timeout=120, check=False,
    )  # fmt: skip


@contextmanager
def rundb(app: Path, *args: str) -> Iterator[dict[str, Any]]:
    """Start `invoke rundb`, wait for its ready line, Ctrl-C it afterwards and report."""
    process = subprocess.Popen(
        [str(INVOKE), "rundb", *args], cwd=app, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    lines: list[str] = []
    info: dict[str, Any] = {"lines": lines}
    watchdog = threading.Timer(120, process.kill)  # a hung run fails instead of blocking
    watchdog.start()
    try:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)
            match = re.search(r"is ready at (\S+) after [\d.]+ s \(pid (\d+|in-process)\)", line)
            if match:
                pid = match.group(2)
                info.update(endpoint=match.group(1), jvm_pid=int(pid) if pid.isdigit() else None)
                break
        assert "endpoint" in info, "".join(lines)
        yield info
    finally:
        process.send_signal(signal.SIGINT)
        rest, _ = process.communicate(timeout=60)
        watchdog.cancel()
        lines.append(rest)
        info["returncode"] = process.returncode
        info["output"] = "".join(lines)


def jvm_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return Path(f"/proc/{pid}/status").read_text().find("State:\tZ") >= 0


def put_account(endpoint: str, account_id: str) -> None:
    local_engine(endpoint).dynamo.put_item2(TABLE, {"id": account_id})


def account_ids(endpoint: str) -> list[str]:
    return sorted(item["id"] for item in local_engine(endpoint).dynamo.scan2(TABLE))


def test_rundb_creates_tables_keeps_data_and_resets_on_request(make_app) -> None:
    app = make_app(installed=True)
    port = str(free_port())
    with rundb(app, "--port", port) as first:
        assert list_tables(first["endpoint"]) == [TABLE]
        put_account(first["endpoint"], "acct-1")
    assert first["returncode"] == 0, first["output"]
    assert jvm_gone(first["jvm_pid"])
    out = first["output"]
    assert "Initializing DynamoDB Local with the following configuration:" in out
    assert "SharedDb:\ttrue" in out and f"Port:\t{port}" in out
    assert f"This engine has the following tables ['{TABLE}']" in out
    assert "stopped" in out
    assert (app / "dynamo_db" / "shared-local-instance.db").is_file()

    with rundb(app, "--port", port) as second:  # no --reset: data survives
        assert account_ids(second["endpoint"]) == ["acct-1"]
    assert second["returncode"] == 0 and "Created the missing tables" not in second["output"]

    with rundb(app, "--port", port, "--reset") as third:
        assert list_tables(third["endpoint"]) == [TABLE]
        assert account_ids(third["endpoint"]) == []
    assert "--reset: deleted ./dynamo_db/shared-local-instance.db" in third["output"]
    assert jvm_gone(third["jvm_pid"])


def test_rundb_in_memory_writes_nothing(make_app) -> None:
    app = make_app(installed=True)
    with rundb(app, "--port", str(free_port()), "--in-memory") as run:
        put_account(run["endpoint"], "gone")
    assert run["returncode"] == 0 and "InMemory:\ttrue" in run["output"]
    assert not (app / "dynamo_db" / "shared-local-instance.db").exists()


def test_rundb_moto_engine_says_it_is_an_emulator(make_app) -> None:
    app = make_app(installed=False)
    with rundb(app, "--port", str(free_port()), "--engine", "moto") as run:
        assert list_tables(run["endpoint"]) == [TABLE]
    assert run["returncode"] == 0, run["output"]
    assert "emulator" in run["output"] and "not the official" in run["output"]


def test_ctrl_c_at_any_point_after_start_is_a_stop_request_not_an_exception() -> None:
    """rundb exits 0 only if a Ctrl-C landing between two statements cannot raise."""
    from tight.tasks.db import _StopRequest, _wait_for_stop

    class Running:
        process = None
        output = ()

        def running(self) -> bool:
            return True

    before = signal.getsignal(signal.SIGINT)
    stop = _StopRequest()
    try:
        os.kill(os.getpid(), signal.SIGINT)  # would raise KeyboardInterrupt with the default
        _wait_for_stop(Running(), stop)  # returns at once: the request was recorded
        assert stop.event.is_set()
    finally:
        stop.restore()
    assert signal.getsignal(signal.SIGINT) is before


def with_sentinel(app: Path) -> Path:
    """A stand-in for the user's data, which no failing run may delete."""
    data = app / "dynamo_db" / "shared-local-instance.db"
    data.parent.mkdir(exist_ok=True)
    data.write_bytes(b"precious")
    return data


def assert_failed_cleanly(result: subprocess.CompletedProcess, data: Path, *needles: str) -> None:
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    for needle in needles:
        assert needle in output, output
    assert "Traceback" not in output, output
    assert data.read_bytes() == b"precious"


def test_no_java(make_app, tmp_path: Path) -> None:
    app = make_app(installed=True)
    data = with_sentinel(app)
    empty_bin = tmp_path / "empty-bin"
    empty_bin.mkdir()
    env = {**os.environ, "PATH": str(empty_bin)}
    result = run_task(app, "rundb", "--reset", "--port", str(free_port()), env=env)
    assert_failed_cleanly(result, data, "Java is not installed", "--engine moto")


def test_not_installed(make_app) -> None:
    app = make_app(installed=False)
    data = with_sentinel(app)
    result = run_task(app, "rundb", "--reset", "--port", str(free_port()))
    assert_failed_cleanly(result, data, "DynamoDB Local is not installed", "invoke installdb")


def test_port_in_use(make_app) -> None:
    app = make_app(installed=True)
    data = with_sentinel(app)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_task(app, "rundb", "--reset", "--port", str(port))
    assert_failed_cleanly(result, data, f"port {port}", "already in use", "--port")


def test_broken_model(make_app) -> None:
    broken = "from flywheel import Model\nraise RuntimeError('typo in the model')\n"
    app = make_app(installed=True, models={"Account": "", "Broken": broken})
    data = with_sentinel(app)
    result = run_task(app, "rundb", "--reset", "--port", str(free_port()))
    assert_failed_cleanly(
        result, data, "app/models/Broken.py failed to import", "RuntimeError: typo in the model"
    )
