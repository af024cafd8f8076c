"""Code changes reach the running server on the next request; broken code answers 500."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.serve.conftest import write_function

pytestmark = pytest.mark.slow

USES_LIB_AND_MODEL = """
import tight.providers.aws.controllers.lambda_proxy_event as lambda_proxy
from greeting import WORD  # app/lib/greeting.py
from app.models import Salutation  # app/models/Salutation.py


@lambda_proxy.get
def get_handler():
    return {"statusCode": 200, "body": {"word": WORD, "salutation": Salutation.TEXT}}
"""

BROKEN = """
import tight.providers.aws.controllers.lambda_proxy_event as lambda_proxy

raise RuntimeError("boom at import time")
"""


def edit(path: Path, text: str) -> None:
    """Write and make sure the mtime moves, even on a filesystem with coarse timestamps."""
    before = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(text)
    if path.stat().st_mtime_ns == before:
        os.utime(path, ns=(before + 1_000_000, before + 1_000_000))


def body(answer: tuple) -> dict:
    return json.loads(answer[2])


def test_a_changed_controller_answers_without_a_restart(own_app: Path, serve) -> None:  # type: ignore[no-untyped-def]
    served = serve(own_app)
    assert body(served.request("GET", "/readonly")) == {"read": "only"}
    handler = own_app / "app" / "functions" / "readonly" / "handler.py"
    edit(handler, handler.read_text().replace('"only"', '"changed"'))
    assert body(served.request("GET", "/readonly")) == {"read": "changed"}
    assert "reloading the app: app/functions/readonly/handler.py changed" in served.output
    # A method removed from the controller is gone too (no stale route).
    edit(handler, handler.read_text().replace("@lambda_proxy.get", "@lambda_proxy.post"))
    assert served.request("GET", "/readonly")[0] == 405
    assert served.request("POST", "/readonly", b"{}")[0] == 200


def test_app_lib_and_models_are_reloaded_too(own_app: Path, serve) -> None:  # type: ignore[no-untyped-def]
    lib = own_app / "app" / "lib" / "greeting.py"
    model = own_app / "app" / "models" / "Salutation.py"
    edit(lib, 'WORD = "hello"\n')
    edit(model, 'class Salutation:\n    TEXT = "dear"\n')
    write_function(own_app, "readonly", USES_LIB_AND_MODEL)
    served = serve(own_app)
    assert body(served.request("GET", "/readonly")) == {"word": "hello", "salutation": "dear"}
    edit(lib, 'WORD = "howdy"\n')
    assert body(served.request("GET", "/readonly"))["word"] == "howdy"
    edit(model, 'class Salutation:\n    TEXT = "esteemed"\n')
    assert body(served.request("GET", "/readonly"))["salutation"] == "esteemed"


def test_a_new_function_is_served_without_a_restart(own_app: Path, serve) -> None:  # type: ignore[no-untyped-def]
    served = serve(own_app)
    assert served.request("GET", "/added")[0] == 403
    write_function(
        own_app,
        "added",
        "import tight.providers.aws.controllers.lambda_proxy_event as lambda_proxy\n\n\n"
        "@lambda_proxy.get\ndef get_handler():\n    return {'statusCode': 200, 'body': 'new'}\n",
    )
    status, _, text = served.request("GET", "/added")
    assert (status, text) == (200, b"new")


def test_a_handler_that_fails_to_import_answers_500_and_the_log_says_why(
    own_app: Path,
    serve,  # type: ignore[no-untyped-def]
) -> None:
    served = serve(own_app)
    handler = own_app / "app" / "functions" / "readonly" / "handler.py"
    good = handler.read_text()
    edit(handler, BROKEN)
    status, _, text = served.request("GET", "/readonly")
    assert status == 500
    answer = json.loads(text)
    assert answer["message"] == "Internal server error" and answer["requestId"]
    output = served.wait_for_output("boom at import time")
    assert "cannot load controller 'readonly'" in output
    assert "RuntimeError: boom at import time" in output
    assert "GET /readonly 500 " in output
    edit(handler, good)
    assert served.request("GET", "/readonly")[0] == 200


def test_a_broken_app_index_answers_like_a_failed_lambda_and_recovers(
    own_app: Path,
    serve,  # type: ignore[no-untyped-def]
) -> None:
    served = serve(own_app)
    entry = own_app / "app_index.py"
    good = entry.read_text()
    edit(entry, good + "\ndef broken(:\n")
    status, _, text = served.request("GET", "/readonly")
    assert (status, json.loads(text)) == (502, {"message": "Internal server error"})
    output = served.wait_for_output("cannot load the app")
    assert "SyntaxError" in output
    assert served.request("GET", "/readonly")[0] == 502  # still broken: no retry storm
    assert served.output.count("Traceback") == 1
    edit(entry, good)
    assert served.request("GET", "/readonly")[0] == 200


def test_a_malformed_answer_is_a_502_with_the_reason_logged(own_app: Path, serve) -> None:  # type: ignore[no-untyped-def]
    write_function(
        own_app,
        "readonly",
        "import tight.providers.aws.controllers.lambda_proxy_event as lambda_proxy\n\n\n"
        "@lambda_proxy.get\ndef get_handler():\n    return {'passthrough': 'not a response'}\n",
    )
    served = serve(own_app)
    status, headers, text = served.request("GET", "/readonly")
    assert (status, json.loads(text)) == (502, {"message": "Internal server error"})
    assert headers["x-amzn-ErrorType"] == "InternalServerErrorException"
    output = served.wait_for_output("malformed proxy response")
    assert (
        "app_index.readonly answered a malformed proxy response: the function returned a str"
        in (output)
    )
