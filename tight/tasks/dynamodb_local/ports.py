"""The address every local database listens on, a free port, and a clear error for a taken one.

Checked before a JVM starts: DynamoDB Local on a taken port prints a Java stack trace after a
second or more, where this says which port and how to pick another one at once.
"""

from __future__ import annotations

import errno
import socket

from tight.tasks.errors import TaskError

HOST = "127.0.0.1"


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
                raise port_in_use(port) from exc
            raise


def port_in_use(port: int) -> TaskError:
    return TaskError(
        f"port {port} on {HOST} is already in use (another DynamoDB Local, or another server)",
        f"stop whatever listens on {port}, or pick another port: `invoke rundb --port {port + 1}`",
    )


def free_port(host: str = HOST) -> int:
    """A port the OS says is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])
