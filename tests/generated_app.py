"""Apps rendered from templates/app by the real cookiecutter: the tests' copies of generated
files (app/__init__.py, app_index.py...) are read from here, never kept by hand."""

from __future__ import annotations

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
