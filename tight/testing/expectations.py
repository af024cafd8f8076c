"""Expected responses stored beside a test as YAML, written once and compared forever.

`expected_response_body(here, 'expectations/x.yml', actual_response)`: in record mode it
stages the response (`body`, `headers`, `statusCode`, as the original Tight's files look) on the
test's `aws_recording`, written only when the test passes, like the recording beside it, and
returns its body; in playback
it returns the stored body, parsed from JSON, so `assert actual_body == expected` compares
Python values. A missing file fails the test
instead of returning None (the original Tight's version did, so its generated test could not fail).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NoReturn

import yaml

from tight.tasks.files import write_atomic
from tight.testing import lifecycle
from tight.testing.recording import how_to_record


def expected_response_body(
    here: str | os.PathLike[str], relative_path: str, actual_response: Any
) -> Any:
    path = Path(here) / relative_path
    if lifecycle.active_run().recording:
        if not isinstance(actual_response, Mapping) or "body" not in actual_response:
            _fail(
                f"cannot record {path}: the actual response must be a Lambda proxy response "
                f"with a 'body', got {actual_response!r}"
            )
        test = lifecycle.require_test("expected_response_body")
        test.stage_file(path, expectation_text(actual_response))
        return parse_body(actual_response["body"])
    return parse_body(load_expectation(path)["body"])


def load_expectation(path: Path) -> dict[str, Any]:
    if not path.is_file():
        _fail(f"no expectation at {path}; {how_to_record(_test_file_near(path))}.")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        _fail(f"{path} is not valid YAML ({exc}); fix it or delete it and re-record")
    if not isinstance(data, dict) or "body" not in data:
        _fail(f"{path} has no `body:` entry; re-record it with `pytest --tight-record`")
    return data


def expectation_text(response: Mapping[str, Any]) -> str:
    """The response in the original Tight's layout (body kept as JSON text)."""
    data = dict(response)
    if not isinstance(data["body"], (str, type(None))):
        data["body"] = json.dumps(data["body"], separators=(",", ":"))
    return yaml.safe_dump(data, default_flow_style=None, sort_keys=True, allow_unicode=True)


def write_expectation(path: Path, response: Mapping[str, Any]) -> None:
    """Atomically write the response now (record mode stages it instead)."""
    write_atomic(path, expectation_text(response))


def parse_body(body: Any) -> Any:
    """JSON text -> Python value; other text stays text; non-strings pass through."""
    if isinstance(body, (bytes, bytearray)):
        body = bytes(body).decode("utf-8")
    if not isinstance(body, str):
        return body
    try:
        return json.loads(body)
    except ValueError:
        return body


def _test_file_near(path: Path) -> str | None:
    """The test module the expectation belongs to, for the record command in messages."""
    folder = path.parent
    for candidate in (folder, *folder.parents[:2]):
        tests = sorted(candidate.glob("test_*.py"))
        if len(tests) == 1:
            return str(tests[0])
    return None


def _fail(message: str) -> NoReturn:
    import pytest

    pytest.fail(message, pytrace=False)
