"""`invoke serve`: the app as a local HTTP API on 127.0.0.1, without Docker.

Each request becomes the event API Gateway (REST v1, or HTTP API payload 2.0) would send to
the function `tight.yml` routes it to, goes through `app_index.<function>` as in Lambda, and
the proxy answer becomes the HTTP response. The pieces live in `tight.tasks.serving`.
"""

from __future__ import annotations

from invoke import Context, task

from tight.tasks.config import SUPPORTED_APIS, load_config
from tight.tasks.errors import TaskError


@task(
    help={
        "port": "port to listen on (default 3000; 0 picks a free one)",
        "host": "address to listen on (default 127.0.0.1; 0.0.0.0 opens it to your network)",
        "api": "rest (REST API v1 events) or http (HTTP API 2.0); default: tight.yml `api`",
        "aws": "use real AWS DynamoDB instead of DynamoDB Local (`invoke rundb`)",
    }
)
def serve(c: Context, port: int = 3000, host: str = "127.0.0.1", api: str = "", aws: bool = False):  # type: ignore[no-untyped-def]
    """Serve the app's functions as a local API Gateway until Ctrl-C."""
    from tight.tasks.serving.server import run  # werkzeug only when serving

    config = load_config()
    chosen = api.strip().lower() if api else config.api
    if chosen not in SUPPORTED_APIS:
        raise TaskError(f"--api {api!r} is not known", f"use one of {', '.join(SUPPORTED_APIS)}")
    if not 0 <= int(port) <= 65535:
        raise TaskError(f"--port {port} is not a port", "use a number from 1 to 65535")
    run(config, host, int(port), chosen, aws)
