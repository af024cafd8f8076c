"""No user-controlled value is evaluated as a template.

cookiecutter renders every context value as unsandboxed Jinja. `invoke generate-function` and
`generate-model` used to pass the app folder's name as `app_name`, so a folder named
`{{ cycler.__init__.__globals__.os.system('touch X') }}` ran the command, with Tight's own
template folder as the working directory. The templates are rendered from a copy here, so a
regression writes its marker into the temp folder, never into the checkout.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.templates.helpers import TEMPLATES, invoke, tree
from tight.tasks import generate
from tight.tasks.errors import TaskError

pytestmark = pytest.mark.slow

MARKER = "INJECTED_CODE_RAN"
HOSTILE_FOLDERS = [
    "{{ cycler.__init__.__globals__.os.system('touch " + MARKER + "') }}",
    "tmpl{{x}}",
    "pct{%x",
    "hash{#x",
]


@pytest.fixture
def templates_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "templates"
    shutil.copytree(TEMPLATES, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


@pytest.mark.parametrize("folder", HOSTILE_FOLDERS)
@pytest.mark.parametrize(
    ("task", "name", "created"),
    [
        ("generate-function", "foo", "app/functions/foo/handler.py"),
        ("generate-model", "account", "app/models/Account.py"),
    ],
)
def test_app_folder_name_is_never_rendered(
    folder: str,
    task: str,
    name: str,
    created: str,
    new_app: Path,
    env: dict[str, str],
    templates_copy: Path,
    tmp_path: Path,
) -> None:
    hostile = new_app.parent / folder
    new_app.rename(hostile)
    templates_before = tree(templates_copy)
    result = invoke(
        hostile,
        {**env, generate.TEMPLATES_ENV: str(templates_copy)},
        task,
        name,
        *(["--skip-tests"] if task == "generate-function" else []),
    )
    assert result.returncode == 0, result.stdout
    assert (hostile / created).is_file()
    assert list(tmp_path.rglob(MARKER)) == [], "the folder name was executed as a template"
    assert tree(templates_copy) == templates_before, "rendering changed Tight's templates"
    assert "Traceback" not in result.stdout


@pytest.mark.parametrize("value", ["{{ 7 * 7 }}", "{% raw %}", "x{#", "a}}"])
def test_template_markup_in_a_context_value_is_refused(value: str) -> None:
    with pytest.raises(TaskError) as error:
        generate.as_template_data({"function_name": value})
    assert repr(value) in error.value.problem
