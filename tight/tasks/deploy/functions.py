"""The functions of the stack: one per controller in `app/functions`, with tight.yml's settings.

Each setting is checked against the limit that would otherwise fail the deploy (a path API
Gateway refuses, two functions on one path, a timeout or memory size Lambda does not allow),
so the error names the setting in tight.yml. `invoke serve` routes from the same list, so the
local server answers on exactly the paths the deployed API will.
"""

from __future__ import annotations

import re
from typing import Any

from tight.tasks.config import AppConfig
from tight.tasks.deploy.stack import Function, logical_id
from tight.tasks.errors import TaskError

DEFAULT_TIMEOUT = 29  # API Gateway's integration timeout: a longer Lambda is never awaited
DEFAULT_MEMORY = 256
TIMEOUTS = range(1, 901)  # Lambda: 1 s to 15 min
MEMORY = range(128, 10241)  # Lambda: 128 MB to 10,240 MB
# One path segment: what API Gateway accepts, or a {param}.
PATH = re.compile(r"/\Z|(/([A-Za-z0-9._~-]+|\{[A-Za-z0-9_]+\}))+\Z")


def load_functions(config: AppConfig) -> list[Function]:
    """One Function per controller, in `collect_controllers` order, its tight.yml settings
    checked (path, timeout, memory_size); unknown names under `functions:` are an error."""
    from tight.providers.aws.lambda_app.app import AppError, collect_controllers

    try:
        names = collect_controllers(str(config.root))
    except AppError as exc:
        raise TaskError(str(exc)) from exc
    if not names:
        raise TaskError(
            f"no controllers in {config.functions_dir}",
            "generate one with `invoke generate-function NAME`",
        )
    unknown = sorted(set(config.functions) - set(names))
    if unknown:
        raise TaskError(
            f"tight.yml configures functions {', '.join(unknown)}, which have no "
            f"app/functions/<name>/handler.py",
            "fix the names under `functions:` in tight.yml",
        )
    functions, ids, paths = [], {}, {}
    for name in names:
        settings = config.functions.get(name) or {}
        if not isinstance(settings, dict):
            raise TaskError(f"tight.yml: functions.{name} must be a mapping, e.g. {{path: /x}}")
        path = str(settings.get("path") or f"/{name}")
        if not path.startswith("/") or "{proxy+}" in path:
            raise TaskError(
                f"tight.yml: functions.{name}.path {path!r} must start with / "
                "and not contain {proxy+} (added for you)",
                f"use e.g. `path: /{name}`",
            )
        path = check_path(name, path)
        if path in paths:
            raise TaskError(
                f"tight.yml: functions {paths[path]} and {name} both answer on {path} "
                "(API Gateway allows one function per path and method)",
                f"give {name} its own path, e.g. `{name}: {{path: /{name}}}`",
            )
        paths[path] = name
        fid = logical_id(name, "Function")
        if fid in ids:
            raise TaskError(f"functions {ids[fid]} and {name} both map to the id {fid}")
        ids[fid] = name
        functions.append(
            Function(
                name=name,
                logical_id=fid,
                path=path,
                timeout=setting_in_range(name, settings, "timeout", DEFAULT_TIMEOUT, TIMEOUTS),
                memory=setting_in_range(name, settings, "memory_size", DEFAULT_MEMORY, MEMORY),
            )
        )
    return functions


def check_path(name: str, path: str) -> str:
    """`/accounts/` and `/accounts` are one API Gateway resource: normalised, then checked."""
    normal = path.rstrip("/") or "/"
    if "//" in path or not PATH.match(normal):
        raise TaskError(
            f"tight.yml: functions.{name}.path {path!r} is not an API Gateway path: use "
            "segments of letters, digits and - . _ ~ (or {param}), separated by single /",
            f"use e.g. `path: /{name}`",
        )
    return normal


def setting_in_range(
    name: str, settings: dict[str, Any], key: str, default: int, allowed: range
) -> int:
    """`timeout: abc` or `memory_size: 10` named here, not by a traceback or a failed deploy."""
    value = settings.get(key, default)
    text = str(value).strip()
    number = int(text) if not isinstance(value, bool) and text.isdigit() else None
    if number is None or number not in allowed:
        raise TaskError(
            f"tight.yml: functions.{name}.{key} {value!r} must be a whole number from "
            f"{allowed.start} to {allowed.stop - 1} (Lambda's limits)",
            f"use e.g. `{key}: {default}`, or delete it for the default ({default})",
        )
    return number
