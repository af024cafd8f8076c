"""The local API: werkzeug's threaded WSGI server, one request at a time into the app.

Requests are served one at a time (a lock), as one warm Lambda instance would take them; the
server itself is threaded so a browser's parallel connections never stall each other.
"""

from __future__ import annotations

import errno
import http
import logging
import os
import signal
import socket
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request

from tight.tasks.config import AppConfig, app_environment, apply_env
from tight.tasks.errors import TaskError
from tight.tasks.serving import gateway
from tight.tasks.serving.reloader import AppReloader
from tight.tasks.serving.routes import match
from tight.testing.context import LambdaContext

log = logging.getLogger("tight.serve")
LOOPBACK = ("127.0.0.1", "localhost", "::1")
StartResponse = Callable[[str, list[tuple[str, str]]], Any]


@dataclass(frozen=True)
class Settings:
    api: str  # rest | http
    stage: str
    dynamodb_endpoint: str | None  # None: real AWS, as asked with --aws


class LocalApi:
    """The WSGI application: request -> event -> controller -> proxy answer -> response."""

    def __init__(self, config: AppConfig, settings: Settings, reloader: AppReloader) -> None:
        self.config = config
        self.settings = settings
        self.reloader = reloader
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        request = _http_request(environ)
        with self._lock:
            response, target = self.answer(request)
        elapsed = (time.perf_counter() - started) * 1000
        query = f"?{request.query_string}" if request.query_string else ""
        log.info(
            f"{request.method} {request.raw_path}{query} {response.status} {elapsed:.1f} ms"
            f"  ({target})"
        )
        headers = list(response.headers)
        no_body = response.status in (204, 304) or response.status < 200
        if not no_body and not any(k.lower() == "content-length" for k, _ in headers):
            headers.append(("Content-Length", str(len(response.body))))
        start_response(f"{response.status} {_phrase(response.status)}", headers)
        return [b""] if no_body else [response.body]

    def answer(self, request: gateway.HttpRequest) -> tuple[gateway.HttpResponse, str]:
        api = self.settings.api
        loaded = self.reloader.current()
        if loaded.module is None:
            log.error(f"the app failed to load: {loaded.error}")
            return gateway.function_failed(api), "app failed to load"
        found = match(loaded.routes, request.path)
        if found is None:
            return gateway.not_found(api), "no route"
        function = found.function
        if api == "rest":
            event = gateway.rest_v1_event(request, found, self.settings.stage)
        else:  # `invoke template` deploys an HTTP API with its `$default` stage
            event = gateway.http_v2_event(request, found, "$default")
        context = LambdaContext(
            function_name=f"{self.config.name}-{self.settings.stage}-{function.name}",
            memory_limit_in_mb=function.memory,
            timeout_ms=function.timeout * 1000,
            aws_request_id=str(uuid.uuid4()),
        )
        target = f"app_index.{function.name}"
        try:
            result = getattr(loaded.module, function.name)(event, context)
        except Exception:
            log.exception(f"{target} raised (request {context.aws_request_id})")
            self._hint_database()
            return gateway.function_failed(api), target
        to_response = gateway.rest_v1_response if api == "rest" else gateway.http_v2_response
        try:
            response = to_response(result, request.request_id)
        except gateway.MalformedResponse as exc:
            log.error(f"{target} answered a malformed proxy response: {exc}")
            return gateway.function_failed(api), target
        if api == "http" and isinstance(result, dict) and result.get("multiValueHeaders"):
            log.warning(
                f"{target}: an HTTP API ignores multiValueHeaders (payload 2.0); "
                "use headers (comma-joined values) and cookies"
            )
        if response.status >= 500:
            self._hint_database()
        return response, target

    def _hint_database(self) -> None:
        """A 5xx while DynamoDB Local is down: say so, and how to start it."""
        endpoint = self.settings.dynamodb_endpoint
        if endpoint and not _answers(endpoint):
            log.error(
                f"DynamoDB Local is not running at {endpoint}: if this function uses "
                "DynamoDB, start it with `invoke rundb` in another terminal "
                f"(tight.yml dynamo_db.port: {self.config.dynamo_db_port})"
            )


class _RequestHandler(WSGIRequestHandler):
    """werkzeug's handler, keeping the raw header lines (the WSGI environ joins duplicates,
    which REST's multiValueHeaders must keep apart) and leaving request logging to us."""

    def make_environ(self) -> dict[str, Any]:
        environ = super().make_environ()
        environ["tight.raw_headers"] = list(self.headers.items())
        return environ

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass  # LocalApi logs one line per request, with the duration


