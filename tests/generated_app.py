"""Apps rendered from templates/app by the real cookiecutter: the tests' copies of generated
files (app/__init__.py, app_index.py...) are read from here, never kept by hand."""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TEMPLATES = REPO / "templates"


def render(parent: Path, name: str = "my_service") -> Path:
    """`cookiecutter templates/app app_name=<name>`, its requirements pointing at this checkout."""
    from cookiecutter.main import cookiecutter

    cookiecutter(
        str(TEMPLATES / "app"),
        no_input=True,
        output_dir=str(parent),
        extra_context={"app_name": name, "tight_source": str(REPO)},
    )
    return parent / name


@functools.cache
def model_source(model_name: str = "account") -> str:
    """The model file `invoke generate-model <model_name>` writes, rendered from templates/model."""
    from cookiecutter.main import cookiecutter

    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(
            cookiecutter(
                str(TEMPLATES / "model"),
                no_input=True,
                output_dir=scratch,
                extra_context={"app_name": "app", "model_name": model_name},
            )
        )
        (model,) = (folder / "app" / "models").glob("*.py")
        return model.read_text(encoding="utf-8")
