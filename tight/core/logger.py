"""Structured logging for handlers: `logger.info('saved', account_id=7)`.

Records go to the `tight` logger, which propagates to the handlers the Lambda runtime puts on
the root logger (those are never touched). Where the fields go depends on who writes the line:
- `TIGHT_LOG_FORMAT=json`: Tight writes one JSON object per line (its own handler on `tight`);
- `AWS_LAMBDA_LOG_FORMAT=JSON` (Lambda's advanced logging): the runtime client writes JSON and
  turns a record's extra attributes into top-level keys, so the fields are handed over as such;
- otherwise (text): the fields are appended to the message as `key=value`.
Outside Lambda (no root handler) a plain stderr handler is added to `tight`, not to root.
A logging call never raises and never loses its record over an odd value (a huge int, an object
whose repr fails, a cycle): the value is written as a short description instead.
"""

import contextlib
import json
import logging
import os
import sys
import time

from tight.core.request_state import current_request_id

LOGGER_NAME = "tight"
_RESERVED = frozenset({"exc_info", "stack_info", "stacklevel"})
# Keys of Tight's JSON line and of the Lambda runtime client's: a field never replaces them.
_RECORD_KEYS = frozenset(
    {
        "timestamp",
        "level",
        "logger",
        "message",
        "requestId",
        "exception",
        "stackTrace",
        "errorType",
        "errorMessage",
        "location",
        "tenantId",
    }
)
# LogRecord attributes: `extra` may not set them (logging raises KeyError).
_LOG_RECORD_ATTRIBUTES = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {
    "message",
    "asctime",
    "aws_request_id",
    "tenant_id",
    "_frame_type",
}
_MAX_TEXT = 10_000  # characters of one value written to a log line

_TEXT, _TIGHT_JSON, _LAMBDA_JSON = 0, 1, 2
_logger: logging.Logger | None = None
_mode = _TEXT


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
        try:
            return json.dumps(entry, default=safe_text, separators=(",", ":"))
        except Exception:  # fields were checked by _log; this guards records made elsewhere
            return json.dumps({key: safe_text(value) for key, value in entry.items()})


class _RequestIdFilter(logging.Filter):
    """Puts the current request id in Tight's own text lines (Lambda's handler has its own)."""

    def filter(self, record: logging.LogRecord) -> bool:
        request_id = current_request_id()
        record.tight_request = f" [{request_id}]" if request_id else ""
        return True


def _level(raw: str) -> "tuple[int, str | None]":
    """(level, complaint) for TIGHT_LOG_LEVEL: a name (`debug`, `WARNING`) or a number."""
    text = raw.strip()
    if text.isdigit():
        return int(text), None
    level = logging.getLevelName(text.upper())
    if isinstance(level, int):
        return level, None
    return logging.INFO, (
        f"TIGHT_LOG_LEVEL={raw!r} is not a log level; using INFO. "
        "fix: set it to DEBUG, INFO, WARNING, ERROR or CRITICAL"
    )


def get_logger() -> logging.Logger:
    """The `tight` logger, configured once from TIGHT_LOG_FORMAT and TIGHT_LOG_LEVEL."""
    global _logger, _mode
    if _logger is not None:
        return _logger
    logger = logging.getLogger(LOGGER_NAME)
    level, complaint = _level(os.environ.get("TIGHT_LOG_LEVEL") or "INFO")
    logger.setLevel(level)
    if os.environ.get("TIGHT_LOG_FORMAT", "").lower() == "json":
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(JsonFormatter())
        logger.addHandler(handler)
        logger.propagate = False
        _mode = _TIGHT_JSON
    elif not logging.getLogger().handlers:
        handler = logging.StreamHandler()
        handler.addFilter(_RequestIdFilter())
        handler.setFormatter(
            logging.Formatter("[%(levelname)s]%(tight_request)s %(name)s: %(message)s")
        )
        logger.addHandler(handler)
        logger.propagate = False
        _mode = _TEXT
    elif os.environ.get("AWS_LAMBDA_LOG_FORMAT", "").upper() == "JSON":
        _mode = _LAMBDA_JSON
    else:
        _mode = _TEXT
    _logger = logger
    if complaint:
        logger.warning(complaint)
    return logger


def reset() -> None:
    """Forget the configuration (tests switch formats); removes only handlers Tight added."""
    global _logger, _mode
    _mode = _TEXT
    logger = logging.getLogger(LOGGER_NAME)
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
    logger.propagate = True
    _logger = None


def safe_text(value: object, use_repr: bool = False) -> str:
    """`str(value)` (or repr), never raising, cut to a readable length."""
    if type(value) is int and value.bit_length() > 13_000:  # past int's 4300-digit str limit
        return f"<int of {value.bit_length()} bits>"
    try:
        text = repr(value) if use_repr else str(value)
    except Exception as exc:
        how = "repr" if use_repr else "str"
        return f"<{type(value).__name__} object: its {how} raised {type(exc).__name__}>"
    if len(text) > _MAX_TEXT:
        text = text[:_MAX_TEXT] + f"... ({len(text)} characters)"
    return text


def _json_value(value: object) -> object:
    """`value` if it encodes as JSON (non-JSON types as str, like the formatters do), else text."""
    if value is None or type(value) in (str, bool, float):
        return value
    if type(value) is int:
        return value if value.bit_length() <= 13_000 else safe_text(value)
    try:  # a round trip leaves only JSON types, which any JSON formatter can write
        return json.loads(json.dumps(value, default=safe_text))
    except (ValueError, TypeError, RecursionError):
        return safe_text(value, use_repr=True)


def _field_name(key: str, taken: frozenset[str]) -> str:
    return f"field_{key}" if key in taken else key


def _log(level: int, args: tuple[object, ...], kwargs: dict[str, object]) -> None:
    try:
        logger = get_logger()
        if not logger.isEnabledFor(level):
            return
        _emit(logger, level, args, kwargs)
    except Exception as exc:  # a log call must never break the code that makes it
        with contextlib.suppress(Exception):
            sys.stderr.write(f"tight.logger: could not log a record ({type(exc).__name__})\n")


def _emit(logger: logging.Logger, level: int, args: tuple, kwargs: dict[str, object]) -> None:
    if args:
        message = " ".join(safe_text(arg) for arg in args)
        if "message" in kwargs:  # both: the keyword one is a field, never lost
            kwargs["field_message"] = kwargs.pop("message")
    else:
        message = safe_text(kwargs.pop("message", ""))
    options = {key: kwargs.pop(key) for key in _RESERVED & kwargs.keys()}
    # 4 frames up is the caller of info()/error()...: logger.log <- _emit <- _log <- info
    stacklevel = options.get("stacklevel", 1)
    options["stacklevel"] = 3 + (stacklevel if type(stacklevel) is int and stacklevel > 0 else 1)
    if _mode == _TEXT:
        if kwargs:  # text formatters (Lambda's own included) know nothing of our fields
            message += " " + " ".join(
                f"{key}={safe_text(value, use_repr=True)}" for key, value in kwargs.items()
            )
        message = message.replace("\r", "\\r").replace("\n", "\n  ")  # no forged lines
        logger.log(level, message, **options)
        return
    fields = {
        _field_name(str(key), _RECORD_KEYS): _json_value(value) for key, value in kwargs.items()
    }
    if _mode == _TIGHT_JSON:
        logger.log(level, message, extra={"tight_fields": fields}, **options)
        return
    extra = {_field_name(key, _LOG_RECORD_ATTRIBUTES): value for key, value in fields.items()}
    logger.log(level, message, extra=extra, **options)


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
