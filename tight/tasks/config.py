"""Reads a Tight app's `tight.yml`: the one place tasks learn the app's name and layout."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tight.tasks.errors import TaskError

CONFIG_FILE = "tight.yml"
# Every Python runtime Lambda offers; vendoring for one needs only pip's platform options.
SUPPORTED_RUNTIMES = ("python3.10", "python3.11", "python3.12", "python3.13", "python3.14")
SUPPORTED_ARCHITECTURES = ("x86_64", "arm64")
# `name` becomes a CloudFormation stack name ([A-Za-z][A-Za-z0-9-]*, at most 128), the prefix
# of every DynamoDB table (<name>-<stage>-<table>, at most 255) and of the artifact's file
# name: one safe set for all three, short enough to leave room for the stage and the table.
APP_NAME = re.compile(r"[A-Za-z][A-Za-z0-9-]*\Z")
MAX_APP_NAME = 64
# `version` names the artifact file (builds/<name>-<version>.zip): no path separators.
VERSION = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]*\Z")
MAX_VERSION = 64
# Linux refuses to start a process whose environment holds a single `KEY=value` string of
# 128 KiB or more (MAX_ARG_STRLEN), so such a value breaks every subprocess (DynamoDB Local).
MAX_ENV_ENTRY_BYTES = 128 * 1024
# NAME and STAGE build every table name: DynamoDB allows only these characters in one.
TABLE_NAME_PARTS = ("NAME", "STAGE")
TABLE_NAME_CHARS = re.compile(r"[A-Za-z0-9_.-]+\Z")
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


def app_root_above(start: Path, markers: tuple[str, ...] = (CONFIG_FILE,)) -> Path | None:
    """The nearest folder at or above `start` (a file: its folder) holding one of `markers`:
    the one upward search of the tasks, the test kit and the recording target."""
    here = start.resolve()
    if here.is_file():
        here = here.parent
    for folder in (here, *here.parents):
        if any((folder / marker).is_file() for marker in markers):
            return folder
    return None


def find_app_root(start: Path | None = None) -> Path:
    """The nearest folder at or above `start` (default: cwd) that holds a `tight.yml`."""
    here = (start or Path.cwd()).resolve()
    root = app_root_above(here)
    if root is not None:
        return root
    raise TaskError(
        f"no {CONFIG_FILE} in {here} or any folder above it",
        "run this task inside a Tight app (create one with "
        "`cookiecutter <tight repo> --directory templates/app`)",
    )


def read_yaml_mapping(path: Path) -> dict[str, Any]:
    """A YAML file that must hold a mapping (tight.yml, env files); bad ones say why."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except UnicodeDecodeError as exc:
        raise TaskError(
            f"{path} is not UTF-8 text (byte {exc.object[exc.start]:#04x} at offset {exc.start})",
            f"save {path.name} as UTF-8",
        ) from exc
    except OSError as exc:
        raise TaskError(f"could not read {path}: {exc.strerror}") from exc
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
    name = check_app_name(name.strip(), path)
    runtime = str(_setting(data, "runtime", "python3.11", path))
    if runtime not in SUPPORTED_RUNTIMES:
        raise TaskError(
            f"{path}: runtime {runtime!r} is not supported",
            f"use one of {', '.join(SUPPORTED_RUNTIMES)}",
        )
    architecture = str(_setting(data, "architecture", "x86_64", path))
    if architecture not in SUPPORTED_ARCHITECTURES:
        raise TaskError(
            f"{path}: architecture {architecture!r} is not supported",
            f"use one of {', '.join(SUPPORTED_ARCHITECTURES)}",
        )
    api = str(data.get("api") or "rest").strip().lower()  # `HTTP` and `http` are one choice
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
        name=name,
        vendor_dir=root / str(_setting(data, "vendor_dir", "app/vendored", path)),
        runtime=runtime,
        architecture=architecture,
        api=api,
        version=check_version(data.get("version"), path),
        dynamo_db_dir=root / str(_setting(dynamo, "dir", "dynamo_db", path, "dynamo_db.")),
        dynamo_db_port=check_port(_setting(dynamo, "port", 8000, path, "dynamo_db."), path),
        functions=functions,
        raw=data,
    )


