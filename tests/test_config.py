"""tight.yml and env files, as every task and the test kit read them."""

from __future__ import annotations

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
