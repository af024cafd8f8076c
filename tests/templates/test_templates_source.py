"""A rendered app installs the Tight its templates came from.

From a git URL: that repository pinned to the exact commit; from a local checkout: that
folder; an explicit `tight_source` wins. Nothing can resolve to PyPI's unrelated `tight`.
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
from pathlib import Path

import pytest

from tests.templates.helpers import PYTHON, REPO, TEMPLATES, cookiecutter, run, tree


def load_source_module():
    path = TEMPLATES / "_shared" / "tight_source.py"
    spec = importlib.util.spec_from_file_location("tight_source_under_test", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


source = load_source_module()


def requirement_lines(path: Path) -> list[str]:
    return [line for line in path.read_text().splitlines() if line and not line.startswith("#")]


@pytest.fixture
def clone(tmp_path: Path) -> tuple[Path, str]:
    """A git repository holding templates/app, as cookiecutter's clone of a URL would."""
    repo = tmp_path / "clone"
    (repo / "templates/app").mkdir(parents=True)
    (repo / "templates/app/cookiecutter.json").write_text("{}")
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    for step in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "x"]):
        subprocess.run([*git, *step], check=True, capture_output=True)
    commit = subprocess.run(
        [*git, "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()
    return repo / "templates/app", commit


@pytest.mark.parametrize(
    ("template", "pinned"),
    [
        ("gh:owner/tight", "git+https://github.com/owner/tight.git@{}"),
        ("https://example.com/owner/tight.git", "git+https://example.com/owner/tight.git@{}"),
        ("git+https://example.com/tight.git", "git+https://example.com/tight.git@{}"),
        ("git://127.0.0.1:9418/tight.git", "git+git://127.0.0.1:9418/tight.git@{}"),
        ("git+git://127.0.0.1:9418/tight.git", "git+git://127.0.0.1:9418/tight.git@{}"),
        ("git@github.com:owner/tight.git", "git+ssh://git@github.com/owner/tight.git@{}"),
        ("ssh://git@example.com/tight.git", "git+ssh://git@example.com/tight.git@{}"),
    ],
)
def test_a_git_template_pins_its_commit(template: str, pinned: str, clone) -> None:
    repo_dir, commit = clone
    found = source.from_template(template, repo_dir)
    assert found.requirement("dev") == f"tight-lambda[dev] @ {pinned.format(commit)}"
    assert found.requirement() == f"tight-lambda @ {pinned.format(commit)}"
    assert commit in found.description


def test_a_local_template_points_at_its_checkout() -> None:
    found = source.from_template(str(TEMPLATES / "app"), TEMPLATES / "app")
    assert found.requirement("dev") == f"tight-lambda[dev] @ {REPO.as_uri()}"
    assert str(REPO) in found.description


def test_templates_of_an_installed_wheel_use_what_pip_recorded(tmp_path: Path) -> None:
    site = tmp_path / "site-packages"
    (site / "tight/templates/app").mkdir(parents=True)
    info = site / "tight_lambda-0.2.0.dist-info"
    info.mkdir()
    commit = "a" * 40
    (info / "direct_url.json").write_text(
        json.dumps(
            {"url": "git://example.com/tight.git", "vcs_info": {"vcs": "git", "commit_id": commit}}
        )
    )
    found = source.from_template(str(site / "tight/templates/app"), site / "tight/templates/app")
    assert found.requirement() == f"tight-lambda @ git+git://example.com/tight.git@{commit}"


def test_templates_of_unknown_origin_ask_for_tight_source(tmp_path: Path) -> None:
    with pytest.raises(source.SourceError, match="pass tight_source="):
        source.from_template(str(tmp_path), tmp_path)


@pytest.mark.parametrize(
    ("value", "dev", "shipped"),
    [
        ("tight-lambda", "tight-lambda[dev]", "tight-lambda"),
        ("tight_lambda==0.2.0", "tight-lambda[dev]==0.2.0", "tight-lambda==0.2.0"),
        (str(REPO), f"tight-lambda[dev] @ {REPO.as_uri()}", f"tight-lambda @ {REPO.as_uri()}"),
        (
            "git+https://example.invalid/tight.git@v0.2.0",
            "tight-lambda[dev] @ git+https://example.invalid/tight.git@v0.2.0",
            "tight-lambda @ git+https://example.invalid/tight.git@v0.2.0",
        ),
        (
            "gh:owner/tight",
            "tight-lambda[dev] @ git+https://github.com/owner/tight.git",
            "tight-lambda @ git+https://github.com/owner/tight.git",
        ),
        (
            "https://example.invalid/tight_lambda-0.2.0-py3-none-any.whl",
            "tight-lambda[dev] @ https://example.invalid/tight_lambda-0.2.0-py3-none-any.whl",
            "tight-lambda @ https://example.invalid/tight_lambda-0.2.0-py3-none-any.whl",
        ),
    ],
)
def test_an_explicit_tight_source_wins(value: str, dev: str, shipped: str) -> None:
    found = source.from_explicit(value, Path.cwd())
    assert (found.requirement("dev"), found.requirement()) == (dev, shipped)


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("tight", "would install PyPI's `tight`, an unrelated 2017 release"),
        ("tight==0.1.0", "would install PyPI's `tight`, an unrelated 2017 release"),
        ("Tight[dev]", "would install PyPI's `tight`, an unrelated 2017 release"),
        ("requests", "is not a git URL, a path to a Tight checkout or a tight-lambda requirement"),
        ("/no/such/folder", "which does not exist"),
        (str(REPO / "tests"), "which is not a Tight checkout"),
        ("hg+https://example.invalid/tight", "is a Mercurial repository"),
    ],
)
def test_a_bad_tight_source_is_refused(value: str, problem: str) -> None:
    with pytest.raises(source.SourceError) as error:
        source.from_explicit(value, Path.cwd())
    assert repr(value) in str(error.value) or value in str(error.value)
    assert problem in str(error.value)


