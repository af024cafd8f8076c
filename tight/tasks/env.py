"""`invoke generate-env`: the app's `env.yml`, from `env.dist.yml` and the shell.

`env.dist.yml` is committed and holds defaults; `env.yml` is what this machine uses (tasks,
tests, DynamoDB Local) and is git-ignored and never packaged, because it may hold secrets.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from invoke import Context, task

from tight.core.flags import parse_flag
from tight.tasks.config import (
    AppConfig,
    check_env_sizes,
    env_str,
    load_config,
    read_yaml_mapping,
)
from tight.tasks.errors import TaskError
from tight.tasks.files import write_atomic

DIST_FILE = "env.dist.yml"
ENV_FILE = "env.yml"
HEADER = (
    "# Written by `invoke generate-env` from env.dist.yml and the shell: do not commit.\n"
    "# Change defaults in env.dist.yml; override one value with `KEY=value invoke generate-env`.\n"
)


def read_dist(root: Path) -> dict[str, Any]:
    path = root / DIST_FILE
    if not path.is_file():
        raise TaskError(
            f"{path} does not exist",
            "create it with the variables your app expects, e.g. `STAGE: dev`",
        )
    return read_yaml_mapping(path)


def coerce(shell_value: str, default: Any) -> Any:
    """Keep the default's type where the shell text clearly means one (CI=true -> True)."""
    lowered = shell_value.strip().lower()
    if isinstance(default, bool):
        flag = parse_flag(lowered)
        if flag is not None:
            return flag
    elif isinstance(default, int) and lowered.lstrip("-").isdigit():
        return int(lowered)
    return shell_value


def merge_env(config: AppConfig, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """env.dist.yml, each key overridden by a non-empty shell variable; NAME from tight.yml.

    NAME always comes from tight.yml: it names the tables and the stack, and some shells
    (WSL, some containers) export an unrelated NAME.
    """
    environ = os.environ if environ is None else environ
    merged = {}
    for key, default in read_dist(config.root).items():
        shell = environ.get(key, "")
        merged[key] = coerce(shell, default) if shell != "" else default
    merged["NAME"] = config.name
    check_env_sizes({key: env_str(value) for key, value in merged.items()}, config.root / DIST_FILE)
    return dict(sorted(merged.items()))


def flow(values: Mapping[str, Any]) -> str:
    """`{CI: false, NAME: my-service, STAGE: dev}`, as the original Tight prints it."""
    return yaml.safe_dump(dict(values), default_flow_style=True, width=10_000).strip()


def write_env(root: Path, values: Mapping[str, Any]) -> Path:
    """Atomic: a reader never sees half a file. 0600: env.yml may hold secrets."""
    path = root / ENV_FILE
    text = HEADER + yaml.safe_dump(dict(values), default_flow_style=False, sort_keys=True)
    write_atomic(path, text, mode=0o600)
    return path


@task
def generate_env(c: Context) -> None:
    """Write env.yml from env.dist.yml, overridden by non-empty shell variables of the same name."""
    config = load_config()
    values = merge_env(config)
    write_env(config.root, values)
    print(flow(values))
