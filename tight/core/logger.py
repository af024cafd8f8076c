"""Structured logging for handlers: `logger.info('saved', account_id=7)`.

Records go to the `tight` logger, which propagates to the handlers the Lambda runtime puts on
the root logger (those are never touched). With `TIGHT_LOG_FORMAT=json` each record is one JSON
object per line carrying the Lambda request id, written by a handler on `tight` alone.
Outside Lambda (no root handler) a plain stderr handler is added to `tight`, not to root.
"""

import json
import logging
import os
import sys
import time

from tight.core.request_state import current_request_id

LOGGER_NAME = "tight"
_RESERVED = frozenset({"exc_info", "stack_info", "stacklevel"})

_logger: logging.Logger | None = None
_json_mode = False


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, message, request id, then the fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "requestId": current_request_id(),
        }
        entry.update(getattr(record, "tight_fields", None) or {})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, separators=(",", ":"))


def get_logger() -> logging.Logger:
    """The `tight` logger, configured once from TIGHT_LOG_FORMAT and TIGHT_LOG_LEVEL."""
    global _logger, _json_mode
    if _logger is not None:
        return _logger
    logger = logging.getLogger(LOGGER_NAME)
    logger.setLevel(os.environ.get("TIGHT_LOG_LEVEL", "INFO").upper())
    if os.environ.get("TIGHT_LOG_FORMAT", "").lower() == "json":
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(JsonFormatter())
        logger.addHandler(handler)
        logger.propagate = False
        _json_mode = True
    elif not logging.getLogger().handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("[%(levelname)s] %(name)s: %(message)s"))
        logger.addHandler(handler)
        logger.propagate = False
    _logger = logger
    return logger


def reset() -> None:
    """Forget the configuration (tests switch formats); removes only handlers Tight added."""
    global _logger, _json_mode
    _json_mode = False
    logger = logging.getLogger(LOGGER_NAME)
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
    logger.propagate = True
    _logger = None


def _log(level: int, args: tuple[object, ...], kwargs: dict[str, object]) -> None:
    logger = get_logger()
    if not logger.isEnabledFor(level):
        return
    message = " ".join(str(arg) for arg in args) if args else str(kwargs.pop("message", ""))
    options = {key: kwargs.pop(key) for key in _RESERVED & kwargs.keys()}
    if kwargs and not _json_mode:
        # Text formatters (Lambda's own included) know nothing of our fields: put them in the text.
        message += " " + " ".join(f"{key}={value!r}" for key, value in kwargs.items())
    options.setdefault("stacklevel", 3)
    logger.log(level, message, extra={"tight_fields": kwargs}, **options)  # type: ignore[arg-type]


def debug(*args: object, **kwargs: object) -> None:
    """Log at DEBUG; positional args or `message=` form the message, other kwargs are fields."""
    _log(logging.DEBUG, args, kwargs)


def info(*args: object, **kwargs: object) -> None:
    """Log at INFO; positional args or `message=` form the message, other kwargs are fields."""
    _log(logging.INFO, args, kwargs)


def warning(*args: object, **kwargs: object) -> None:
    """Log at WARNING; positional args or `message=` form the message, other kwargs are fields."""
    _log(logging.WARNING, args, kwargs)


warn = warning


def error(*args: object, **kwargs: object) -> None:
    """Log at ERROR; pass `exc_info=True` to attach the current traceback to the record."""
    _log(logging.ERROR, args, kwargs)


def exception(*args: object, **kwargs: object) -> None:
    """Log at ERROR with the current traceback, as one record."""
    kwargs.setdefault("exc_info", True)
    _log(logging.ERROR, args, kwargs)
