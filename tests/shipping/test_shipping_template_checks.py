"""`invoke template` refuses, before building anything, what Lambda or API Gateway would refuse
at deploy time: bad timeout/memory, two functions on one path,
reserved or oversized environment variables."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tight.tasks.config import load_config
from tight.tasks.deploy_templates import generate
from tight.tasks.errors import TaskError

Run = Callable[..., subprocess.CompletedProcess[str]]


def set_functions(app: Path, block: str) -> None:
    text = (app / "tight.yml").read_text()
    text = text.replace("functions:\n  hello: {path: /greetings}", f"functions:\n{block}")
    (app / "tight.yml").write_text(text)


def refused(app: Path) -> TaskError:
    with pytest.raises(TaskError) as error:
        generate(load_config(), "sam")
    assert not (app / "builds").exists()  # refused before the artifact is built
    assert not (app / "template.yaml").exists()
    return error.value


@pytest.mark.parametrize(
    ("setting", "shown"),
    [
        ("timeout: abc", "'abc'"),
        ("timeout: null", "None"),
        ("timeout: 0", "0"),
        ("timeout: 3600", "3600"),
        ("memory_size: 10", "10"),
        ("memory_size: lots", "'lots'"),
    ],
)
def test_template_refuses_timeout_abc(app: Path, run_invoke: Run, setting: str, shown: str) -> None:
    set_functions(app, f"  hello: {{path: /greetings, {setting}}}")
    key = setting.split(":")[0]
    error = refused(app)
    assert f"functions.hello.{key} {shown} must be a whole number" in error.problem
    result = run_invoke(app, "template")
    assert result.returncode != 0 and "Traceback" not in result.stdout
    assert f"functions.hello.{key}" in result.stdout


@pytest.mark.parametrize("second", ["/greetings", "/greetings/"])
def test_template_refuses_two_functions_on_one_path(app: Path, second: str) -> None:
    set_functions(app, f"  hello: {{path: /greetings}}\n  uses_boto3: {{path: {second}}}")
    error = refused(app)
    assert "functions hello and uses_boto3 both answer on /greetings" in error.problem


@pytest.mark.parametrize("path", ["/a b", "//", "/a//b"])
def test_template_refuses_paths_api_gateway_rejects(app: Path, path: str) -> None:
    set_functions(app, f"  hello: {{path: '{path}'}}")
    assert "is not an API Gateway path" in refused(app).problem


@pytest.mark.parametrize("key", ["AWS_REGION", "AWS_DEFAULT_REGION", "_HANDLER"])
def test_template_refuses_reserved_lambda_env_keys(app: Path, run_invoke: Run, key: str) -> None:
    with (app / "env.dist.yml").open("a") as handle:
        handle.write(f"{key}: us-east-1\n")
    error = refused(app)
    assert f"env.dist.yml sets {key}, which Lambda reserves" in error.problem
    assert "env.yml" in error.fix
    result = run_invoke(app, "template")
    assert result.returncode != 0 and f"sets {key}" in result.stdout


def test_template_refuses_env_over_lambdas_4kb(app: Path) -> None:
    with (app / "env.dist.yml").open("a") as handle:
        handle.write("BIG: " + "x" * 4100 + "\n")
    error = refused(app)
    assert "over Lambda's 4096-byte (4 KB) limit" in error.problem


def test_template_refuses_nested_env_values(app: Path) -> None:
    with (app / "env.dist.yml").open("a") as handle:
        handle.write("NESTED: {a: 1}\n")
    assert "NESTED must be text" in refused(app).problem


def test_template_accepts_the_limits(app: Path) -> None:
    """The edges are allowed: the checks must not refuse a valid app (no artifact here, so
    the failure is the missing vendored Tight, after every setting was accepted)."""
    set_functions(app, "  hello: {path: '/greetings/{id}', timeout: 900, memory_size: 10240}")
    error = refused(app)
    assert "holds no tight package" in error.problem
