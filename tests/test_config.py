"""tight.yml and env files, as every task and the test kit read them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tight.tasks.config import app_environment, load_config
from tight.tasks.errors import TaskError


def write_app(root, tight_yml="name: my-service\n", env_dist="CI: False\nSTAGE: dev\n"):
    (root / "tight.yml").write_text(tight_yml)
    if env_dist is not None:
        (root / "env.dist.yml").write_text(env_dist)
    return root


def test_name_defaults_to_tight_yml_name(tmp_path):
    assert app_environment(write_app(tmp_path)) == {
        "CI": "false",
        "STAGE": "dev",
        "NAME": "my-service",
    }


def test_env_yml_wins_over_env_dist_and_its_name_is_kept(tmp_path):
    write_app(tmp_path)
    (tmp_path / "env.yml").write_text("NAME: other\nSTAGE: qa\n")
    assert app_environment(tmp_path) == {"NAME": "other", "STAGE": "qa"}


@pytest.mark.parametrize(
    ("tight_yml", "message"),
    [
        ("runtime: python3.11\n", "has no `name`"),
        ("name: x\nruntime: python2.7\n", "runtime 'python2.7' is not supported"),
        ("name: x\narchitecture: sparc\n", "architecture 'sparc' is not supported"),
        ("name: [unclosed\n", "is not valid YAML"),
    ],
)
def test_bad_tight_yml_names_the_problem(tmp_path, tight_yml, message):
    write_app(tmp_path, tight_yml)
    with pytest.raises(TaskError, match=message):
        load_config(tmp_path)


def test_no_tight_yml_says_how_to_make_an_app(tmp_path):
    with pytest.raises(TaskError, match="cookiecutter"):
        load_config(tmp_path)


def test_malformed_env_file_is_a_task_error_not_a_traceback(tmp_path):
    write_app(tmp_path, env_dist="STAGE: [unclosed\n")
    with pytest.raises(TaskError, match=r"env\.dist\.yml is not valid YAML"):
        app_environment(tmp_path)


def test_task_error_prints_as_its_message() -> None:
    """`str()` and f-strings show `error:`/`fix:` lines (not the constructor's tuple)."""
    error = TaskError("Java is not installed: no `java` on PATH", "install a Java 17+ runtime")
    expected = "error: Java is not installed: no `java` on PATH\n  fix: install a Java 17+ runtime"
    assert str(error) == expected
    assert f"{error}" == error.message == expected
    assert str(TaskError("no fix")) == "error: no fix"


def test_one_upward_search_for_the_app_root(tmp_path: Path) -> None:
    """Tasks, the test kit and the recording target all find the app with app_root_above."""
    from tight.tasks.config import app_root_above, find_app_root
    from tight.testing.app_loader import MARKERS
    from tight.testing.app_loader import find_app_root as find_for_tests

    app = tmp_path / "svc"
    deep = app / "tests" / "functions"
    deep.mkdir(parents=True)
    (deep / "test_x.py").write_text("")
    assert app_root_above(deep) is None
    (app / "app_index.py").write_text("")
    assert app_root_above(deep) is None  # tasks look for tight.yml only
    assert app_root_above(deep / "test_x.py", MARKERS) == app.resolve()
    assert find_for_tests(deep / "test_x.py") == app.resolve()
    (app / "tight.yml").write_text("name: svc\n")
    assert app_root_above(deep / "test_x.py") == find_app_root(deep) == app.resolve()
