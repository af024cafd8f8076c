"""Every sample event AWS's own libraries publish (tests/events/<source>/), through dispatch.

Each request event is sent with every method to a controller with a handler for every method
and to one with GET only; each answer must have the shape its event source accepts (API Gateway
REST answers 502 to an unknown key; an ALB needs `statusDescription`; with multi-value headers
an ALB reads only `multiValueHeaders`). Every lookalike (authorizer, WebSocket, Bedrock agent,
VPC Lattice) must raise UnsupportedEventError naming what it is. The kind of each file is
written in its SOURCES, judged by reading the event, not by asking Tight.
"""

from __future__ import annotations

import base64
import binascii
import copy
import json
from http import HTTPStatus
from pathlib import Path

import pytest

from tight.providers.aws.controllers import lambda_proxy_event as lambda_proxy

CORPUS = Path(__file__).resolve().parents[1] / "events"
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD")
REQUEST_KINDS = ("rest-v1", "http-v2", "function-url", "alb", "alb-multi")
LOOKALIKE_NAMES = {
    "authorizer-token": "Lambda authorizer event (type TOKEN)",
    "authorizer-request-v1": "Lambda authorizer event (type REQUEST, v1 payload)",
    "authorizer-request-v2": "Lambda authorizer event (type REQUEST, v2 payload)",
    "websocket": "WebSocket event",
    "bedrock-agent": "Bedrock agent",
    "vpc-lattice": "VPC Lattice event",
}
REST_KEYS = {"statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded"}
HTTP_KEYS = {"statusCode", "headers", "body", "isBase64Encoded", "cookies"}


def _corpus() -> list[tuple[str, str]]:
    """(relative path, kind) for every file listed in a SOURCES file."""
    found = []
    for sources in sorted(CORPUS.glob("*/SOURCES")):
        for line in sources.read_text().splitlines():
            if line.startswith("#") or "\t" not in line:
                continue
            name, kind = line.split("\t")
            found.append((f"{sources.parent.name}/{name}", kind))
    return found


CORPUS_FILES = _corpus()
REQUESTS = [(path, kind) for path, kind in CORPUS_FILES if kind in REQUEST_KINDS]
LOOKALIKES = [(path, kind) for path, kind in CORPUS_FILES if kind not in REQUEST_KINDS]


def test_every_sample_is_listed_with_a_known_kind():
    listed = {path for path, _ in CORPUS_FILES}
    on_disk = {f"{p.parent.name}/{p.name}" for p in CORPUS.glob("*/*.json")}
    assert listed == on_disk
    assert {kind for _, kind in CORPUS_FILES} <= set(REQUEST_KINDS) | set(LOOKALIKE_NAMES)
    assert {kind for _, kind in REQUESTS} == set(REQUEST_KINDS)  # every source is covered


def _load(path: str) -> dict:
    return json.loads((CORPUS / path).read_text(encoding="utf-8-sig"))  # .NET files have a BOM


def _with_method(event: dict, kind: str, method: str) -> dict:
    event = copy.deepcopy(event)
    if kind in ("http-v2", "function-url"):
        event["requestContext"]["http"]["method"] = method
    else:
        event["httpMethod"] = method
    return event


def _header(event: dict, name: str) -> str | None:
    for key, value in (event.get("headers") or {}).items():
        if key.lower() == name:
            return value
    for key, values in (event.get("multiValueHeaders") or {}).items():
        if key.lower() == name and values:
            return values[-1]
    return None


def _expected_bad_request(event: dict) -> bool:
    """Whether AWS's sample body is one Tight must refuse: bad base64, or bad declared JSON."""
    body = event.get("body")
    if not body:
        return False
    if event.get("isBase64Encoded") is True:
        try:
            body = base64.b64decode(body, validate=True)
        except binascii.Error:
            return True
    content_type = (_header(event, "content-type") or "").split(";")[0].strip().lower()
    if content_type == "application/json" or content_type.endswith("+json"):
        try:
            json.loads(body)
        except ValueError:
            return True
    return False


ALL_METHODS = """
import tight.providers.aws.controllers.lambda_proxy_event as lambda_proxy

def answer(event, principal_id):
    http = (event.get("requestContext") or {}).get("http") or {}
    return {"statusCode": 200, "body": {
        "method": event.get("httpMethod") or http.get("method"),
        "principal": principal_id,
        "query": lambda_proxy.query_params(event),
        "cookies": lambda_proxy.cookies(event),
    }, "cookies": ["seen=1"]}

for decorate in (lambda_proxy.get, lambda_proxy.post, lambda_proxy.put, lambda_proxy.patch,
                 lambda_proxy.delete, lambda_proxy.options, lambda_proxy.head):
    decorate(answer)
"""
GET_ONLY = """
import tight.providers.aws.controllers.lambda_proxy_event as lambda_proxy

@lambda_proxy.get
def get(event):
    return {"statusCode": 200, "body": {"hello": "world"}}
"""


