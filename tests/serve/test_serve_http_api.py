"""`invoke serve --api http` (or tight.yml `api: http`): HTTP API payload 2.0 events."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.serve.conftest import Served

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(module_app: Path, serve_env: dict[str, str]) -> Iterator[Served]:
    served = Served(module_app, ("--api", "http"), serve_env)
    yield served
    served.stop()


def event_of(body: bytes) -> dict:
    return json.loads(body)["event"]


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "PATCH", "DELETE"])
def test_every_method_arrives_as_a_v2_event(server: Served, method: str) -> None:
    status, headers, body = server.request(
        method, "/echo", b'{"n": 1}', [("Content-Type", "application/json")]
    )
    assert status == (201 if method == "POST" else 200), body
    event = event_of(body)
    assert event["version"] == "2.0"
    assert event["routeKey"] == event["requestContext"]["routeKey"] == "ANY /echo"
    assert event["rawPath"] == "/echo"
    assert event["requestContext"]["http"]["method"] == method
    assert event["requestContext"]["http"]["path"] == "/echo"
    assert event["requestContext"]["stage"] == "$default"  # the deployed HttpApi's stage
    assert "httpMethod" not in event and "multiValueHeaders" not in event
    assert event["body"] == {"n": 1}
    assert headers["Apigw-Requestid"] == event["requestContext"]["requestId"]


def test_query_headers_and_cookies_as_payload_2_0_has_them(server: Served) -> None:
    status, headers, body = server.request(
        "GET",
        "/echo/x/y?tag=a&tag=b&q=hello%20world",
        headers=[("X-Multi", "1"), ("X-Multi", "2"), ("Cookie", "a=1; b=2")],
    )
    assert status == 200
    event = event_of(body)
    assert event["rawQueryString"] == "tag=a&tag=b&q=hello%20world"
    assert event["queryStringParameters"] == {"tag": "a,b", "q": "hello world"}
    assert event["headers"]["x-multi"] == "1,2"
    assert event["cookies"] == ["a=1", "b=2"]
    assert "cookie" not in event["headers"]
    assert event["routeKey"] == "ANY /echo/{proxy+}"
    assert event["pathParameters"] == {"proxy": "x/y"}
    # The answer's `cookies` become Set-Cookie headers; 2.0 has no multi-value headers.
    assert headers.get_all("Set-Cookie") == ["session=abc; Path=/", "theme=dark; Path=/"]
    assert headers.get_all("X-Multi-Answer") == ["1,2"]


def test_binary_both_ways(server: Served) -> None:
    data = bytes(range(256))
    status, _, body = server.request(
        "POST", "/media/files", data, [("Content-Type", "application/octet-stream")]
    )
    assert status == 200
    assert json.loads(body)["sha256"] == hashlib.sha256(data).hexdigest()
    assert json.loads(body)["isBase64Encoded"] is True
    assert server.request("GET", "/media/files")[2] == bytes(range(256)) * 4


def test_an_unknown_path_is_404_not_found(server: Served) -> None:
    status, _, body = server.request("GET", "/nope")
    assert (status, json.loads(body)) == (404, {"message": "Not Found"})


def test_a_method_without_handler_is_still_the_controllers_405(server: Served) -> None:
    status, headers, _ = server.request("DELETE", "/readonly")
    assert status == 405
    assert headers["Allow"] == "GET, OPTIONS, HEAD"


def test_tight_yml_api_http_is_the_default_when_set(
    own_app: Path,
    serve,  # type: ignore[no-untyped-def]
    serve_env: dict[str, str],
) -> None:
    config = own_app / "tight.yml"
    config.write_text(config.read_text() + "api: HTTP\n")
    served = serve(own_app)
    assert "HTTP API (payload 2.0 events)" in served.output
    assert event_of(served.request("GET", "/echo")[2])["version"] == "2.0"
    served.stop()
    config.write_text(config.read_text().replace("api: HTTP\n", "api: soap\n"))
    result = subprocess.run(
        [sys.executable, "-m", "invoke", "serve"],
        cwd=own_app,
        env=serve_env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "tight.yml: api 'soap' is not supported" in result.stderr
