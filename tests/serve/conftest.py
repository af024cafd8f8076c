"""A real app from templates/app with a few controllers, and `invoke serve` run on it for real.

The server runs as a user runs it (`python -m invoke serve --port 0` in the app's folder, a
subprocess with no AWS credentials); `Served` reads the port from its banner, keeps its output
for assertions on the log, and stops it with Ctrl-C (SIGINT), checking the exit code.
"""

from __future__ import annotations

import http.client
import re
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.templates import helpers

ECHO = """
import tight.providers.aws.controllers.lambda_proxy_event as lambda_proxy


def _echo(event, context):
    return {
        "statusCode": 200,
        "body": {"event": event, "function_name": context.function_name},
        # Tight shapes these for the event: REST gets Set-Cookie multi-value headers,
        # an HTTP API `cookies` and comma-joined headers.
        "cookies": ["session=abc; Path=/", "theme=dark; Path=/"],
        "multiValueHeaders": {"X-Multi-Answer": ["1", "2"]},
        "headers": {"X-Echo": "yes"},
    }


@lambda_proxy.get
def get_handler(event, context):
    return _echo(event, context)


@lambda_proxy.post
def post_handler(event, context):
    answer = _echo(event, context)
    answer["statusCode"] = 201
    return answer


@lambda_proxy.put
@lambda_proxy.patch
@lambda_proxy.delete
def other_handler(event, context):
    return _echo(event, context)
"""

FILES = """
import hashlib

import tight.providers.aws.controllers.lambda_proxy_event as lambda_proxy

PICTURE = bytes(range(256)) * 4


@lambda_proxy.get
def get_handler(event):
    return {"statusCode": 200, "headers": {"Content-Type": "image/png"}, "body": PICTURE}


@lambda_proxy.post
def post_handler(event):
    raw = event["body"]  # bytes: the body arrived base64-encoded
    return {
        "statusCode": 200,
        "body": {
            "isBase64Encoded": event["isBase64Encoded"],
            "type": type(raw).__name__,
            "sha256": hashlib.sha256(raw).hexdigest(),
        },
    }
"""

READONLY = """
import tight.providers.aws.controllers.lambda_proxy_event as lambda_proxy


@lambda_proxy.get
def get_handler():
    return {"statusCode": 200, "body": {"read": "only"}}
"""

FUNCTIONS = {"echo": ECHO, "files": FILES, "readonly": READONLY}
ROUTES = """functions:
  echo: {path: /echo}
  files: {path: /media/files}
  readonly: {path: /readonly}
"""
LISTENING = re.compile(r"Listening on http://\S+:(\d+)$")


def write_function(app: Path, name: str, code: str) -> None:
    folder = app / "app" / "functions" / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "__init__.py").touch()
    (folder / "handler.py").write_text(textwrap.dedent(code).lstrip())


def render_app(parent: Path, env: dict[str, str]) -> Path:
    app = helpers.new_app(parent, env)
    for name, code in FUNCTIONS.items():
        write_function(app, name, code)
    config = app / "tight.yml"
    config.write_text(config.read_text().replace("functions: {}\n", ROUTES))
    return app


@pytest.fixture(scope="module")
def serve_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    env = helpers.offline_env(tmp_path_factory.mktemp("home"))
    for name in ("NAME", "STAGE", "CI", "DYNAMODB_ENDPOINT", "USE_LOCAL_DB"):
        env.pop(name, None)
    return env


@pytest.fixture(scope="module")
def module_app(tmp_path_factory: pytest.TempPathFactory, serve_env: dict[str, str]) -> Path:
    """One app per test module (rendering costs a second): tests must not edit it."""
    return render_app(tmp_path_factory.mktemp("served"), serve_env)


@pytest.fixture
def own_app(tmp_path: Path, serve_env: dict[str, str]) -> Path:
    """An app this test may edit."""
    return render_app(tmp_path, serve_env)


class Served:
    """A running `invoke serve`: its port, its output so far, and a client for it."""

    def __init__(self, app: Path, args: tuple[str, ...], env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "invoke", "serve", "--port", "0", *args],
            cwd=app,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self._ready = threading.Event()
        self.port = 0
        threading.Thread(target=self._read, daemon=True).start()
        if not self._ready.wait(60) or not self.port:
            self.stop(check=False)
            pytest.fail(f"invoke serve did not start:\n{self.output}")

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)
            found = LISTENING.search(line)
            if found:
                self.port = int(found.group(1))
                self._ready.set()
        self._ready.set()

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_for_output(self, text: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while text not in self.output:
            if time.monotonic() > deadline:
                pytest.fail(f"{text!r} never appeared in the server's output:\n{self.output}")
            time.sleep(0.05)
        return self.output

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: list[tuple[str, str]] | None = None,
    ) -> tuple[int, http.client.HTTPMessage, bytes]:
        """One request with http.client; headers as a list so a name can repeat."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.putrequest(method, path)
            for name, value in headers or []:
                connection.putheader(name, value)
            if body is not None:
                connection.putheader("Content-Length", str(len(body)))
            connection.endheaders(body)
            response = connection.getresponse()
            return response.status, response.headers, response.read()
        finally:
            connection.close()

    def stop(self, check: bool = True) -> int:
        """Ctrl-C, as a user stops it; the exit code must be 0 and the stop announced."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        code = self.process.returncode
        if check:
            assert code == 0, f"invoke serve exited with {code}:\n{self.output}"
            self.wait_for_output("stopped", timeout=5)
        return code


@pytest.fixture
def serve(serve_env: dict[str, str]) -> Iterator[Callable[..., Served]]:
    """`serve(app, '--api', 'http')` starts a server; each is stopped (Ctrl-C) after the test."""
    started: list[Served] = []

    def start(app: Path, *args: str, env: dict[str, str] | None = None) -> Served:
        served = Served(app, args, {**serve_env, **(env or {})})
        started.append(served)
        return served

    yield start
    for served in started:
        served.stop(check=False)
