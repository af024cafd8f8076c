"""moto's DynamoDB emulator (`invoke rundb --engine moto`) for machines without Java.

An emulator, in memory only, in this process: it answers on the same endpoint shape as
DynamoDB Local and returns the same `RunningDatabase`, so the task treats both alike, but
its behaviour may differ from AWS, which `invoke rundb` says whenever it is used.
"""

from __future__ import annotations

from tight.tasks.dynamodb_local.ports import HOST, ensure_port_free
from tight.tasks.dynamodb_local.running import RunningDatabase, answers_within
from tight.tasks.errors import TaskError


def start_moto(port: int = 8000) -> RunningDatabase:
    """moto's in-process server: an emulator, in memory only; for machines without Java."""
    ensure_port_free(port)
    try:
        from moto.server import ThreadedMotoServer
    except ImportError as exc:
        raise TaskError(
            "moto's server is not installed",
            "pip install 'moto[dynamodb,server]' (it comes with tight[dev])",
        ) from exc
    import logging

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
    server = ThreadedMotoServer(ip_address=HOST, port=port, verbose=False)
    server.start()
    handle = RunningDatabase(
        engine="moto",
        port=port,
        endpoint=f"http://{HOST}:{port}",
        version=_moto_version(),
        in_memory=True,
        db_path=None,
    )
    handle._server = server
    if not answers_within(handle.endpoint, 15):
        handle.stop()
        raise TaskError(f"moto's server did not answer on {handle.endpoint}")
    return handle


def _moto_version() -> str:
    try:
        from importlib.metadata import version

        return version("moto")
    except Exception:
        return "unknown"
