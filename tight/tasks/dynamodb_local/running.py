"""A started database (the JVM's or moto's) and the probe that tells it answers.

`RunningDatabase` is what `start` and `start_moto` return and what `invoke rundb`, the test
fixture and the benchmark hold: where to connect, what runs, how to stop it. `list_tables`
is a raw ListTables call, so readiness is checked without importing boto3.
"""

from __future__ import annotations

import http.client
import json
import subprocess
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tight.tasks.dynamodb_local import loopback

_FAKE_AUTH = (
    "AWS4-HMAC-SHA256 Credential=local/20200101/us-east-1/dynamodb/aws4_request, "
    "SignedHeaders=host, Signature=0"
)


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
    confined: bool = False  # True: reachable on 127.0.0.1 only (see the loopback module)
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


def answers_within(
    endpoint: str, timeout: float, still_starting: Callable[[], None] | None = None
) -> bool:
    """Poll ListTables until it answers (True) or `timeout` seconds pass (False).

    `still_starting` runs before each poll and raises when the server died meanwhile, so a
    crash is reported at once instead of after the whole timeout.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if still_starting is not None:
            still_starting()
        if list_tables(endpoint, timeout=1.0) is not None:
            return True
        time.sleep(0.05)
    return False
