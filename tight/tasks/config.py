"""Reads a Tight app's `tight.yml`: the one place tasks learn the app's name and layout."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tight.tasks.errors import TaskError

CONFIG_FILE = "tight.yml"
# Every Python runtime Lambda offers; vendoring for one needs only pip's platform options.
SUPPORTED_RUNTIMES = ("python3.10", "python3.11", "python3.12", "python3.13", "python3.14")
SUPPORTED_ARCHITECTURES = ("x86_64", "arm64")
# `api: rest` (API Gateway REST, payload 1.0: the original Tight's) or `api: http` (HTTP API,
# payload 2.0: cheaper, fewer features). `invoke template` and `invoke serve` read it.
SUPPORTED_APIS = ("rest", "http")


@dataclass(frozen=True)
class AppConfig:
    """The parsed `tight.yml` of one app, with defaults filled in."""

    root: Path
    name: str
    vendor_dir: Path
    runtime: str = "python3.11"
    architecture: str = "x86_64"
    api: str = "rest"
    version: str | None = None
    dynamo_db_dir: Path = Path("dynamo_db")
    dynamo_db_port: int = 8000
    functions: dict[str, dict[str, Any]] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def python_version(self) -> str:
        """`python3.11` -> `3.11`."""
        return self.runtime.removeprefix("python")

    @property
    def models_dir(self) -> Path:
        return self.root / "app" / "models"

    @property
    def functions_dir(self) -> Path:
        return self.root / "app" / "functions"

    @property
    def schemas_dir(self) -> Path:
        return self.root / "schemas" / "dynamo"


def find_app_root(start: Path | None = None) -> Path:
    """The nearest folder at or above `start` (default: cwd) that holds a `tight.yml`."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_FILE).is_file():
            return folder
    raise TaskError(
        f"no {CONFIG_FILE} in {here} or any folder above it",
        "run this task inside a Tight app (create one with "
        "`cookiecutter <tight repo> --directory templates/app`)",
    )


def read_yaml_mapping(path: Path) -> dict[str, Any]:
    """A YAML file that must hold a mapping (tight.yml, env files); bad ones say why."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        fix = f"fix the syntax of {path.name}"
        raise TaskError(f"{path} is not valid YAML: {exc}", fix) from exc
    if not isinstance(data, dict):
        raise TaskError(f"{path} must be a mapping of NAME: value, got {type(data).__name__}")
    return {str(key): value for key, value in data.items()}


def load_config(root: Path | None = None) -> AppConfig:
    """Parse `tight.yml` at the app root; every bad value is named with its fix."""
    root = find_app_root(root)
    path = root / CONFIG_FILE
    data = read_yaml_mapping(path)
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise TaskError(f"{path} has no `name`", "add a line such as `name: my-service`")
    runtime = str(data.get("runtime", "python3.11"))
    if runtime not in SUPPORTED_RUNTIMES:
        raise TaskError(
            f"{path}: runtime {runtime!r} is not supported",
            f"use one of {', '.join(SUPPORTED_RUNTIMES)}",
        )
    architecture = str(data.get("architecture", "x86_64"))
    if architecture not in SUPPORTED_ARCHITECTURES:
        raise TaskError(
            f"{path}: architecture {architecture!r} is not supported",
            f"use one of {', '.join(SUPPORTED_ARCHITECTURES)}",
        )
    api = str(data.get("api", "rest"))
    if api not in SUPPORTED_APIS:
        raise TaskError(
            f"{path}: api {api!r} is not supported",
            "use `api: rest` (API Gateway REST, the default) or `api: http` (HTTP API)",
        )
    dynamo = data.get("dynamo_db") or {}
    functions = data.get("functions") or {}
    if not isinstance(dynamo, dict) or not isinstance(functions, dict):
        raise TaskError(f"{path}: `dynamo_db` and `functions` must be mappings")
    return AppConfig(
        root=root,
        name=name.strip(),
        vendor_dir=root / str(data.get("vendor_dir", "app/vendored")),
        runtime=runtime,
        architecture=architecture,
        api=api,
        version=str(data["version"]) if data.get("version") is not None else None,
        dynamo_db_dir=root / str(dynamo.get("dir", "dynamo_db")),
        dynamo_db_port=int(dynamo.get("port", 8000)),
        functions=functions,
        raw=data,
    )


def load_env_file(root: Path) -> dict[str, str]:
    """`env.yml` (or else `env.dist.yml`) as strings, for tasks that need NAME and STAGE."""
    for candidate in ("env.yml", "env.dist.yml"):
        path = root / candidate
        if path.is_file():
            return {key: _env_str(value) for key, value in read_yaml_mapping(path).items()}
    return {}


def app_environment(root: Path) -> dict[str, str]:
    """What the app's code sees locally: env.yml (or env.dist.yml), with NAME defaulting to
    tight.yml's `name` as `invoke generate-env` and the deploy templates set it."""
    values = load_env_file(root)
    if "NAME" not in values and (root / CONFIG_FILE).is_file():
        values["NAME"] = load_config(root).name
    return values


def apply_env(values: dict[str, str]) -> None:
    """Export env values without overriding what the shell already set."""
    for key, value in values.items():
        os.environ.setdefault(key, value)


def _env_str(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)
