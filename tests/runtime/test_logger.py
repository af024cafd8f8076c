"""The logger: message and fields in text and JSON, level filtering, root handlers untouched."""

from __future__ import annotations

import json
import logging

from tight.core import logger, request_state


class Context:
    aws_request_id = "req-42"


def test_message_positional_or_keyword_and_fields_in_text(caplog):
    with caplog.at_level(logging.INFO, logger="tight"):
        logger.info("saved", account_id=7)
        logger.warn(message="slow", ms=12)
        logger.error("failed")
    messages = [r.getMessage() for r in caplog.records]
    assert messages == ["saved account_id=7", "slow ms=12", "failed"]
    assert [r.levelname for r in caplog.records] == ["INFO", "WARNING", "ERROR"]


def test_debug_is_filtered_by_level(caplog, monkeypatch):
    monkeypatch.setenv("TIGHT_LOG_LEVEL", "INFO")
    with caplog.at_level(logging.INFO, logger="tight"):
        logger.debug("hidden")
    assert not caplog.records


def test_json_format_one_object_per_line_with_request_id(monkeypatch, capsys):
    monkeypatch.setenv("TIGHT_LOG_FORMAT", "json")
    token = request_state.set_context(Context())
    try:
        logger.info("saved", account_id=7)
        try:
            raise KeyError("k")
        except KeyError:
            logger.exception("boom")
    finally:
        request_state.reset_context(token)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert first["message"] == "saved" and first["account_id"] == 7
    assert first["requestId"] == "req-42" and first["level"] == "INFO"
    assert second["level"] == "ERROR" and "KeyError" in second["exception"]


def test_root_handlers_are_never_replaced(monkeypatch):
    root = logging.getLogger()
    lambda_handler = logging.StreamHandler()
    monkeypatch.setattr(root, "handlers", [lambda_handler])
    logger.info("hello")
    assert root.handlers == [lambda_handler]
    assert logging.getLogger("tight").propagate is True  # goes to Lambda's handler
