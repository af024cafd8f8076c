"""`invoke generate-env`: env.dist.yml < non-empty shell variables; NAME from tight.yml."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tight.tasks.config import load_config
from tight.tasks.env import flow, merge_env, write_env
from tight.tasks.errors import TaskError


def test_original_output_for_a_fresh_app(app: Path, run_invoke) -> None:
    result = run_invoke(app, "generate-env", NAME="", STAGE="", CI="")

    assert result.returncode == 0, result.stdout
    assert result.stdout.strip() == "{CI: false, NAME: shipping-app, STAGE: dev}"
    assert yaml.safe_load((app / "env.yml").read_text()) == {
        "CI": False,
        "NAME": "shipping-app",
        "STAGE": "dev",
    }


def test_non_empty_shell_values_override_and_keep_their_type(app: Path) -> None:
    (app / "env.dist.yml").write_text("CI: False\nSTAGE: dev\nRETRIES: 3\nAPI_KEY: changeme\n")
    shell = {"STAGE": "prod", "CI": "true", "RETRIES": "5", "API_KEY": "", "UNRELATED": "x"}

    values = merge_env(load_config(), shell)

    assert values == {
        "API_KEY": "changeme",
        "CI": True,
        "NAME": "shipping-app",
        "RETRIES": 5,
        "STAGE": "prod",
    }
    assert (
        flow(values) == "{API_KEY: changeme, CI: true, NAME: shipping-app, RETRIES: 5, STAGE: prod}"
    )


def test_name_always_comes_from_tight_yml(app: Path) -> None:
    (app / "env.dist.yml").write_text("NAME: stale\nSTAGE: dev\n")
    assert merge_env(load_config(), {"NAME": "hostname-from-wsl"})["NAME"] == "shipping-app"


def test_text_that_does_not_fit_the_default_type_stays_text(app: Path) -> None:
    (app / "env.dist.yml").write_text("CI: false\nPORT: 8000\n")
    values = merge_env(load_config(), {"CI": "maybe", "PORT": "0x1F"})
    assert values["CI"] == "maybe" and values["PORT"] == "0x1F"


def test_cli_reads_the_shell(app: Path, run_invoke) -> None:
    result = run_invoke(app, "generate-env", STAGE="qa", CI="")
    assert result.returncode == 0, result.stdout
    assert "STAGE: qa" in result.stdout
    assert yaml.safe_load((app / "env.yml").read_text())["STAGE"] == "qa"


def test_missing_or_broken_dist_is_an_error_and_env_yml_untouched(app: Path, run_invoke) -> None:
    (app / "env.yml").write_text("KEEP: me\n")
    (app / "env.dist.yml").write_text("- not\n- a mapping\n")
    result = run_invoke(app, "generate-env")
    assert result.returncode != 0
    assert "env.dist.yml must be a mapping" in result.stdout
    (app / "env.dist.yml").unlink()
    with pytest.raises(TaskError) as error:
        merge_env(load_config(), {})
    assert "env.dist.yml does not exist" in error.value.problem
    assert (app / "env.yml").read_text() == "KEEP: me\n"


def test_write_is_atomic_and_leaves_no_temp_files(app: Path) -> None:
    write_env(app, {"A": 1})
    assert yaml.safe_load((app / "env.yml").read_text()) == {"A": 1}
    assert not [p for p in app.iterdir() if p.name.startswith(".env.yml")]
