"""Tight's log lines under the real Lambda runtime client (awslambdaric) and its log formats.

With `AWS_LAMBDA_LOG_FORMAT=JSON` the runtime client writes each record as JSON and turns the
record's extra attributes into top-level keys: Tight's fields must arrive there (not wrapped,
not repeated in the message). With `Text` its lines already carry the request id: Tight must
not print it a second time. Each case runs in a fresh interpreter, as Lambda would.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from tight.core.flags import is_true

SCRIPT = textwrap.dedent(
    """
    import sys
    from awslambdaric import bootstrap

    bootstrap._setup_logging(
        bootstrap._AWS_LAMBDA_LOG_FORMAT, bootstrap._AWS_LAMBDA_LOG_LEVEL,
        bootstrap.StandardLogSink(),
    )
    bootstrap._GLOBAL_AWS_REQUEST_ID = "req-123"  # what the runtime loop sets per invoke

    from tight.core import logger
    from tight.providers.aws.controllers import lambda_proxy_event as lambda_proxy

    def get(event):
        logger.info("saved", account_id=7, level="mine")
        raise RuntimeError("boom")

    lambda_proxy.get(get)

    class Context:
        aws_request_id = "req-123"

    answer = lambda_proxy.dispatch(lambda_proxy.routes_for("__main__"), {"httpMethod": "GET"},
                                   Context())
    print(answer["statusCode"], file=sys.stderr)
    """
)


def _awslambdaric_or_skip() -> None:
    try:
        import awslambdaric.bootstrap  # noqa: F401
    except ImportError:
        if is_true(os.environ.get("CI")):
            pytest.fail("awslambdaric is missing: it is in the [dev] extra; pip install -e .[dev]")
        pytest.skip("awslambdaric is not installed (pip install -e .[dev])")


def _run(log_format: str) -> tuple[list[str], str]:
    _awslambdaric_or_skip()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TIGHT_LOG", "AWS_LAMBDA_LOG"))
    }
    env["AWS_LAMBDA_LOG_FORMAT"] = log_format
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == "500", done.stderr
    return [line for line in done.stdout.splitlines() if line.strip()], done.stdout


def test_lambda_json_format_gets_fields_as_top_level_keys():
    lines, _ = _run("JSON")
    records = [json.loads(line) for line in lines]
    saved, failed = records
    assert saved["message"] == "saved" and saved["account_id"] == 7
    assert saved["requestId"] == "req-123" and saved["level"] == "INFO"
    assert saved["field_level"] == "mine"  # a field never replaces the record's own keys
    assert "tight_fields" not in saved
    assert failed["level"] == "ERROR" and failed["errorType"] == "RuntimeError"
    assert "raised" in failed["message"] and "req-123" not in failed["message"]
    assert failed["requestId"] == "req-123"


def test_lambda_text_format_prints_the_request_id_once():
    lines, output = _run("Text")
    assert lines[0].startswith("[INFO]") and lines[0].endswith("saved account_id=7 level='mine'")
    error_lines = [line for line in lines if line.startswith("[ERROR]")]
    assert len(error_lines) == 1 and "raised" in error_lines[0]
    for line in (lines[0], error_lines[0]):
        assert line.count("req-123") == 1, line
    assert "RuntimeError: boom" in output  # the traceback follows the record
