"""DynamoDB tests: never reach AWS; the session's DynamoDB Local comes from tight.testing."""

from __future__ import annotations

import os
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.generated_app import model_source

# The `dynamodb_local` fixture comes from Tight's pytest plugin: importing it here as well
# would give this folder a second session-scoped DynamoDB Local.
from tight.testing.dynamodb_local import ensure_installed

os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")

REPO = Path(__file__).resolve().parents[2]
INVOKE = Path(sys.executable).with_name("invoke")  # the venv running these tests

AppFactory = Callable[..., Path]


@pytest.fixture
def make_app(tmp_path: Path) -> AppFactory:
    """Write a small Tight app (tight.yml, env.yml, tasks.py, app/models/*) into tmp_path.

    `installed=True` links the cached DynamoDB Local jar and libraries into its dynamo_db/
    (symlinks: no 60 MB copy per test); the data file stays the app's own.
    """

    def make(
        name: str = "my-service",
        stage: str = "dev",
        models: dict[str, str] | None = None,
        installed: bool = False,
        folder: str = "app-root",
    ) -> Path:
        root = tmp_path / folder
        (root / "app" / "models").mkdir(parents=True)
        (root / "tight.yml").write_text(f"name: {name}\ndynamo_db: {{dir: dynamo_db}}\n")
        (root / "env.yml").write_text(f"NAME: {name}\nSTAGE: {stage}\n")
        (root / "tasks.py").write_text("from tight.tasks import ns\n")
        (root / "app" / "__init__.py").write_text("")
        (root / "app" / "models" / "__init__.py").write_text("")
        for file_name, source in (models or {"Account": model_source()}).items():
            path = root / "app" / "models" / f"{file_name}.py"
            path.write_text(textwrap.dedent(source))
        if installed:
            install = ensure_installed()
            target = root / "dynamo_db"
            target.mkdir()
            for item in ("DynamoDBLocal.jar", "DynamoDBLocal_lib", "README.txt"):
                (target / item).symlink_to(install.dir / item)
        return root

    return make


@pytest.fixture(autouse=True)
def _restore_environ() -> Iterator[None]:
    """Model discovery exports env.yml (NAME, STAGE) in-process: undo it after each test."""
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)