def _setting(data: dict[str, Any], key: str, default: Any, path: Path, prefix: str = "") -> Any:
    """A key's value, or `default` when absent; a key written with no value is an error
    (YAML reads `vendor_dir:` as null, which would otherwise become a folder named None)."""
    if key not in data:
        return default
    value = data[key]
    if value is None or (isinstance(value, str) and not value.strip()):
        raise TaskError(
            f"{path}: `{prefix}{key}` has no value",
            f"set it (the default is `{prefix}{key}: {default}`) or delete the line",
        )
    return value


def check_app_name(name: str, path: Path) -> str:
    """`name` must be safe as a stack, table-prefix and file name (it reaches all three)."""
    if not APP_NAME.match(name) or len(name) > MAX_APP_NAME:
        guess = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-")[:MAX_APP_NAME].rstrip("-")
        guess = re.sub(r"^[^A-Za-z]+", "", guess) or "my-service"
        raise TaskError(
            f"{path}: name {name!r} is not a valid app name: it names the CloudFormation "
            f"stack, the DynamoDB tables and the artifact, so it must be ASCII letters, digits "
            f"and -, start with a letter, and have at most {MAX_APP_NAME} characters",
            f"use e.g. `name: {guess}`",
        )
    return name


def check_version(value: Any, path: Path) -> str | None:
    """`version` names the artifact (builds/<name>-<version>.zip): never a path."""
    if value is None:
        return None
    version = str(value).strip()
    if not VERSION.match(version) or len(version) > MAX_VERSION:
        raise TaskError(
            f"{path}: version {version!r} cannot be part of a file name: use ASCII letters, "
            f"digits and . _ + -, starting with a letter or digit (at most {MAX_VERSION})",
            "use e.g. `version: 1.2.0`, or delete the line to name artifacts by content hash",
        )
    return version


def check_port(value: Any, path: Path) -> int:
    """A TCP port, 1-65535: `port: abc` or `port: 99999999` named here, not in a traceback."""
    text = str(value).strip()
    port = int(text) if not isinstance(value, bool) and text.isdigit() else None
    if port is None or not 1 <= port <= 65535:
        raise TaskError(
            f"{path}: dynamo_db.port {value!r} is not a port number (1-65535)",
            "use e.g. `port: 8000` under `dynamo_db:`",
        )
    return port


def check_env_sizes(values: dict[str, str], source: Path) -> None:
    """Refuse a value no process can be started with (Linux's 128 KiB per variable)."""
    for key, value in values.items():
        size = len(f"{key}={value}".encode("utf-8", "surrogateescape"))
        if size >= MAX_ENV_ENTRY_BYTES:
            raise TaskError(
                f"{source}: {key} is {size / 1024:.0f} KiB; an environment variable must be "
                f"under 128 KiB (Linux cannot start DynamoDB Local or pytest with it, and "
                f"Lambda allows only 4 KB for all variables together)",
                f"keep large data in a file (or S3) and put its path or name in {key}",
            )


def load_env_file(root: Path) -> dict[str, str]:
    """`env.yml` (or else `env.dist.yml`) as strings, for tasks that need NAME and STAGE."""
    for candidate in ("env.yml", "env.dist.yml"):
        path = root / candidate
        if path.is_file():
            values = {key: env_str(value) for key, value in read_yaml_mapping(path).items()}
            check_env_sizes(values, path)
            return values
    return {}


def app_environment(root: Path) -> dict[str, str]:
    """What the app's code sees locally: env.yml (or env.dist.yml), with NAME defaulting to
    tight.yml's `name` as `invoke generate-env` and the deploy templates set it."""
    values = load_env_file(root)
    if "NAME" not in values and (root / CONFIG_FILE).is_file():
        values["NAME"] = load_config(root).name
    for key in TABLE_NAME_PARTS:
        if key in values and not TABLE_NAME_CHARS.match(values[key]):
            raise TaskError(
                f"{key} {values[key]!r} (from env.yml or env.dist.yml in {root}) cannot be part "
                "of a DynamoDB table name (<NAME>-<STAGE>-<table>): use ASCII letters, digits "
                "and _ . -",
                f"fix {key} in env.yml (and env.dist.yml), e.g. `{key}: "
                f"{'my-service' if key == 'NAME' else 'dev'}`",
            )
    return values


def apply_env(values: dict[str, str]) -> None:
    """Export env values without overriding what the shell already set."""
    for key, value in values.items():
        os.environ.setdefault(key, value)


def env_str(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)
