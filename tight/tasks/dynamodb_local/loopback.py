"""Keep DynamoDB Local on this machine's loopback, though it listens on every interface.

DynamoDB Local 3.3.0 has no bind-address option: started plainly, the developer's data is
reachable from their network. On Linux, as root, the JVM is started in a private network
namespace that holds only `lo` (so "all interfaces" means loopback there), and a forwarder
in this process listens on the host's 127.0.0.1:PORT and connects into that namespace from a
thread that joined it with setns(2). Elsewhere (not root, not Linux) that is impossible
without privileges, and the caller warns about the exposure instead of claiming 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import os
import queue
import socket
import struct
import sys
import threading

CLONE_NEWNET = 0x40000000
_SIOCGIFFLAGS = 0x8913
_SIOCSIFFLAGS = 0x8914
_IFF_UP = 0x1
EXPOSURE_WARNING = (
    "WARNING: DynamoDB Local has no bind option and listens on ALL network interfaces: port "
    "{port} (and your data) is reachable from your network, not only from 127.0.0.1. Tight "
    "confines it to loopback only when run as root on Linux (a private network namespace)."
)


def can_confine() -> bool:
    """A private network namespace needs Linux and root (CAP_SYS_ADMIN)."""
    return sys.platform.startswith("linux") and os.geteuid() == 0


def enter_private_network() -> None:  # pragma: no cover - runs in the child before exec
    """unshare(CLONE_NEWNET) and bring `lo` up: the child then sees only loopback."""
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    if libc.unshare(CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), "unshare(CLONE_NEWNET) failed")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:  # struct ifreq: 40 bytes
        current = fcntl.ioctl(sock, _SIOCGIFFLAGS, struct.pack("16s24x", b"lo"))
        flags = struct.unpack_from("H", current, 16)[0]
        fcntl.ioctl(sock, _SIOCSIFFLAGS, struct.pack("16sH22x", b"lo", flags | _IFF_UP))


class Forwarder:
    """127.0.0.1:PORT on the host <-> 127.0.0.1:PORT inside the namespace of `pid`."""

    def __init__(self, port: int, pid: int, host: str = "127.0.0.1") -> None:
        self.port = port
        self.pid = pid
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind((host, port))
        self.listener.listen(64)
        self._requests: queue.Queue[queue.Queue[socket.socket | None] | None] = queue.Queue()
        self._closed = threading.Event()
        self._connector = threading.Thread(target=self._connect_inside, daemon=True)
        self._connector.start()
        self._acceptor = threading.Thread(target=self._accept, daemon=True)
        self._acceptor.start()

    def _connect_inside(self) -> None:
        """A thread living in the JVM's namespace: sockets it creates belong there."""
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        fd = os.open(f"/proc/{self.pid}/ns/net", os.O_RDONLY)
        try:
            joined = libc.setns(fd, CLONE_NEWNET) == 0
        finally:
            os.close(fd)
        while (reply := self._requests.get()) is not None:
            connection = None
            if joined:
                with contextlib.suppress(OSError):
                    connection = socket.create_connection(("127.0.0.1", self.port), timeout=5)
                    connection.settimeout(None)
            reply.put(connection)

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._bridge, args=(client,), daemon=True).start()

    def _bridge(self, client: socket.socket) -> None:
        reply: queue.Queue[socket.socket | None] = queue.Queue()
        self._requests.put(reply)
        upstream = reply.get()
        if upstream is None:  # not listening yet (starting) or gone: like a refused port
            client.close()
            return
        for end in (client, upstream):  # no Nagle: a small request would wait ~40 ms for an ACK
            with contextlib.suppress(OSError):
                end.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        back = threading.Thread(target=_pump, args=(upstream, client), daemon=True)
        back.start()
        _pump(client, upstream)
        back.join()
        client.close()
        upstream.close()

    def close(self) -> None:
        self._closed.set()
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        self._requests.put(None)


def _pump(source: socket.socket, sink: socket.socket) -> None:
    """Copy until EOF, then pass the EOF on (half-close), so HTTP keep-alive just works."""
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass
    with contextlib.suppress(OSError):
        sink.shutdown(socket.SHUT_WR)
