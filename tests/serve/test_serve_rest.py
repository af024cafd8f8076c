"""`invoke serve` as a REST API (the default): real HTTP requests, API Gateway v1 events."""

from __future__ import annotations

import hashlib
import json
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.serve.conftest import Served

pytestmark = pytest.mark.slow

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


@pytest.fixture(scope="module")
def server(module_app: Path, serve_env: dict[str, str]) -> Iterator[Served]:
    served = Served(module_app, (), serve_env)
    yield served
    served.stop()


def event_of(body: bytes) -> dict:
    return json.loads(body)["event"]


@pytest.mark.parametrize("method", METHODS)
def test_every_method_reaches_the_controller_as_a_rest_event(server: Served, method: str) -> None:
    status, headers, body = server.request(
        method, "/echo", b'{"n": 1}', [("Content-Type", "application/json")]
    )
    assert status == (201 if method == "POST" else 200), body
    event = event_of(body)
    assert event["httpMethod"] == method
    assert event["resource"] == event["requestContext"]["resourcePath"] == "/echo"
    assert event["path"] == "/echo"
    assert event["pathParameters"] is None
    assert event["body"] == {"n": 1}  # JSON text in the event, parsed by Tight
    assert event["isBase64Encoded"] is False
    assert event["requestContext"]["stage"] == "dev"
    assert event["requestContext"]["path"] == "/dev/echo"
    assert event["requestContext"]["httpMethod"] == method
    assert json.loads(body)["function_name"] == "my-service-dev-echo"
    assert headers["x-amzn-RequestId"] == event["requestContext"]["requestId"]


def test_each_request_gets_a_fresh_request_id(server: Served) -> None:
    ids = {
        event_of(server.request("GET", "/echo")[2])["requestContext"]["requestId"] for _ in "abc"
    }
    assert len(ids) == 3


def test_head_and_options_answer_as_the_controller_does(server: Served) -> None:
    status, headers, body = server.request("HEAD", "/echo")
    assert (status, body) == (200, b"")
    status, headers, body = server.request(
        "OPTIONS",
        "/echo",
        headers=[
            ("Origin", "http://127.0.0.1:9"),
            ("Access-Control-Request-Method", "POST"),
            ("Access-Control-Request-Headers", "content-type"),
        ],
    )
    assert status == 204
    assert "POST" in headers["Access-Control-Allow-Methods"]
    assert headers["Access-Control-Allow-Headers"] == "content-type"
    assert headers["Access-Control-Allow-Origin"] == "*"


def test_a_query_string_with_repeated_keys(server: Served) -> None:
    status, _, body = server.request("GET", "/echo?tag=a&tag=b&q=hello%20world&empty=")
    assert status == 200
    event = event_of(body)
    assert event["queryStringParameters"] == {"tag": "b", "q": "hello world", "empty": ""}
    assert event["multiValueQueryStringParameters"] == {
        "tag": ["a", "b"],
        "q": ["hello world"],
        "empty": [""],
    }
    assert event_of(server.request("GET", "/echo")[2])["queryStringParameters"] is None


def test_repeated_headers_a_cookie_and_cookies_set_in_the_answer(server: Served) -> None:
    status, headers, body = server.request(
        "GET",
        "/echo",
        headers=[("X-Multi", "1"), ("X-Multi", "2"), ("Cookie", "a=1; b=2")],
    )
    assert status == 200
    event = event_of(body)
    assert event["multiValueHeaders"]["X-Multi"] == ["1", "2"]
    assert event["headers"]["X-Multi"] == "2"  # REST keeps the last value in `headers`
    assert event["headers"]["Cookie"] == "a=1; b=2"
    assert headers.get_all("Set-Cookie") == ["session=abc; Path=/", "theme=dark; Path=/"]
    assert headers["X-Echo"] == "yes"
    assert headers.get_all("X-Multi-Answer") == ["1", "2"]


def test_a_proxy_path_reaches_its_function_with_the_proxy_parameter(server: Served) -> None:
    status, _, body = server.request("GET", "/echo/a/b%20c")
    assert status == 200
    event = event_of(body)
    assert event["resource"] == "/echo/{proxy+}"
    assert event["pathParameters"] == {"proxy": "a/b c"}
    assert event["path"] == "/echo/a/b c"


def test_a_binary_body_arrives_base64_and_a_binary_answer_is_decoded(server: Served) -> None:
    data = bytes(range(256)) * 3
    status, _, body = server.request(
        "POST", "/media/files", data, [("Content-Type", "application/octet-stream")]
    )
    assert status == 200, body
    assert json.loads(body) == {
        "isBase64Encoded": True,
        "type": "bytes",
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    status, headers, body = server.request("GET", "/media/files")
    assert status == 200
    assert headers["Content-Type"] == "image/png"
    assert body == bytes(range(256)) * 4


@pytest.mark.parametrize("path", ["/", "/nope", "/echoes", "/media", "/media/other"])
def test_a_path_no_function_claims_is_what_a_rest_api_answers(server: Served, path: str) -> None:
    status, headers, body = server.request("GET", path)
    assert status == 403
    assert json.loads(body) == {"message": "Missing Authentication Token"}
    assert headers["x-amzn-ErrorType"] == "MissingAuthenticationTokenException"


def test_a_method_without_handler_is_405_with_allow(server: Served) -> None:
    status, headers, body = server.request("POST", "/readonly", b"{}")
    assert status == 405
    assert headers["Allow"] == "GET, OPTIONS, HEAD"
    assert "POST" in json.loads(body)["message"]


def test_one_log_line_per_request(server: Served) -> None:
    server.request("GET", "/readonly?probe=log")
    server.request("GET", "/nowhere?probe=log")
    output = server.wait_for_output("/nowhere?probe=log")
    mine = [line for line in output.splitlines() if "probe=log" in line]
    assert len(mine) == 2, output
    assert "GET /readonly?probe=log 200 " in mine[0] and " ms" in mine[0]
    assert "GET /nowhere?probe=log 403 " in mine[1] and "(no route)" in mine[1]


def test_it_listens_on_loopback_only(server: Served) -> None:
    assert f"Listening on http://127.0.0.1:{server.port}" in server.output
    with pytest.raises(ConnectionRefusedError):  # another loopback address is not served
        socket.create_connection(("127.0.0.2", server.port), timeout=5).close()


def test_all_interfaces_only_when_asked(module_app: Path, serve, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    served = serve(module_app, "--host", "0.0.0.0")
    assert "WARNING: listening on 0.0.0.0" in served.output
    socket.create_connection(("127.0.0.2", served.port), timeout=5).close()


def test_ctrl_c_stops_cleanly(module_app: Path, serve) -> None:  # type: ignore[no-untyped-def]
    served = serve(module_app)
    assert served.request("GET", "/readonly")[0] == 200
    assert served.stop() == 0
    assert "Traceback" not in served.output
    assert served.output.rstrip().endswith("stopped")


def test_a_port_in_use_is_a_clear_error(module_app: Path, serve_env: dict[str, str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "invoke", "serve", "--port", str(port)],
            cwd=module_app,
            env=serve_env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode != 0
    assert f"error: port {port} on 127.0.0.1 is in use" in result.stderr
    assert f"fix: stop that program, or pick another port: `invoke serve --port {port + 1}`" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr + result.stdout


def test_an_unknown_api_type_is_a_clear_error(module_app: Path, serve_env: dict[str, str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "invoke", "serve", "--api", "graphql"],
        cwd=module_app,
        env=serve_env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "error: --api 'graphql' is not known" in result.stderr
    assert "fix: use one of rest, http" in result.stderr
