"""Bad names are refused before anything is written, by all three templates and both tasks,
with a message that names the bad value and a valid example."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from tests.templates.helpers import PYTHON, REPO, TEMPLATES, cookiecutter, invoke, run, tree

pytestmark = pytest.mark.slow


def load_rules():
    path = TEMPLATES / "_shared" / "tight_names.py"
    spec = importlib.util.spec_from_file_location("tight_names_under_test", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


rules = load_rules()

BAD_APP_NAMES = {
    "my-service": "is not a Python identifier",
    "9lives": "is not a Python identifier",
    "a/b": "is not a Python identifier",
    "../escape": "is not a Python identifier",
    "class": "is a Python keyword",
    "match": "is a Python keyword",
    "json": "would shadow the standard library module `json`",
    "tight": "would shadow a Tight module",
    "app": "would shadow a Tight module",
}
BAD_FUNCTION_NAMES = {
    "MyFunction": "is not lower snake case",
    "my-function": "is not lower snake case",
    "_private": "is not lower snake case",
    "def": "is a Python keyword",
    "logging": "would shadow the standard library module `logging`",
    "run": "would shadow a Tight module or a name the app already uses",
}
BAD_MODEL_NAMES = {
    "Account": "is not lower snake case",
    "user-profile": "is not lower snake case",
    "lambda": "is a Python keyword",
    "queue": "would shadow the standard library module `queue`",
}


@pytest.mark.parametrize(("name", "problem"), sorted(BAD_APP_NAMES.items()))
def test_cookiecutter_app_refuses_bad_names(name: str, problem: str, workspace: Path, env):
    result = cookiecutter("app", workspace, env, app_name=name)
    assert result.returncode != 0, result.stdout
    assert f"error: app name {name!r} {problem}" in result.stdout
    assert "use a name such as '" in result.stdout
    assert list(workspace.parent.rglob("*escape*")) == []
    assert tree(workspace) == {} and list(workspace.iterdir()) == []


@pytest.mark.parametrize(("name", "problem"), sorted(BAD_FUNCTION_NAMES.items()))
def test_generate_function_refuses_bad_names(name: str, problem: str, new_app: Path, env):
    before = tree(new_app)
    result = invoke(new_app, env, "generate-function", name)
    assert result.returncode == 1, result.stdout
    assert f"error: function name {name!r} {problem}" in result.stdout
    assert "use a name such as '" in result.stdout
    assert tree(new_app) == before
    assert not list(new_app.glob(".tight-generate-*"))


@pytest.mark.parametrize("name", ["MyFunction", "def", "logging"])
def test_cookiecutter_function_refuses_bad_names_and_keeps_the_app(name, new_app: Path, env):
    before = tree(new_app)
    args = ("-o", str(new_app.parent), "-f", "-s")
    result = cookiecutter(
        "function", new_app, env, *args, app_name=new_app.name, function_name=name
    )
    assert result.returncode != 0, result.stdout
    assert f"error: function name {name!r}" in result.stdout
    assert tree(new_app) == before  # the failing hook must not delete the existing app


@pytest.mark.parametrize(("name", "problem"), sorted(BAD_MODEL_NAMES.items()))
def test_generate_model_refuses_bad_names(name: str, problem: str, new_app: Path, env):
    before = tree(new_app)
    result = invoke(new_app, env, "generate-model", name)
    assert result.returncode == 1, result.stdout
    assert f"error: model name {name!r} {problem}" in result.stdout
    assert tree(new_app) == before


@pytest.mark.parametrize("name", ["Account", "lambda"])
def test_cookiecutter_model_refuses_bad_names(name: str, workspace: Path, env):
    result = cookiecutter("model", workspace, env, model_name=name)
    assert result.returncode != 0, result.stdout
    assert f"error: model name {name!r}" in result.stdout
    assert list(workspace.iterdir()) == []


@pytest.mark.parametrize(
    ("kind", "good"),
    [
        ("app", "my_service"),
        ("app", "MyService"),
        ("function", "accounts_v2"),
        ("model", "account"),
    ],
)
def test_good_names_pass(kind: str, good: str) -> None:
    assert rules.check_name(good, kind) == good


@pytest.mark.parametrize(
    ("bad", "kind", "suggested"),
    [
        ("My-Service", "app", "my_service"),
        ("Get Accounts", "function", "get_accounts"),
        ("2fast", "function", "fast"),
        ("if", "function", "my_function"),
        ("UserProfile", "model", "userprofile"),
    ],
)
def test_the_suggestion_is_itself_valid(bad: str, kind: str, suggested: str) -> None:
    with pytest.raises(rules.NameError_, match=f"use a name such as {suggested!r}"):
        rules.check_name(bad, kind)
    assert rules.check_name(suggested, kind) == suggested


def test_every_template_runs_the_same_hook() -> None:
    """One check for all templates: the hooks are the same few lines (only the shared module
    and each cookiecutter.json's `_tight_names` differ), so they cannot drift apart."""
    hooks = {
        name: (TEMPLATES / name / "hooks" / "pre_gen_project.py").read_text()
        for name in ("app", "function", "model")
    }
    assert len(set(hooks.values())) == 1
    assert "tight_names" in hooks["app"]


@pytest.mark.parametrize(
    ("model_name", "class_name", "table"),
    [
        ("account", "Account", "accounts"),
        ("category", "Category", "categories"),
        ("box", "Box", "boxes"),
        ("day", "Day", "days"),
        ("user_profile", "UserProfile", "user-profiles"),
    ],
)
def test_model_names_from_the_template_match_the_rules(
    model_name, class_name, table, workspace, env
):
    """The template derives class and table names in Jinja; the task in Python: same answers."""
    assert rules.model_class_name(model_name) == class_name
    assert rules.table_suffix(model_name) == table
    result = cookiecutter("model", workspace, env, model_name=model_name)
    assert result.returncode == 0, result.stdout
    source = (workspace / "my_service/app/models" / f"{class_name}.py").read_text()
    assert f"class {class_name}(Model):" in source
    assert f"'%s-%s-{table}' % (os.environ['NAME'], os.environ['STAGE'])" in source


def test_hook_finds_the_shared_check_from_a_relative_template_path(workspace: Path, env) -> None:
    """`cookiecutter templates/app` from the checkout (relative path, any PWD) still checks."""
    result = run(
        [
            PYTHON,
            "-m",
            "cookiecutter",
            "--no-input",
            "templates/app",
            "-o",
            str(workspace),
            "app_name=bad-name",
        ],
        REPO,
        {**env, "PWD": "/nonexistent"},
    )
    assert result.returncode != 0, result.stdout
    assert "error: app name 'bad-name' is not a Python identifier" in result.stdout
    assert list(workspace.iterdir()) == []