@pytest.fixture(scope="module")
def controllers(tmp_path_factory):
    """Two controller modules, imported once for the whole corpus."""
    import importlib
    import sys

    root = tmp_path_factory.mktemp("corpus_controllers")
    (root / "tight_test_corpus_all.py").write_text(ALL_METHODS)
    (root / "tight_test_corpus_get.py").write_text(GET_ONLY)
    sys.path.insert(0, str(root))
    try:
        modules = {
            name: importlib.import_module(f"tight_test_corpus_{name}") for name in ("all", "get")
        }
    finally:
        sys.path.remove(str(root))
    yield {name: module.handler for name, module in modules.items()}
    for name in modules:
        sys.modules.pop(f"tight_test_corpus_{name}", None)
        lambda_proxy._routes.pop(f"tight_test_corpus_{name}", None)


@pytest.fixture(autouse=True)
def isolated_runtime():
    """The corpus controllers live for the module: skip the per-test app cleanup."""
    yield


def _headers_of(answer: dict, kind: str) -> dict[str, list[str]]:
    """Every response header, lower-cased, as lists (one value in single-value shapes)."""
    if kind == "alb-multi":
        return {k.lower(): v for k, v in answer["multiValueHeaders"].items()}
    found = {k.lower(): [v] for k, v in answer["headers"].items()}
    for key, values in (answer.get("multiValueHeaders") or {}).items():
        found.setdefault(key.lower(), []).extend(values)
    return found


def check_shape(answer: object, kind: str) -> None:
    """The answer is one the event's source accepts, as AWS documents it."""
    assert isinstance(answer, dict), answer
    assert type(answer["statusCode"]) is int and isinstance(answer["body"], str)
    if kind == "rest-v1":
        assert set(answer) <= REST_KEYS, f"API Gateway REST rejects {set(answer) - REST_KEYS}"
    elif kind in ("http-v2", "function-url"):
        assert set(answer) <= HTTP_KEYS, f"HTTP API v2 ignores {set(answer) - HTTP_KEYS}"
        assert all(isinstance(c, str) for c in answer.get("cookies", []))
    else:
        headers_key = "multiValueHeaders" if kind == "alb-multi" else "headers"
        assert set(answer) == {
            "statusCode",
            "statusDescription",
            "isBase64Encoded",
            headers_key,
            "body",
        }
        phrase = HTTPStatus(answer["statusCode"]).phrase
        assert answer["statusDescription"] == f"{answer['statusCode']} {phrase}"
        assert type(answer["isBase64Encoded"]) is bool
    if kind == "alb-multi":
        multi = answer["multiValueHeaders"]
        assert all(
            isinstance(v, list) and all(isinstance(s, str) for s in v) for v in multi.values()
        )
    else:
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in answer["headers"].items())


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(("path", "kind"), REQUESTS, ids=[p for p, _ in REQUESTS])
def test_request_with_a_handler_for_every_method(controllers, path, kind, method):
    event = _with_method(_load(path), kind, method)
    kept = copy.deepcopy(event)
    answer = controllers["all"](event, None)
    check_shape(answer, kind)
    assert event == kept  # the caller's event is never changed
    if _expected_bad_request(event):
        assert answer["statusCode"] == 400
        return
    assert answer["statusCode"] == 200
    if method == "HEAD":
        assert answer["body"] == ""
        return
    body = json.loads(answer["body"])
    assert body["method"] == method  # HEAD/OPTIONS handlers included: no rewriting
    headers = _headers_of(answer, kind)
    if kind in ("http-v2", "function-url"):
        assert answer["cookies"] == ["seen=1"]
    elif kind == "alb":
        assert headers["set-cookie"] == ["seen=1"]
    else:
        assert "seen=1" in headers["set-cookie"]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(("path", "kind"), REQUESTS, ids=[p for p, _ in REQUESTS])
def test_request_to_a_get_only_controller(controllers, path, kind, method):
    event = _with_method(_load(path), kind, method)
    answer = controllers["get"](event, None)
    check_shape(answer, kind)
    headers = _headers_of(answer, kind)
    if method in ("GET", "HEAD"):
        assert answer["statusCode"] == (400 if _expected_bad_request(event) else 200)
        if method == "HEAD":
            assert answer["body"] == ""
    elif method == "OPTIONS":
        assert answer["statusCode"] == 204
        assert headers["allow"] == ["GET, OPTIONS, HEAD"]
        assert headers["access-control-allow-methods"] == ["GET, OPTIONS, HEAD"]
    else:
        assert answer["statusCode"] == 405
        assert headers["allow"] == ["GET, OPTIONS, HEAD"]
        assert method in json.loads(answer["body"])["message"]


@pytest.mark.parametrize(("path", "kind"), LOOKALIKES, ids=[p for p, _ in LOOKALIKES])
def test_lookalike_is_refused_by_name(controllers, path, kind):
    for controller in controllers.values():
        event = _load(path)
        with pytest.raises(lambda_proxy.UnsupportedEventError) as raised:
            controller(event, None)
        assert LOOKALIKE_NAMES[kind] in str(raised.value)
        assert "Accepted: API Gateway REST" in str(raised.value)
