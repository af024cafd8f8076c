"""Fixtures for the runtime tests: real event samples and throwaway apps on disk."""

from __future__ import annotations

import copy
import json
import sys
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest

from tight.core import logger
from tight.providers.aws.controllers import lambda_proxy_event, response

EVENTS = Path(__file__).parent / "events"
ORIGINAL_APP_INIT = textwrap.dedent(
    """\
    import sys, os
    here = os.path.dirname(os.path.realpath(__file__))
    sys.path = [os.path.join(here, "./vendored")] + sys.path
    sys.path = [os.path.join(here, "./lib")] + sys.path
    sys.path = [os.path.join(here, "./models")] + sys.path
    sys.path = [os.path.join(here, "./serializers")] + sys.path
    sys.path = [os.path.join(here, "../")] + sys.path
    """
)


@dataclass
class FakeContext:
    aws_request_id: str = "c0ffee00-1234-5678-9abc-def012345678"
    function_name: str = "my-service-dev-accounts"


@pytest.fixture
def context() -> FakeContext:
    return FakeContext()


@pytest.fixture
def event() -> Callable[[str], dict]:
    """`event('rest_v1_post')`: a fresh copy of a recorded-shape event sample."""
    cache: dict[str, dict] = {}

    def load(name: str) -> dict:
        if name not in cache:
            cache[name] = json.loads((EVENTS / f"{name}.json").read_text())
        return copy.deepcopy(cache[name])

    return load


def _forget_app_modules() -> None:
    for name in list(sys.modules):
        if name in ("app", "app_index") or name.startswith(("app.", "tight_test_")):
            del sys.modules[name]
    for name in list(lambda_proxy_event._routes):
        if name.startswith(("app.", "tight_test_")):
            del lambda_proxy_event._routes[name]


@pytest.fixture(autouse=True)
def isolated_runtime(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test starts with no app imported, default headers and a fresh logger."""
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.delenv("TIGHT_APP_ROOT", raising=False)
    monkeypatch.delenv("TIGHT_LOG_FORMAT", raising=False)
    _forget_app_modules()
    logger.reset()
    yield
    _forget_app_modules()
    response.set_default_headers(response.DEFAULT_HEADERS)
    logger.reset()


@dataclass
class AppOnDisk:
    root: Path

    def add_controller(self, name: str, source: str) -> None:
        folder = self.root / "app" / "functions" / name
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "__init__.py").write_text("")
        (folder / "handler.py").write_text(textwrap.dedent(source))

    def import_index(self) -> ModuleType:
        sys.path.insert(0, str(self.root))
        import app_index

        return app_index


@pytest.fixture
def make_app(tmp_path: Path, generated: Path) -> Callable[..., AppOnDisk]:
    """An app laid out as templates/app generates it (tight itself not vendored): its
    app/__init__.py and app_index.py are the rendered template's unless a test passes its own."""

    def build(
        controllers: dict[str, str] | None = None,
        index: str | None = None,
        init: str | None = None,
    ) -> AppOnDisk:
        index = (generated / "app_index.py").read_text() if index is None else index
        init = (generated / "app" / "__init__.py").read_text() if init is None else init
        root = tmp_path / "my_service"
        (root / "app" / "functions").mkdir(parents=True)
        (root / "app" / "vendored").mkdir()
        (root / "app" / "__init__.py").write_text(init)
        (root / "app" / "functions" / "__init__.py").write_text("")
        (root / "app_index.py").write_text(index)
        app = AppOnDisk(root)
        for name, source in (controllers or {}).items():
            app.add_controller(name, source)
        return app

    return build


def assert_proxy_response(answer: object) -> None:
    """What API Gateway accepts: int statusCode, str body, str->str headers."""
    assert isinstance(answer, dict), answer
    assert type(answer["statusCode"]) is int
    assert isinstance(answer["body"], str)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in answer["headers"].items())
