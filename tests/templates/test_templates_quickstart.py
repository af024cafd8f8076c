"""The original Tight's Quickstart, for real: new app, `invoke generate-function`, `pytest` ->
2 passed, offline and without AWS credentials; plus what happens when the user gets something
wrong."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.templates.helpers import cookiecutter, invoke, tree
from tests.templates.helpers import pytest as run_pytest

pytestmark = pytest.mark.slow

FUNCTION_FILES = {
    "app/functions/my_function/__init__.py",
    "app/functions/my_function/handler.py",
    "tests/functions/unit/my_function/test_unit_my_function.py",
    "tests/functions/integration/my_function/test_integration_my_function.py",
    "tests/functions/integration/my_function/expectations/test_get_method.yml",
    "tests/functions/integration/my_function/placebos/test_get_method/recording.json",
}


def summary(output: str) -> str:
    """pytest's closing line, e.g. `2 passed in 0.51s`."""
    lines = [line for line in output.splitlines() if re.search(r"\b(passed|failed|error)", line)]
    return lines[-1] if lines else ""


def test_quickstart_generates_a_function_whose_tests_pass_offline(new_app: Path, env) -> None:
    before = set(tree(new_app))
    generated = invoke(new_app, env, "generate-function", "my_function")
    print(generated.stdout)
    assert generated.returncode == 0, generated.stdout
    assert "2 passed" in summary(generated.stdout), generated.stdout
    assert generated.stdout.rstrip().endswith("Successfully generated function and tests!")
    assert set(tree(new_app)) - before == FUNCTION_FILES

    result = run_pytest(new_app, env)
    print(result.stdout)
    assert result.returncode == 0, result.stdout
    assert re.search(r"\b2 passed\b", summary(result.stdout)), result.stdout
    assert "failed" not in summary(result.stdout)
    assert "tight: playback mode" in result.stdout


def test_generated_integration_test_can_fail(new_app: Path, env) -> None:
    """The original Tight's generated test could not fail; this one notices a changed response."""
    assert invoke(new_app, env, "generate-function", "my_function").returncode == 0
    handler = new_app / "app/functions/my_function/handler.py"
    handler.write_text(handler.read_text().replace("'world'", "'there'"))
    result = run_pytest(new_app, env)
    assert result.returncode == 1, result.stdout
    assert "1 failed, 1 passed" in summary(result.stdout), result.stdout
    assert "there" in result.stdout


def test_generate_function_refuses_to_overwrite(new_app: Path, env) -> None:
    assert invoke(new_app, env, "generate-function", "my_function").returncode == 0
    handler = new_app / "app/functions/my_function/handler.py"
    handler.write_text(handler.read_text() + "\n# my own work\n")
    before = tree(new_app)
    again = invoke(new_app, env, "generate-function", "my_function")
    assert again.returncode == 1, again.stdout
    assert "function 'my_function' already exists at app/functions/my_function" in again.stdout
    assert "never overwrites" in again.stdout
    assert tree(new_app) == before


def test_generate_function_refuses_when_its_tests_already_exist(new_app: Path, env) -> None:
    """Leftover tests of a deleted function are the user's: not silently replaced."""
    stale = new_app / "tests/functions/unit/my_function/test_unit_my_function.py"
    stale.parent.mkdir(parents=True)
    stale.write_text("def test_mine():\n    assert True\n")
    before = tree(new_app)
    result = invoke(new_app, env, "generate-function", "my_function")
    assert result.returncode == 1, result.stdout
    assert "refusing to overwrite tests/functions/unit/my_function/test_unit_my_function.py" in (
        result.stdout
    )
    assert tree(new_app) == before


def test_generate_function_exit_code_says_the_tests_failed(new_app: Path, env) -> None:
    """A broken app (here: a controller folder Tight cannot name) makes the new tests fail."""
    broken = new_app / "app/functions/bad-name"
    broken.mkdir()
    (broken / "handler.py").write_text("")
    result = invoke(new_app, env, "generate-function", "my_function")
    assert result.returncode != 0, result.stdout
    assert "the new tests of 'my_function' failed" in result.stdout
    assert "Successfully generated" not in result.stdout
    assert (new_app / "app/functions/my_function/handler.py").is_file()  # kept to be fixed


def test_deleted_recording_fails_with_how_to_record(new_app: Path, env) -> None:
    assert invoke(new_app, env, "generate-function", "my_function").returncode == 0
    recording = new_app / "tests/functions/integration/my_function/placebos/test_get_method"
    shutil.rmtree(recording)
    result = run_pytest(new_app, env)
    assert result.returncode == 1, result.stdout
    assert "1 failed, 1 passed" in summary(result.stdout), result.stdout
    assert "no recording for 'test_get_method'" in result.stdout
    assert "pytest --tight-record" in result.stdout


def test_re_recording_reproduces_the_shipped_recording_and_expectation(
    new_app: Path, env, dynamodb_local
):
    """What the template ships is exactly what `pytest --tight-record` writes: no churn.
    Recording goes to DynamoDB Local, as with `invoke rundb` running."""
    assert invoke(new_app, env, "generate-function", "my_function", "--skip-tests").returncode == 0
    shipped = tree(new_app / "tests")
    recording_env = {
        **env,
        "AWS_ACCESS_KEY_ID": "x",
        "AWS_SECRET_ACCESS_KEY": "x",
        "DYNAMODB_ENDPOINT": dynamodb_local.endpoint,
    }
    recorded = run_pytest(new_app, recording_env, "--tight-record")
    assert recorded.returncode == 0, recorded.stdout
    assert "tight: record mode" in recorded.stdout
    assert tree(new_app / "tests") == shipped


def test_two_functions_live_side_by_side(new_app: Path, env) -> None:
    assert invoke(new_app, env, "generate-function", "accounts", "--skip-tests").returncode == 0
    assert invoke(new_app, env, "generate-function", "orders").returncode == 0
    result = run_pytest(new_app, env)
    assert result.returncode == 0, result.stdout
    assert "4 passed" in summary(result.stdout)


def test_plain_cookiecutter_renders_a_function_into_an_existing_app(new_app: Path, env) -> None:
    """DESIGN's recipe for users without invoke: output to the app's parent, -f -s."""
    args = ("-o", str(new_app.parent), "-f", "-s")
    first = cookiecutter(
        "function", new_app, env, *args, app_name=new_app.name, function_name="my_function"
    )
    assert first.returncode == 0, first.stdout
    handler = new_app / "app/functions/my_function/handler.py"
    handler.write_text("# mine\n")
    again = cookiecutter(
        "function", new_app, env, *args, app_name=new_app.name, function_name="my_function"
    )
    assert again.returncode == 0, again.stdout
    assert handler.read_text() == "# mine\n"  # skip_if_file_exists keeps the user's file
    assert (new_app / "tight.yml").is_file()
