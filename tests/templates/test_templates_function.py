"""templates/function generates code that is right by default.

A new function answers only what the user wrote: an unwritten method is 405 with `Allow`, as
in a real API, and OPTIONS stays the automatic CORS preflight. The original Tight's stubs stay
in the handler as a commented example that works once uncommented. The generated tests use
the test kit (`make_event`, `lambda_context`) and keep passing as the app grows.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from tests.templates.helpers import PYTHON, TEMPLATES, invoke, run
from tests.templates.helpers import pytest as run_pytest

pytestmark = pytest.mark.slow

ASK = """\
import json, sys
import app_index
from tight.testing.context import LambdaContext
from tight.testing.events import make_event

answers = {}
for method, headers in json.loads(sys.argv[1]):
    body = {'id': 'w-1'} if method in ('POST', 'PUT') else None
    event = make_event(method, '/widgets', body=body, headers=headers)
    answers[method] = app_index.widgets(event, LambdaContext())
print(json.dumps(answers))
"""
PREFLIGHT = {
    "Origin": "https://example.com",
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "content-type",
}


def ask(app: Path, env: dict[str, str], *requests: tuple[str, dict[str, str]]) -> dict:
    result = run([PYTHON, "-c", ASK, json.dumps(requests)], app, env)
    assert result.returncode == 0, result.stdout
    return json.loads(result.stdout.strip().splitlines()[-1])


def summary(output: str) -> str:
    lines = [line for line in output.splitlines() if re.search(r"\b(passed|failed|error)", line)]
    return lines[-1] if lines else ""


@pytest.fixture
def widgets(new_app: Path, env: dict[str, str]) -> Path:
    result = invoke(new_app, env, "generate-function", "widgets", "--skip-tests")
    assert result.returncode == 0, result.stdout
    return new_app


def test_unwritten_methods_answer_405_with_allow(widgets: Path, env) -> None:
    answers = ask(widgets, env, *[(m, {}) for m in ("GET", "POST", "PUT", "PATCH", "DELETE")])
    assert answers["GET"]["statusCode"] == 200
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        answer = answers[method]
        assert answer["statusCode"] == 405, (method, answer)
        allowed = {m.strip() for m in answer["headers"]["Allow"].split(",")}
        assert "GET" in allowed and method not in allowed, answer


def test_options_is_the_automatic_cors_preflight(widgets: Path, env) -> None:
    answer = ask(widgets, env, ("OPTIONS", PREFLIGHT))["OPTIONS"]
    assert answer["statusCode"] == 204, answer
    headers = {key.lower(): value for key, value in answer["headers"].items()}
    assert "access-control-allow-methods" in headers, answer
    assert "GET" in headers["access-control-allow-methods"]
    assert "content-type" in headers["access-control-allow-headers"].lower()


def test_the_original_style_is_a_working_example(widgets: Path, env) -> None:
    """Uncommenting the original Tight's POST stub is all it takes to answer POST."""
    handler = widgets / "app/functions/widgets/handler.py"
    text = handler.read_text()
    for method in ("post", "put", "patch", "delete"):
        assert f"# @lambda_proxy.{method}\n# def {method}_handler(*args, **kwargs):" in text
    assert "@lambda_proxy.options" not in text
    post = re.search(r"# @lambda_proxy\.post\n(# .*\n)+", text)
    assert post is not None
    handler.write_text(text + "\n\n" + re.sub(r"^# ", "", post.group(0), flags=re.MULTILINE))
    answers = ask(widgets, env, ("POST", {}), ("PUT", {}))
    assert answers["POST"]["statusCode"] == 201, answers["POST"]
    assert json.loads(answers["POST"]["body"]) == {"id": "w-1"}
    assert answers["PUT"]["statusCode"] == 405


def test_generated_tests_use_the_test_kit(widgets: Path) -> None:
    tests = widgets / "tests/functions"
    integration = (tests / "integration/widgets/test_integration_widgets.py").read_text()
    assert "make_event('GET', '/widgets')" in integration
    assert "app.widgets(event, lambda_context)" in integration
    for text in (integration, (tests / "unit/widgets/test_unit_widgets.py").read_text()):
        assert "'httpMethod'" not in text and "context = {}" not in text


def test_generated_tests_keep_passing_as_the_app_grows(new_app: Path, env) -> None:
    """Two functions, one of them importing a model (which reads NAME and STAGE on import)."""
    assert invoke(new_app, env, "generate-function", "hello").returncode == 0
    assert invoke(new_app, env, "generate-model", "account").returncode == 0
    handler = new_app / "app/functions/hello/handler.py"
    handler.write_text("from Account import Account  # noqa: F401\n" + handler.read_text())
    other = invoke(new_app, env, "generate-function", "other")
    assert other.returncode == 0, other.stdout
    result = run_pytest(new_app, env)
    assert result.returncode == 0, result.stdout
    assert re.search(r"\b4 passed\b", summary(result.stdout)), result.stdout


def test_app_init_does_not_invite_breaking_the_app(new_app: Path) -> None:
    text = (new_app / "app/__init__.py").read_text()
    docstring = text.split('"""')[1]
    assert "Keep this file as it is" in docstring
    assert not re.search(r"\b(empty|remove|delete)\b", docstring, re.IGNORECASE), docstring


def test_byte_code_of_installed_templates_is_not_copied(new_app: Path, env, tmp_path) -> None:
    """pip compiles every .py file of an installed Tight, its templates' test files too."""
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    unit = next((templates / "function").rglob("test_unit_*.py")).parent
    (unit / "__pycache__").mkdir()
    (unit / "__pycache__" / "test_unit_x.cpython-311.pyc").write_bytes(b"\0")
    result = invoke(
        new_app, {**env, "TIGHT_TEMPLATES_DIR": str(templates)}, "generate-function", "widgets"
    )
    assert result.returncode == 0, result.stdout
    assert list(new_app.rglob("test_unit_x*")) == []
    assert "__pycache__" not in result.stdout
