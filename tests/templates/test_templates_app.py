"""templates/app renders the original Tight's anatomy; its files do what its docs say they do."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.templates.helpers import PYTHON, REPO, cookiecutter, invoke, run, tree
from tight.tasks import generate
from tight.tasks.config import load_config
from tight.tasks.errors import TaskError

pytestmark = pytest.mark.slow

ORIGINAL_ANATOMY = {
    ".gitignore",
    "README.md",
    "app/__init__.py",
    "app/functions/__init__.py",
    "app/lib/.gitkeep",
    "app/models/__init__.py",
    "app/serializers/__init__.py",
    "app/vendored/.gitkeep",
    "app_index.py",
    "conftest.py",
    "env.dist.yml",
    "pytest.ini",
    "requirements-vendor.txt",
    "requirements.txt",
    "schemas/dynamo/.gitkeep",
    "tasks.py",
    "tests/functions/integration/.gitkeep",
    "tests/functions/unit/.gitkeep",
    "tight.yml",
}


def test_app_has_the_original_anatomy(new_app: Path) -> None:
    assert set(tree(new_app)) == ORIGINAL_ANATOMY
    config = load_config(new_app)
    assert (config.name, config.runtime, config.architecture) == (
        "my-service",
        "python3.11",
        "x86_64",
    )
    assert config.vendor_dir == new_app / "app/vendored"
    assert (config.dynamo_db_dir, config.dynamo_db_port) == (new_app / "dynamo_db", 8000)
    assert config.functions == {}
    assert yaml.safe_load((new_app / "env.dist.yml").read_text()) == {"CI": False, "STAGE": "dev"}
    assert (new_app / "app_index.py").read_text().splitlines()[-3:] == [
        "from app.vendored.tight.providers.aws.lambda_app import app as app",
        "",
        "app.run()",
    ]
    ignored = (new_app / ".gitignore").read_text().splitlines()
    for entry in ("app/vendored/*", "env.yml", "builds/", "dynamo_db/", "__pycache__/"):
        assert entry in ignored


def requirement_lines(path: Path) -> list[str]:
    return [line for line in path.read_text().splitlines() if line and not line.startswith("#")]


def test_rendered_requirements_are_valid_for_pip(workspace: Path, env) -> None:
    """pip resolves both files as rendered for a local source (a stand-in `tight-lambda`
    project in the temp folder, so the checkout is never built into; nothing is installed)."""
    fake = workspace / "tight-src"
    fake.mkdir()
    (fake / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools>=64"]\nbuild-backend = "setuptools.build_meta"\n'
        '[project]\nname = "tight-lambda"\nversion = "9.9.9"\n'
        "[project.optional-dependencies]\ndev = []\n"
        "[tool.setuptools]\npackages = []\n"
    )
    assert cookiecutter("app", workspace, env, tight_source=str(fake)).returncode == 0
    for name in ("requirements.txt", "requirements-vendor.txt"):
        result = run(
            [
                PYTHON,
                "-m",
                "pip",
                "install",
                "--dry-run",
                "--no-deps",
                "--no-index",
                "--no-build-isolation",
                "-r",
                name,
            ],
            workspace / "my_service",
            env,
        )
        assert result.returncode == 0, result.stdout
        assert "Would install tight-lambda-9.9.9" in result.stdout


def test_app_tasks_are_tights_tasks(new_app: Path, env) -> None:
    listed = invoke(new_app, env, "--list")
    assert listed.returncode == 0, listed.stdout
    for name in ("generate-function", "generate-model", "rundb"):
        assert name in listed.stdout


def test_entry_line_shares_one_tight_when_tight_is_not_vendored(new_app: Path, env) -> None:
    assert not (new_app / "app/vendored/tight").exists()
    check = (
        "import sys, app_index\n"
        "import tight.providers.aws.lambda_app.app as canonical\n"
        "assert app_index.app is canonical, app_index.app\n"
        "assert sys.modules['app.vendored.tight'] is sys.modules['tight']\n"
        "print('one tight:', canonical.__file__)\n"
    )
    result = run([PYTHON, "-c", check], new_app, env)
    assert result.returncode == 0, result.stdout
    assert f"one tight: {REPO}/tight/" in result.stdout


def test_app_init_puts_the_original_folders_on_sys_path(new_app: Path, env) -> None:
    (new_app / "app/lib/helpers_lib.py").write_text("VALUE = 'lib'\n")
    check = "import app, helpers_lib, sys\nprint(helpers_lib.VALUE, sys.path)\n"
    result = run([PYTHON, "-c", check], new_app, env)
    assert result.returncode == 0, result.stdout
    assert result.stdout.startswith("lib ")
    for folder in ("app/vendored", "app/lib", "app/models", "app/serializers"):
        assert str(new_app / folder) in result.stdout


# Lambda's sys.path: the task root, then /var/runtime (Lambda's PYTHONPATH, before the standard
# library), then the standard library, then a site-packages holding Tight. -I -S: nothing else.
LAMBDA_PATH_PROBE = """
import json, os, sys
root, runtime, site = sys.argv[1:4]
sys.path[:0] = [root, runtime]
sys.path.append(site)
import app, calendar, pinned, Widget
print(json.dumps({
    'pinned': pinned.WHERE,
    'calendar_is_stdlib': calendar.__file__.startswith(os.path.dirname(os.__file__)),
    'widget': Widget.__file__,
    'path': sys.path,
}))
"""


def test_app_init_puts_vendored_before_lambdas_runtime_and_own_folders_after_the_stdlib(
    new_app: Path, env, tmp_path: Path
) -> None:
    import json

    runtime = tmp_path / "var-runtime"
    runtime.mkdir()
    (runtime / "pinned.py").write_text("WHERE = 'runtime'\n")
    (new_app / "app/vendored/pinned.py").write_text("WHERE = 'vendored'\n")
    (new_app / "app/lib/calendar.py").write_text("raise RuntimeError('shadowed the stdlib')\n")
    (new_app / "app/models/Widget.py").write_text("class Widget:\n    pass\n")
    result = run(
        [PYTHON, "-I", "-S", "-c", LAMBDA_PATH_PROBE, str(new_app), str(runtime), str(REPO)],
        new_app,
        env,
    )
    assert result.returncode == 0, result.stdout
    facts = json.loads(result.stdout)
    assert facts["pinned"] == "vendored"  # app/vendored wins over Lambda's runtime
    assert facts["calendar_is_stdlib"]  # a module of yours named like a stdlib one does not
    assert facts["widget"] == str(new_app / "app/models/Widget.py")  # the original's imports
    path = facts["path"]
    assert path[:3] == [str(new_app), str(new_app / "app/vendored"), str(runtime)]
    stdlib_end = max(
        i for i, p in enumerate(path) if p.startswith(str(Path(json.__file__).parents[1]))
    )
    assert path[stdlib_end + 1 : stdlib_end + 4] == [
        str(new_app / "app" / folder) for folder in ("serializers", "models", "lib")
    ]


def test_app_init_without_a_known_stdlib_keeps_vendored_first(new_app: Path, env, tmp_path) -> None:
    """An interpreter whose `os` has no file (embedded): all four folders right after the root,
    app/vendored first, as the original Tight had them."""
    import json

    runtime = tmp_path / "var-runtime"
    runtime.mkdir()
    (runtime / "pinned.py").write_text("WHERE = 'runtime'\n")
    (new_app / "app/vendored/pinned.py").write_text("WHERE = 'vendored'\n")
    probe = (
        "import json, os, sys\n"
        "root, runtime, site = sys.argv[1:4]\n"
        "sys.path[:0] = [root, runtime]\n"
        "sys.path.append(site)\n"
        "del os.__file__\n"
        "import app, pinned\n"
        "print(json.dumps({'pinned': pinned.WHERE, 'path': sys.path}))\n"
    )
    result = run(
        [PYTHON, "-I", "-S", "-c", probe, str(new_app), str(runtime), str(REPO)], new_app, env
    )
    assert result.returncode == 0, result.stdout
    facts = json.loads(result.stdout)
    assert facts["pinned"] == "vendored"
    folders = [str(new_app / "app" / f) for f in ("vendored", "serializers", "models", "lib")]
    assert facts["path"][:6] == [str(new_app), *folders, str(runtime)]


@pytest.mark.parametrize("package", ["models", "serializers"])
def test_package_exports_each_file_lazily(package: str, new_app: Path, env) -> None:
    folder = new_app / "app" / package
    (folder / "Widget.py").write_text("class Widget:\n    pass\n")
    (folder / "Gadget.py").write_text("class Gadget:\n    pass\n")
    check = (
        f"import sys\nimport app.{package} as pkg\n"
        "assert 'Widget' not in sys.modules, 'imported before use'\n"
        "assert pkg.__all__ == ['Gadget', 'Widget'], pkg.__all__\n"
        f"from app.{package} import Widget\n"
        "from Widget import Widget as same\n"
        "assert Widget is same, 'two copies of the class'\n"
        "assert 'Gadget' not in sys.modules, 'imported a file nobody asked for'\n"
        f"from app.{package} import *\n"
        "print(Widget.__name__, Gadget.__name__)\n"
        "try:\n    pkg.Missing\nexcept AttributeError as exc:\n    print(exc)\n"
    )
    result = run([PYTHON, "-c", check], new_app, env)
    assert result.returncode == 0, result.stdout
    assert "Widget Gadget" in result.stdout
    assert f"module 'app.{package}' has no attribute 'Missing'" in result.stdout


def test_templates_are_found_from_the_package() -> None:
    assert generate.templates_dir() == REPO / "templates"


def test_templates_dir_override_must_hold_the_templates(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv(generate.TEMPLATES_ENV, str(tmp_path))
    with pytest.raises(TaskError) as error:
        generate.templates_dir()
    assert str(tmp_path) in error.value.problem
    assert generate.TEMPLATES_ENV in error.value.fix
