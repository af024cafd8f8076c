"""DynamoDB Local answers on 127.0.0.1 and on none of this machine's other addresses.

DynamoDB Local 3.3.0 listens on every interface. As root on Linux Tight starts it in a
private network namespace with a forwarder on the host's loopback; elsewhere it says so.
Only this machine's own addresses are ever connected to.
"""

from __future__ import annotations

import fcntl
import os
import socket
import struct

import pytest
from conftest import ensure_installed
from test_rundb import rundb

from tight.core.flags import is_true
from tight.tasks.dynamodb_local import loopback
from tight.tasks.dynamodb_local.ports import free_port
from tight.tasks.dynamodb_local.process import start
from tight.tasks.dynamodb_local.running import list_tables

pytestmark = [pytest.mark.slow, pytest.mark.dynamodb_local]
_SIOCGIFADDR = 0x8915


def own_non_loopback_addresses() -> list[str]:
    """The IPv4 addresses of this machine's interfaces other than `lo`."""
    found = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        for _, name in socket.if_nameindex():
            if name == "lo":
                continue
            try:
                answer = fcntl.ioctl(sock, _SIOCGIFADDR, struct.pack("256s", name.encode()[:15]))
            except OSError:
                continue  # no IPv4 address on this interface
            address = socket.inet_ntoa(answer[20:24])
            if not address.startswith("127."):
                found.append(address)
    return found


def connects(address: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(3)
        try:
            sock.connect((address, port))
        except OSError:
            return False
        return True


@pytest.fixture
def addresses() -> list[str]:
    if not loopback.can_confine():
        if is_true(os.environ.get("CI")):
            pytest.fail("CI runs as root on Linux, where DynamoDB Local must be confined")
        pytest.skip("confining DynamoDB Local needs root on Linux (not a CI run)")
    found = own_non_loopback_addresses()
    if not found:
        pytest.skip("this machine has no address besides loopback to check against")
    return found


def test_dynamodb_local_is_reachable_on_loopback_only(addresses: list[str]) -> None:
    database = start(ensure_installed().dir, free_port(), in_memory=True)
    try:
        assert database.confined and database.exposure_warning is None
        assert list_tables(database.endpoint) == []
        assert connects("127.0.0.1", database.port)
        reachable = [a for a in addresses if connects(a, database.port)]
        print(f"port {database.port}: 127.0.0.1 answers; {addresses} reachable: {reachable}")
        assert reachable == []
    finally:
        database.stop()
    assert not connects("127.0.0.1", database.port)  # the forwarder went with the JVM


def test_unconfined_it_is_exposed_and_says_so(addresses: list[str]) -> None:
    """What the namespace prevents: the plain JVM answers on the network address too."""
    database = start(ensure_installed().dir, free_port(), in_memory=True, confine=False)
    try:
        assert not database.confined
        assert connects(addresses[0], database.port)
        warning = database.exposure_warning or ""
        assert "listens on ALL network interfaces" in warning and str(database.port) in warning
    finally:
        database.stop()


def test_rundb_says_it_is_on_loopback_only(make_app, addresses: list[str]) -> None:
    app = make_app(installed=True)
    with rundb(app, "--port", str(free_port())) as run:
        port = int(run["endpoint"].rsplit(":", 1)[1])
        assert [a for a in addresses if connects(a, port)] == []
        assert list_tables(run["endpoint"]) == ["my-service-dev-accounts"]
    assert run["returncode"] == 0, run["output"]
    assert f"It listens on 127.0.0.1:{port} only" in run["output"]
