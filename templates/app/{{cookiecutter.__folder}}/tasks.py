"""Tight's tasks for this app: `invoke --list` shows them (generate-function, rundb, ...)."""

from tight.tasks import ns  # noqa: F401