@pytest.mark.slow
def test_cookiecutter_writes_the_source_into_requirements_and_readme(workspace: Path, env):
    result = cookiecutter("app", workspace, env)
    assert result.returncode == 0, result.stdout
    app = workspace / "my_service"
    assert requirement_lines(app / "requirements.txt") == [f"tight-lambda[dev] @ {REPO.as_uri()}"]
    assert requirement_lines(app / "requirements-vendor.txt") == [f"tight-lambda @ {REPO.as_uri()}"]
    readme = (app / "README.md").read_text()
    assert f"Tight is installed from the Tight checkout at {REPO}" in readme
    assert "__TIGHT" not in "".join(tree(app).keys()) + readme


@pytest.mark.slow
def test_cookiecutter_refuses_pypis_tight_and_writes_nothing(workspace: Path, env) -> None:
    result = cookiecutter("app", workspace, env, tight_source="tight")
    assert result.returncode != 0, result.stdout
    assert "error: tight_source 'tight' would install PyPI's `tight`" in result.stdout
    assert list(workspace.iterdir()) == []


def test_nothing_tight_writes_can_resolve_to_pypis_tight() -> None:
    """Every requirement Tight's templates, README and tasks write names tight-lambda."""
    pypi_tight = re.compile(
        r"""(pip install(\s+-\S+)*\s+|^\s*)["']?tight(\[[a-z,]+\])?(==|>=|~=| @|["']|\s|$)"""
    )
    files = [REPO / "README.md", *TEMPLATES.rglob("*"), *(REPO / "tight/tasks").rglob("*.py")]
    offenders = [
        f"{path.relative_to(REPO)}:{number}: {line}"
        for path in files
        if path.is_file() and path.suffix in (".md", ".txt", ".py", ".json", ".yml")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        # tight_names and runtime_modules name the import package, not a requirement
        if pypi_tight.search(line) and path.stem not in ("tight_names", "runtime_modules")
    ]
    assert offenders == []


@pytest.mark.slow
def test_a_relative_template_path_still_finds_its_checkout(workspace: Path, env) -> None:
    """`cookiecutter templates/app` from the checkout, with a PWD that says nothing."""
    args = [PYTHON, "-m", "cookiecutter", "--no-input", "templates/app", "-o", str(workspace)]
    result = run(args, REPO, {**env, "PWD": "/nonexistent"})
    assert result.returncode == 0, result.stdout
    assert requirement_lines(workspace / "my_service/requirements-vendor.txt") == [
        f"tight-lambda @ {REPO.as_uri()}"
    ]
