"""The Lambda context of the request being served, shared by dispatch and the logger.

A module of its own so that dispatch can record the context without importing `logging`.
"""

current_context: object = None


def current_request_id() -> str | None:
    return getattr(current_context, "aws_request_id", None)