def _http_request(environ: dict[str, Any]) -> gateway.HttpRequest:
    request = Request(environ)
    raw_uri = environ.get("RAW_URI") or request.full_path
    raw_path = urlsplit(raw_uri).path or "/"
    headers = environ.get("tight.raw_headers")
    if headers is None:
        headers = list(request.headers.items())
    return gateway.HttpRequest(
        method=request.method.upper(),
        raw_path=raw_path,
        path=request.path,
        query_string=request.query_string.decode("latin-1"),
        headers=[(str(k), str(v)) for k, v in headers],
        body=request.get_data(cache=False),
        source_ip=request.remote_addr or "127.0.0.1",
        protocol=environ.get("SERVER_PROTOCOL", "HTTP/1.1"),
    )


def _phrase(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def _answers(endpoint: str) -> bool:
    parts = urlsplit(endpoint)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 80), 0.5):
            return True
    except OSError:
        return False


def bind(host: str, port: int) -> socket.socket:
    """A listening socket, or a TaskError saying why not (a port in use, an unknown host)."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as exc:
        raise TaskError(f"--host {host!r} is not an address here: {exc}", "use 127.0.0.1") from exc
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise TaskError(
                f"port {port} on {host} is in use by another program",
                f"stop that program, or pick another port: `invoke serve --port {port + 1}`",
            ) from exc
        raise TaskError(f"cannot listen on {host}:{port}: {exc.strerror}") from exc
    return sock


def configure_logging() -> None:
    """A root handler as Lambda has one: the app's `tight` records and ours side by side."""
    root = logging.getLogger()
    if not any(getattr(h, "tight_serve", False) for h in root.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%H:%M:%S")
        )
        handler.tight_serve = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(logging.INFO)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)


def prepare_environment(config: AppConfig, use_aws: bool) -> tuple[str, str | None]:
    """The deployed function's environment: env.yml (else env.dist.yml) and NAME, the shell
    winning; DynamoDB at `invoke rundb`'s port unless --aws. Returns (stage, endpoint)."""
    apply_env(app_environment(config.root))
    stage = os.environ.get("STAGE") or "dev"
    if use_aws:
        return stage, None
    os.environ.setdefault("DYNAMODB_ENDPOINT", f"http://127.0.0.1:{config.dynamo_db_port}")
    if not (os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")):
        os.environ["AWS_DEFAULT_REGION"] = "us-east-1"  # DynamoDB Local accepts any region
    return stage, os.environ["DYNAMODB_ENDPOINT"]


def run(config: AppConfig, host: str, port: int, api: str, use_aws: bool) -> None:
    """Serve until Ctrl-C (or SIGTERM); returns normally after a clean stop."""
    configure_logging()
    stage, endpoint = prepare_environment(config, use_aws)
    sock = bind(host, port)
    reloader = AppReloader(Path(config.root))
    loaded = reloader.current()  # import now: a broken app is reported before any request
    settings = Settings(api=api, stage=stage, dynamodb_endpoint=endpoint)
    server = make_server(
        host,
        sock.getsockname()[1],
        LocalApi(config, settings, reloader),
        threaded=True,
        request_handler=_RequestHandler,
        fd=sock.fileno(),
    )
    sock.close()  # werkzeug listens on its own duplicate of the socket
    _print_banner(config, settings, host, server.port, loaded.routes)
    # Ctrl-C and SIGTERM both stop cleanly, even where a shell started us with SIGINT ignored.
    previous = {sig: signal.signal(sig, _interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        server.server_close()
        print("\nstopped", flush=True)


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def _print_banner(
    config: AppConfig, settings: Settings, host: str, port: int, routes: list
) -> None:
    kind = "REST API (v1 events)" if settings.api == "rest" else "HTTP API (payload 2.0 events)"
    shown = f"[{host}]" if ":" in host else host
    lines = [f"Serving {config.name} as an API Gateway {kind}, stage {settings.stage}"]
    for function in sorted(routes, key=lambda f: f.path):
        lines.append(f"  ANY {function.path}, {function.proxy_path} -> app_index.{function.name}")
    if settings.dynamodb_endpoint:
        state = "answering" if _answers(settings.dynamodb_endpoint) else "not running yet"
        lines.append(
            f"DynamoDB: {settings.dynamodb_endpoint} ({state}; start it with `invoke rundb`)"
        )
    else:
        lines.append("DynamoDB: real AWS (--aws), with your AWS credentials")
    if host not in LOOPBACK:
        lines.append(
            f"WARNING: listening on {host}: other machines on your network can call this API"
        )
    lines.append("Code changes are picked up on the next request. Press Ctrl-C to stop.")
    lines.append(f"Listening on http://{shown}:{port}")
    print("\n".join(lines), flush=True)
